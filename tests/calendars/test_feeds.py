"""Feeds parsed back with independent readers (icalendar, recurring-ical-events) and
compared with the plan; bytes stable; privacy; DST; moves and cancellations."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy.engine import Engine
from sqlmodel import select

from calendars.assets import assets
from calendars.export import export
from calendars.feeds import Audience, build_feeds
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.meetings import Move
from models.database import read_session, write_session
from models.definitions import save_definition
from models.meetings import cancel_meeting, move_meeting
from models.plan import save_plan
from models.tables import Meeting, Person
from tests.calendars.conftest import BASE, TODAY, feeds_by_path, publish
from tests.conftest import DATA, NOW, PLANNED

STOCKHOLM = "Europe/Stockholm"
Mini = Callable[..., CycleDefinition]
GOLDEN = DATA / "golden"


def events(
    content: bytes, start: dt.date = dt.date(2025, 1, 1), end: dt.date = dt.date(2028, 1, 1)
) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    return list(recurring_ical_events.of(calendar).between(start, end))


def test_body_feed_matches_the_stored_plan(stored: Engine) -> None:
    feed = feeds_by_path(stored)["feeds/mini/radet.ics"]
    with read_session(stored) as s:
        meetings = s.exec(select(Meeting).order_by(Meeting.start)).all()
    parsed = sorted(events(feed.content), key=lambda e: e.start)
    assert len(parsed) == len(meetings) == 22  # 11 a year, 2026 and 2027
    for event, row in zip(parsed, meetings, strict=True):
        assert str(event["UID"]) == f"{row.id}@arshjul"
        assert event.start == row.start and event.end == row.end
        assert str(event["SUMMARY"]) == "Samverkansrådet"
        assert str(event["LOCATION"]) == "Regionens hus, Sal A"
        assert event.start.tzinfo is not None and str(event.start.tzinfo) == STOCKHOLM
        assert event["SEQUENCE"] == 0
        # the moment the plan was stored, or – for a meeting held by now – when it ended
        assert event["DTSTAMP"].dt == (row.end if row.end <= NOW else PLANNED)


def test_calendar_properties_clients_need(stored: Engine) -> None:
    content = feeds_by_path(stored)["feeds/mini/radet.ics"].content
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0" and "Årshjul" in str(calendar["PRODID"])
    assert (
        str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == ("Samverkansrådet (Testregionen)")
    )
    assert str(calendar["X-WR-TIMEZONE"]) == STOCKHOLM
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in content
    assert b"X-PUBLISHED-TTL:PT4H\r\n" in content
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [STOCKHOLM]
    assert b"METHOD:" not in content  # a published feed, not an iTIP message


def test_lines_are_crlf_folded_at_75_octets_without_splitting_characters(stored: Engine) -> None:
    for feed in build_feeds(publish(stored), base_url=BASE):
        raw = feed.content
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        for line in raw.split(b"\r\n"):
            assert len(line) <= 75
            line.decode("utf-8")  # a fold inside å/ä/ö would make this fail


def test_the_same_data_gives_the_same_bytes(stored: Engine) -> None:
    first = {f.path: (f.content, f.etag) for f in build_feeds(publish(stored), base_url=BASE)}
    second = {f.path: (f.content, f.etag) for f in build_feeds(publish(stored), base_url=BASE)}
    assert first == second


def test_golden_body_feed(stored: Engine) -> None:
    """The body feed byte for byte; regenerate with ARSHJUL_UPDATE_GOLDEN=1 after a
    deliberate change, and read the diff."""
    content = feeds_by_path(stored)["feeds/mini/radet.ics"].content
    golden = GOLDEN / "mini-radet.ics"
    if os.environ.get("ARSHJUL_UPDATE_GOLDEN") == "1":
        golden.write_bytes(content)
    # meeting ids are uuid5 of fixed inputs, so the whole file is reproducible
    assert content == golden.read_bytes()


def test_dst_a_0830_meeting_stays_0830_local_on_both_sides(
    stored: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    d = mini(rrule='"FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=27,30"', start='"08:30"')
    with write_session(stored) as s:
        save_definition(s, d, now=PLANNED)
        save_plan(s, plan_year(d, 2026, calendar), now=PLANNED)
    parsed = [
        e
        for e in events(
            feeds_by_path(stored)["feeds/mini/radet.ics"].content,
            dt.date(2026, 1, 1),
            dt.date(2027, 1, 1),
        )
        if e["STATUS"] != "CANCELLED"
    ]  # the old first-Thursday rule's meetings
    local = [(e.start.date(), e.start.strftime("%H:%M"), e.start.utcoffset()) for e in parsed]
    hours = dt.timedelta(hours=1)
    assert local == [
        (dt.date(2026, 3, 27), "08:30", hours),
        (dt.date(2026, 3, 30), "08:30", 2 * hours),
        (dt.date(2026, 10, 27), "08:30", hours),
        (dt.date(2026, 10, 30), "08:30", hours),
    ]


def test_public_feeds_carry_no_personal_data(stored: Engine) -> None:
    with read_session(stored) as s:
        people = s.exec(select(Person)).all()
    for feed in build_feeds(publish(stored), base_url=BASE):
        if feed.audience is Audience.PERSONAL:
            continue
        text = feed.content.decode()
        assert "@example.se" not in text and "ATTENDEE" not in text and "ORGANIZER" not in text
        for person in people:
            assert person.name not in text, (feed.path, person.name)
        for component in icalendar.Calendar.from_ical(feed.content).walk():
            for prop in ("SUMMARY", "DESCRIPTION", "LOCATION"):
                value = str(component.get(prop, ""))
                assert not re.search(r"\+46|\b0\d{1,3}[- ]?\d{5,8}\b|@", value), value


def test_personal_feed_has_own_meetings_and_tasks_and_stops_after_mandate(stored: Engine) -> None:
    published = publish(stored)
    token = {p.key: p.token for p in published.people}
    feeds = feeds_by_path(stored)
    olof = feeds[f"p/{token['mini/olof-lund']}.ics"]  # ledamot until 2026-12-31
    starts = [e.start.date() for e in events(olof.content)]
    assert starts and max(starts) <= dt.date(2026, 12, 31)
    karin = feeds[f"p/{token['mini/karin-ek']}.ics"]  # from 2027-01-01
    assert min(e.start.date() for e in events(karin.content)) >= dt.date(2027, 1, 1)
    lena = icalendar.Calendar.from_ical(feeds[f"p/{token['mini/lena-sjo']}.ics"].content)
    todos = lena.walk("VTODO")
    deadlines = [e for e in lena.walk("VEVENT") if "Sista dag: " in str(e["SUMMARY"])]
    assert todos and len(todos) == len(deadlines)  # each task twice: VTODO and VEVENT
    assert all(not isinstance(e.start, dt.datetime) for e in deadlines)  # all-day
    # on 23 November 2026 the tasks due before are late: said so, and no alarm for them
    late = [t for t in todos if t["DUE"].dt < TODAY]
    ahead = [t for t in todos if t["DUE"].dt >= TODAY]
    assert late and ahead
    assert all(str(t["SUMMARY"]).startswith("Försenad: ") and not t.walk("VALARM") for t in late)
    assert all(str(t["STATUS"]) == "NEEDS-ACTION" for t in late)
    assert all(isinstance(t["DUE"].dt, dt.date) and t.walk("VALARM") for t in ahead)


def test_reschedule_changes_exactly_that_events_sequence(stored: Engine) -> None:
    before = {
        str(e["UID"]): e["SEQUENCE"]
        for e in events(feeds_by_path(stored)["feeds/mini.ics"].content)
    }
    with write_session(stored) as s:
        row = s.exec(select(Meeting).order_by(Meeting.start)).all()[14]
        target = row.id
        start = row.start + dt.timedelta(days=1)
        move_meeting(
            s,
            Move(row.id, start, row.end + dt.timedelta(days=1), (), "Flyttat: lokalen är upptagen"),
            now=NOW + dt.timedelta(hours=1),
        )
    after_events = events(feeds_by_path(stored)["feeds/mini.ics"].content)
    after = {str(e["UID"]): e["SEQUENCE"] for e in after_events}
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed == {f"{target}@arshjul"} and after[f"{target}@arshjul"] == 1
    moved = next(e for e in after_events if str(e["UID"]) == f"{target}@arshjul")
    assert moved.start == start and "lokalen är upptagen" in str(moved["DESCRIPTION"])
    assert moved["DTSTAMP"].dt == NOW + dt.timedelta(hours=1)


def test_a_cancelled_meeting_stays_with_the_same_uid_and_a_higher_sequence(
    stored: Engine,
) -> None:
    with write_session(stored) as s:
        row = s.exec(select(Meeting).order_by(Meeting.start)).all()[15]
        target = row.id
        cancel_meeting(s, row.id, note="Inställt: extra val", now=NOW)
    event = next(
        e
        for e in events(feeds_by_path(stored)["feeds/mini.ics"].content)
        if str(e["UID"]) == f"{target}@arshjul"
    )
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Inställt: ")


def test_export_is_atomic_idempotent_and_indexes_only_shared_feeds(
    stored: Engine, tmp_path: Path
) -> None:
    root = tmp_path / "publicerat"
    feeds = build_feeds(publish(stored), base_url=BASE)
    first = export(root, feeds, {"index.html": b"<html></html>"})
    # the feeds, the page, the index and the pages' stylesheet and script
    assert first.written == len(feeds) + 2 + len(assets()) and first.removed == 0
    assert (root / "_" / "arshjul.css").read_bytes() == assets()["_/arshjul.css"]
    snapshot = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    again = export(
        root, build_feeds(publish(stored), base_url=BASE), {"index.html": b"<html></html>"}
    )
    assert again.written == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()} == (
        snapshot
    )
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))["feeds"]
    # personal and group feeds are behind their tokens: the index names neither
    assert {e["audience"] for e in index} == {"offentlig"}
    assert all(not e["path"].startswith(("p/", "g/")) for e in index)
    assert any(f.path.startswith("g/") for f in feeds) and any(
        f.path.startswith("p/") for f in feeds
    )
    assert {"kind", "name", "path", "audience"} <= set(index[0])
    assert not [p for p in root.rglob(".*") if p.is_file()]  # no temporary files left
    radet = root / "feeds" / "mini" / "radet.ics"
    with read_session(stored) as s:
        ended = [m.end for m in s.exec(select(Meeting)) if m.end <= NOW]
    # Last-Modified from the content: the last meeting that became held
    assert radet.stat().st_mtime == max([PLANNED, *ended]).timestamp()
    # every file has its gzip sibling: the same bytes once decompressed, the same mtime
    written = [p for p in root.rglob("*") if p.is_file() and p.suffix != ".gz"]
    for path in written:
        sibling = path.with_name(path.name + ".gz")
        assert gzip.decompress(sibling.read_bytes()) == path.read_bytes(), path
        assert sibling.stat().st_mtime == path.stat().st_mtime, path
    # a feed that is no longer published goes with its sibling
    export(root, [f for f in feeds if f.path != "feeds/mini/radet.ics"], {})
    assert not radet.exists() and not radet.with_name("radet.ics.gz").exists()


def test_a_component_that_cannot_be_rendered_is_left_out_and_the_rest_is_built(
    stored: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Fault injection: one meeting's rendering raises; every feed is still built, that
    meeting is missing from them (and named in the log), every other one is there."""
    import calendars.feeds

    published = publish(stored)
    victim = published.meetings[0]
    real = calendars.feeds.render_meeting

    def render(m, ctx):  # type: ignore[no-untyped-def]
        if m.id == victim.id:
            raise ValueError("trasig rad")
        return real(m, ctx)

    monkeypatch.setattr(calendars.feeds, "render_meeting", render)
    feeds = build_feeds(published, base_url=BASE)
    whole = {f.path for f in build_feeds(published, base_url=BASE)}
    assert {f.path for f in feeds} == whole
    uids = {
        str(c["UID"]) for f in feeds for c in icalendar.Calendar.from_ical(f.content).walk("VEVENT")
    }
    assert f"{victim.id}@arshjul" not in uids
    assert {f"{m.id}@arshjul" for m in published.meetings[1:]} <= uids
    assert any(victim.id in r.getMessage() for r in caplog.records)
