"""The feeds as calendar clients nobody here wrote read them, from the served site.

- libical (Evolution, GNOME Calendar): every exported .ics parses, passes the RFC 5545/
  5546 restriction check and keeps every component;
- ical.js (Thunderbird): expands the same occurrences as ``icalendar`` +
  ``recurring-ical-events``;
- every TEXT value of every feed (calendar-level names and descriptions included) has
  its commas and semicolons escaped, by a plain reading of the lines, and libical and
  ical.js read a name with a comma back whole;
- vdirsyncer (http → filesystem, as khal and Evolution-style vdirs are fed) keeps every
  item of a public, a group and a personal feed, and khal lists them on the right days.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import recurring_ical_events
from icalendar import Calendar

from cycle.times import STOCKHOLM

from . import libical
from .conftest import ICALJS, Site

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
WINDOW = (dt.date(2025, 1, 1), dt.date(2029, 1, 1))


def components(content: bytes) -> list[tuple[str, str, str]]:
    """(kind, UID, start) of every VEVENT occurrence and VTODO, as ical.js prints them."""
    calendar = Calendar.from_ical(content)
    found = []
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        start = event["DTSTART"].dt
        when = (
            start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            if isinstance(start, dt.datetime)
            else start.isoformat()
        )
        found.append(("vevent", str(event["UID"]), when))
    for todo in calendar.walk("VTODO"):
        found.append(("vtodo", str(todo["UID"]), todo["DUE"].dt.isoformat()))
    return sorted(found)


def test_libical_parses_checks_and_keeps_every_feed(site: Site, ical_lib: object) -> None:
    feeds = site.feeds()
    assert len(feeds) > 100  # public, group, personal and single-meeting calendars
    for path in feeds:
        content = path.read_bytes()
        checked = libical.check(ical_lib, content)  # type: ignore[arg-type]
        name = str(path.relative_to(site.root))
        assert checked.errors == [], (name, checked.errors[:3])
        assert checked.restrictions_pass, name
        for kind in ("VEVENT", "VTODO"):
            assert checked.text.count(f"BEGIN:{kind}") == content.count(f"BEGIN:{kind}".encode()), (
                name,
                kind,
            )


def test_icaljs_expands_what_icalendar_expands(site: Site, node: str) -> None:
    script = Path(__file__).with_name("icaljs.mjs")
    # single meetings repeat the feeds' components; one node process reads all the rest
    feeds = [p for p in site.feeds() if p.parent.name != "m"]
    assert len(feeds) > 100
    done = subprocess.run(
        [node, str(script), *map(str, feeds)],
        capture_output=True,
        env=os.environ | {"ICALJS_DIR": str(ICALJS)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    read = json.loads(done.stdout.decode())
    for path in feeds:
        theirs = sorted((c["kind"], c["uid"], c["start"]) for c in read[str(path)])
        assert theirs == components(path.read_bytes()), path.relative_to(site.root)


# Written out from RFC 5545 3.3.11 and 3.1, not taken from icalendar, so a wrong escape
# in what we write is not hidden by the same mistake in how we read.
_LINE = re.compile(
    r'(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)'
    r'(?:,(?:"[^"]*"|[^";:,]*))*)*):(?P<value>.*)'
)
_TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "NAME", "TZNAME", "UID"}
_TEXT_LISTS = {"CATEGORIES", "RESOURCES"}  # commas part the values; semicolons escaped
_ONE_TEXT = re.compile(r"(?:[^\\,;]|\\[\\,;nN])*")
_TEXT_LIST = re.compile(r"(?:[^\\;]|\\[\\,;nN])*")


def unescaped_text(content: bytes) -> list[str]:
    """The unfolded lines of a feed whose TEXT value has a bare comma, semicolon or
    backslash. X- properties are TEXT unless they say otherwise (RFC 5545 3.8.8.2)."""
    bad = []
    unfolded = content.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        parsed = _LINE.fullmatch(line)
        assert parsed, line
        name, params = parsed["name"].upper(), parsed["params"].upper()
        if name.startswith("X-"):
            textual = "VALUE=" not in params or ";VALUE=TEXT" in params
        else:
            textual = name in _TEXT and "VALUE=" not in params
        pattern = _ONE_TEXT if textual else _TEXT_LIST if name in _TEXT_LISTS else None
        if pattern is not None and not pattern.fullmatch(parsed["value"]):
            bad.append(line)
    return bad


def test_unescaped_text_finds_a_bare_comma_and_lets_an_escaped_one_pass() -> None:
    assert unescaped_text(b"X-WR-CALNAME:Tider, platser\r\n") == ["X-WR-CALNAME:Tider, platser"]
    assert unescaped_text(b"NAME;VALUE=TEXT:R\xc3\xa5d\r\n x\\; y\r\n") == []  # folded
    assert unescaped_text(b"SUMMARY:A\\, b\\; c\\\\ d\\n\r\nCATEGORIES:A,B\r\n") == []
    assert unescaped_text(b"DTSTART;TZID=Europe/Stockholm:20270104T090000\r\n") == []
    assert unescaped_text(b'ATTENDEE;CN="Berg, Anna":mailto:a@b.se\r\nLOCATION:Sal; A\r\n') == [
        "LOCATION:Sal; A"
    ]


def test_every_text_value_of_every_feed_is_escaped(site: Site) -> None:
    feeds = site.feeds()
    assert len(feeds) > 100
    with_comma = 0
    for path in feeds:
        content = path.read_bytes()
        assert unescaped_text(content) == [], path.relative_to(site.root)
        with_comma += b"X-WR-CALDESC;VALUE=TEXT:Exempeldata: tider\\," in content
    assert with_comma > 100  # the shipped cycles are example data: their feeds say so


def test_libical_and_icaljs_read_a_calendar_name_with_its_comma(
    site: Site, ical_lib: object, node: str
) -> None:
    public = site.root / "feeds" / "varmland.ics"
    content = public.read_bytes()
    texts = libical.calendar_texts(ical_lib, content)  # type: ignore[arg-type]
    description = "Exempeldata: tider, platser och personer är inte beslutade."
    assert texts["X-WR-CALDESC"].startswith(description)
    assert texts["DESCRIPTION"] == texts["X-WR-CALDESC"]
    assert texts["NAME"] == texts["X-WR-CALNAME"] and "\\" not in texts["NAME"]
    script = Path(__file__).with_name("icaljs_names.mjs")
    done = subprocess.run(
        [node, str(script), str(public)],
        capture_output=True,
        env=os.environ | {"ICALJS_DIR": str(ICALJS)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    named = {k: texts[k] for k in ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC")}
    assert json.loads(done.stdout.decode())[str(public)] == named


def _sync(site: Site, path: str, work: Path) -> Path:
    """vdirsyncer's http → filesystem sync of one served feed; returns the local vdir."""
    local = work / "lokal"
    local.mkdir(parents=True)
    config = work / "vdirsyncer.conf"
    config.write_text(
        f"""[general]
status_path = "{work / "status"}/"

[pair prenumeration]
a = "webb"
b = "lokal"
collections = null
conflict_resolution = "a wins"

[storage webb]
type = "http"
url = "{site.url}/{path}"

[storage lokal]
type = "filesystem"
path = "{local}/"
fileext = ".ics"
""",
        encoding="utf-8",
    )
    env = os.environ | {"HOME": str(work), "XDG_CONFIG_HOME": str(work)}
    for command in (["discover", "prenumeration"], ["sync"]):
        done = subprocess.run(
            [str(BIN / "vdirsyncer"), "-c", str(config), *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return local


def _khal(local: Path, work: Path, first: dt.date, last: dt.date) -> set[tuple[str, str]]:
    """(date, title) of every event khal lists between the two days."""
    config = work / "khal.conf"
    config.write_text(
        f"""[calendars]
[[prenumeration]]
path = {local}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Europe/Stockholm
default_timezone = Europe/Stockholm
""",
        encoding="utf-8",
    )
    env = os.environ | {"HOME": str(work), "XDG_DATA_HOME": str(work / "data")}
    done = subprocess.run(
        [
            str(BIN / "khal"),
            "-c",
            str(config),
            "list",
            "--day-format",
            "",
            "--format",
            "{start-date}|{title}",
            first.isoformat(),
            last.isoformat(),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {tuple(line.split("|", 1)) for line in done.stdout.splitlines() if "|" in line}  # type: ignore[misc]


def _expected(content: bytes, first: dt.date, last: dt.date) -> set[tuple[str, str]]:
    found = set()
    for event in recurring_ical_events.of(Calendar.from_ical(content)).between(
        first, last + dt.timedelta(days=1)
    ):
        start = event["DTSTART"].dt
        day = start.astimezone(STOCKHOLM).date() if isinstance(start, dt.datetime) else start
        found.add((day.isoformat(), str(event["SUMMARY"])))
    return found


def _items(content: bytes) -> list[tuple[str, str, str]]:
    """(kind, summary, start or due) of every event and task, sorted."""
    return sorted(
        (c.name, str(c["SUMMARY"]), str((c.get("DTSTART") or c.get("DUE")).dt))
        for c in Calendar.from_ical(content).walk()
        if c.name in ("VEVENT", "VTODO")
    )


def test_vdirsyncer_keeps_every_item_and_khal_shows_them(site: Site, tmp_path: Path) -> None:
    index = json.loads((site.root / "index.json").read_text(encoding="utf-8"))
    assert all(f["kind"] != "grupp" for f in index["feeds"])  # behind their tokens
    # the busiest group's and person's feeds (tokens are random: "the first" would vary)
    group = str(
        max((site.root / "g").glob("*.ics"), key=lambda p: p.stat().st_size).relative_to(site.root)
    )
    personal = max((site.root / "p").glob("*.ics"), key=lambda p: p.stat().st_size)
    with urllib.request.urlopen(  # what vdirsyncer gets: aiohttp asks for gzip
        urllib.request.Request(
            f"{site.url}/feeds/varmland.ics", headers={"Accept-Encoding": "gzip"}
        )
    ) as answer:
        assert answer.headers["Content-Encoding"] == "gzip"
    for n, path in enumerate(["feeds/varmland.ics", group, str(personal.relative_to(site.root))]):
        work = tmp_path / str(n)
        content = (site.root / path).read_bytes()
        ours = _items(content)
        assert len(ours) > 10, path
        local = _sync(site, path, work)
        kept = list(local.glob("*.ics"))
        # one file per item; vdirsyncer's http storage names items by a hash of their
        # content (its default ignore_uids), so they are compared by what they say
        assert len(kept) == len(ours), (path, len(kept), len(ours))
        assert sorted(i for f in kept for i in _items(f.read_bytes())) == ours, path
        first, last = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
        assert _khal(local, work, first, last) == _expected(content, first, last), path


def test_an_owners_assignment_is_a_to_do_in_their_feed(site: Site, ical_lib: object) -> None:
    """Lena's feed holds her assignment as a VTODO due on its time frame, in progress, and
    as an all-day "Tidsram" event; libical keeps both; the restricted one her group
    carries is there with its time frame only – no title, CLASS:CONFIDENTIAL."""
    lena = next(
        p
        for p in site.feeds()
        if p.parent.name == "p" and b"Uppdrag: Ta fram underlag" in p.read_bytes()
    )
    content = lena.read_bytes()
    calendar = Calendar.from_ical(content)
    (todo,) = [t for t in calendar.walk("VTODO") if str(t["SUMMARY"]).startswith("Uppdrag:")]
    assert todo["DUE"].dt == dt.date(2027, 4, 30) and str(todo["STATUS"]) == "IN-PROCESS"
    assert int(todo["SEQUENCE"]) == 1 and "Senaste rapport: Enkät ute" in str(todo["DESCRIPTION"])
    events = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Tidsram:")]
    assert [e["DTSTART"].dt for e in events] == [dt.date(2027, 4, 30)]
    assert b"Samordna remissvaren" not in content  # restricted: no details in any feed
    (hidden,) = [t for t in calendar.walk("VTODO") if str(t["SUMMARY"]).startswith("Uppdrag med")]
    assert str(hidden["SUMMARY"]) == "Uppdrag med begränsad offentlighet"
    assert str(hidden["CLASS"]) == "CONFIDENTIAL" and hidden["DUE"].dt == dt.date(2027, 9, 30)
    assert "OSL" not in str(hidden["DESCRIPTION"])  # nor the reason
    checked = libical.check(ical_lib, content)  # type: ignore[arg-type]
    assert checked.errors == [] and checked.text.count("Uppdrag: Ta fram underlag") == 1
    assert checked.text.count("Uppdrag med begränsad offentlighet") == 1
    public = [p for p in site.feeds() if p.parent.name != "p"]
    assert public and not any(b"begr\xc3\xa4nsad offentlighet" in p.read_bytes() for p in public)
