"""Text that cannot break a feed: what people type is refused with a Swedish line that
names file, line and field, or normalised; and text stored before the checks (or
typed into any field, fuzzed over every Unicode category) still gives feeds that
libical and icalendar read whole."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from calendars.ical import MeetingContext, calendar_frame, compose, render_meeting
from cycle import DefinitionError, parse_cycle
from cycle.definitions import SeriesKind
from cycle.published import PublishedMeeting
from cycle.status import MeetingStatus
from tests.conftest import MINI

from . import libical

AT = dt.datetime(2027, 3, 4, 12, 0, tzinfo=dt.UTC)
SERIES_TITLE = 'name = "Samverkansrådet"'  # the council's name, line 12 of mini.toml


def with_name(value: str) -> str:
    """mini.toml with the council's name set to ``value`` (written as a TOML string)."""
    text = MINI.read_text(encoding="utf-8")
    assert SERIES_TITLE in text
    return text.replace(SERIES_TITLE, f"name = {json.dumps(value, ensure_ascii=False)}", 1)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("Samverkansrådet\rExtra", "vagnretur (CR)"),
        ("Samverkans\nrådet", "radbrytning (LF)"),
        ("Råd\u202e", "U+202E"),
        ("Råd\x00", "nolltecken (NUL)"),
    ],
)
def test_a_character_a_calendar_line_cannot_carry_is_refused_with_file_line_and_field(
    value: str, named: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_cycle(with_name(value), "mini.toml")
    message = str(caught.value)
    assert "mini.toml" in message and "rad 12" in message and "name" in message, message
    assert named in message, message


def test_what_a_user_means_is_normalised() -> None:
    decomposed = "Samverkansra\u030adet\t2027 "  # å as a + ring, a tab, a trailing space
    d = parse_cycle(with_name(decomposed), "mini.toml")
    assert {b.name for b in d.bodies} >= {"Samverkansrådet 2027"}


def _feed(title: str, location: str = "") -> bytes:
    meeting = PublishedMeeting(
        "m1",
        "mini",
        "mini/radet",
        title,
        SeriesKind.MOTE,
        AT,
        AT + dt.timedelta(hours=2),
        location,
        MeetingStatus.PLANNED,
        0,
        AT,
        AT,
        AT.date(),
    )
    ctx = MeetingContext(title, "samverkansråd", "https://kalender.example.se")
    return compose(calendar_frame(title, title), [render_meeting(meeting, ctx)])


@pytest.fixture(scope="module")
def lib() -> object:
    from .conftest import need

    found = libical.load()
    need("libical", found is not None, "apt-get install libical3")
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=300))
def test_fuzzed_text_is_refused_at_check_time_or_gives_a_feed_clients_read(
    lib: object, text: str
) -> None:
    try:
        d = parse_cycle(with_name(text), "mini.toml")
    except DefinitionError as error:  # refused: in Swedish, naming where
        assert error.source == "mini.toml" and error.line == 12, error
        return
    # accepted: the normalised name goes through the renderer into every client intact
    name = next(b.name for b in d.bodies if b.slug == "radet")
    content = _feed(name)
    checked = libical.check(lib, content)  # type: ignore[arg-type]
    assert checked.errors == [] and checked.restrictions_pass
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["SUMMARY"]) == name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=300), place=st.text(max_size=100))
def test_text_stored_before_the_checks_still_gives_a_feed_clients_read(
    lib: object, text: str, place: str
) -> None:
    content = _feed(text, place)  # straight to the renderer: no check on the way
    checked = libical.check(lib, content)  # type: ignore[arg-type]
    assert checked.errors == [] and checked.restrictions_pass
    calendar = Calendar.from_ical(content)
    assert len(list(calendar.walk("VEVENT"))) == 1
    for line in content.split(b"\r\n"):
        line.decode("utf-8")  # every physical line is whole UTF-8
        assert b"\x00" not in line and b"\r" not in line and b"\n" not in line


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_itip_messages_pass_libicals_restriction_check(lib: object, method: str) -> None:
    """The calendar part of a kallelse or an avbokning, with a name that needs quoting."""
    from calendars.itip import render_itip
    from cycle.definitions import Role

    meeting = PublishedMeeting(
        "m1",
        "mini",
        "mini/radet",
        "Samverkansrådet",
        SeriesKind.MOTE,
        AT,
        AT + dt.timedelta(hours=2),
        "Regionens hus; sal A, plan 2",
        MeetingStatus.CANCELLED if method == "CANCEL" else MeetingStatus.PLANNED,
        1,
        AT,
        AT,
        AT.date(),
    )
    content = render_itip(
        meeting,
        MeetingContext("Samverkansrådet", "samverkansråd", "https://kalender.example.se"),
        method=method,
        organizer=("arshjul@region.example", 'Årshjul, Region "Test"'),
        attendee=("anna.berg@example.se", "Berg, Anna\r\n"),
        role=Role.ORDFORANDE,
    )
    checked = libical.check(lib, content)  # type: ignore[arg-type]
    assert checked.errors == [] and checked.restrictions_pass, checked.errors[:3]
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert event["ATTENDEE"].params["CN"] == "Berg, Anna"
    assert f"METHOD:{method}" in checked.text
