"""Dated changes of a series: a rule says from when it holds, and what came before stays.

Reading ``[[series.change]]`` tables and a series' ``from``/``to`` (bad ones named by
file, line and field, since coordinators edit these files by hand), and planning with
them: each part of the year follows the series as it holds then, and a meeting before a
change keeps its id, time and place, so subscribers' calendars are not rewritten.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
from collections.abc import Callable

import pytest

from cycle import DefinitionError, WorkCalendar, parse_cycle, plan_year
from cycle.definitions import SeriesChange
from cycle.plan import PlannedMeeting, YearPlan
from cycle.times import STOCKHOLM
from tests.conftest import mini_text

YEAR = 2027


def _cycle(*changes: str, **series: str) -> str:
    """Mini's text with series fields replaced (raw TOML) and ``[[series.change]]``
    tables appended; the series is the file's last table, so they belong to it."""
    text = mini_text(**series)
    for body in changes:
        text += f"\n[[series.change]]\n{body.strip()}\n"
    return text


def _plan(text: str, calendar: WorkCalendar) -> YearPlan:
    return plan_year(parse_cycle(text, "mini.toml"), YEAR, calendar)


def _local(m: PlannedMeeting) -> dt.datetime:
    return m.start.astimezone(STOCKHOLM)


def _nth_thursday(month: int, n: int) -> dt.date:
    """The n:th Thursday of a month of YEAR, counted without the rule engine."""
    thursdays = [
        dt.date(YEAR, month, day)
        for day in range(1, months.monthrange(YEAR, month)[1] + 1)
        if dt.date(YEAR, month, day).weekday() == months.THURSDAY
    ]
    return thursdays[n - 1]


# -- reading ------------------------------------------------------------------------------


def test_a_dated_change_is_read_into_a_series_change() -> None:
    text = _cycle('from = 2027-03-01\nstart = "09:00"\nlocation = "Regionens hus, Sal B"')
    series = parse_cycle(text, "mini.toml").series[0]
    assert series.changes == (
        SeriesChange(dt.date(2027, 3, 1), start=dt.time(9, 0), location="Regionens hus, Sal B"),
    )
    # the series' own fields are what holds before the change
    assert (series.start, series.location) == (dt.time(13, 0), "Regionens hus, Sal A")


def test_every_changeable_field_is_read_with_its_type() -> None:
    text = _cycle(
        'from = 2027-03-01\nrrule = "FREQ=MONTHLY;BYDAY=2TH"\nstart = "08:30"\n'
        'duration_minutes = 90\nlocation = "Sal C"\ntitle = "Rådsmöte"\n'
        'holiday_policy = "föregående"'
    )
    (change,) = parse_cycle(text, "mini.toml").series[0].changes
    assert change.fields() == {
        "rrule": "FREQ=MONTHLY;BYDAY=2TH",
        "start": dt.time(8, 30),
        "duration_minutes": 90,
        "location": "Sal C",
        "title": "Rådsmöte",
        "holiday_policy": "föregående",
    }


def test_a_series_reads_its_first_and_last_day() -> None:
    series = parse_cycle(
        mini_text(**{"from": "2027-05-01", "to": "2027-09-30"}), "mini.toml"
    ).series[0]
    assert (series.valid_from, series.valid_to) == (dt.date(2027, 5, 1), dt.date(2027, 9, 30))
    # a series without them meets from the first day to the last
    assert parse_cycle(mini_text(), "mini.toml").series[0].valid_from is None


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


Needle = str | tuple[str, int]  # text on the line [and which occurrence of it]
BadCase = tuple[str, Callable[[], str], Needle, str, str]
BAD: list[BadCase] = [
    # (case, text, text on the expected line, field, message fragment)
    (
        "a change without a date",
        lambda: _cycle('start = "09:00"'),
        "[[series.change]]",
        "series[0].change[0]",
        "behöver ett datum",
    ),
    (
        "a change that changes nothing",
        lambda: _cycle("from = 2027-03-01"),
        "[[series.change]]",
        "series[0].change[0]",
        "ändrar ingenting",
    ),
    (
        "changes out of date order",
        lambda: _cycle('from = 2027-06-01\nstart = "09:00"', 'from = 2027-03-01\nstart = "10:00"'),
        "from = 2027-03-01",
        "series[0].change[1].from",
        "datumordning",
    ),
    (
        "two changes on one day",
        lambda: _cycle('from = 2027-06-01\nstart = "09:00"', 'from = 2027-06-01\ntitle = "Råd"'),
        ("from = 2027-06-01", 2),
        "series[0].change[1].from",
        "en per dag",
    ),
    (
        "a change before the series starts",
        lambda: _cycle('from = 2027-03-01\nstart = "09:00"', **{"from": "2027-05-01"}),
        "from = 2027-03-01",
        "series[0].change[0].from",
        "utanför seriens from–to",
    ),
    (
        "a change after the series stops",
        lambda: _cycle('from = 2027-10-01\nstart = "09:00"', to="2027-09-30"),
        "from = 2027-10-01",
        "series[0].change[0].from",
        "utanför seriens from–to",
    ),
    (
        "a series that stops before it starts",
        lambda: mini_text(**{"from": "2027-05-01", "to": "2027-04-30"}),
        "to = 2027-04-30",
        "series[0].to",
        "slutar innan den börjar",
    ),
    (
        "an invalid start in a change",
        lambda: _cycle('from = 2027-03-01\nstart = "9.75"'),
        'start = "9.75"',
        "series[0].change[0].start",
        "klockslag",
    ),
    (
        "an invalid rrule in a change",
        lambda: _cycle('from = 2027-03-01\nrrule = "FREQ=MONTHY;BYDAY=1TH"'),
        "FREQ=MONTHY",
        "series[0].change[0].rrule",
        "MONTHY stöds inte",
    ),
    (
        "a change of what the series is",
        lambda: _cycle('from = 2027-03-01\nbody = "beredningsgrupp"'),
        ('body = "beredningsgrupp"', 2),  # the first is Lena Sjö's membership
        "series[0].change[0].body",
        "okänt fält",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "needle", "field", "fragment"), BAD, ids=[c[0] for c in BAD]
)
def test_a_bad_dated_rule_names_file_line_and_field(
    case: str, text: Callable[[], str], needle: Needle, field: str, fragment: str
) -> None:
    """Coordinators fix what the error points at, so it must point at the right line."""
    written = text()
    expected_line = _line_of(written, *((needle, 1) if isinstance(needle, str) else needle))
    with pytest.raises(DefinitionError) as caught:
        parse_cycle(written, "cycles/mini.toml")
    error = caught.value
    assert error.source == "cycles/mini.toml"
    assert error.line == expected_line, str(error)
    assert error.field == field, str(error)
    assert fragment in error.message
    assert str(error).startswith(f"cycles/mini.toml, rad {expected_line}, fält {field}: ")


# -- planning -----------------------------------------------------------------------------


def test_a_new_start_time_holds_from_its_date_and_not_before(calendar: WorkCalendar) -> None:
    plain = _plan(mini_text(), calendar)
    changed = _plan(_cycle('from = 2027-03-01\nstart = "09:00"'), calendar)
    assert [m.id for m in changed.meetings] == [m.id for m in plain.meetings]
    before = [m for m in changed.meetings if m.original_date < dt.date(2027, 3, 1)]
    after = [m for m in changed.meetings if m.original_date >= dt.date(2027, 3, 1)]
    assert [m.original_date.month for m in before] == [1, 2]
    assert {_local(m).time() for m in before} == {dt.time(13, 0)}
    assert len(after) == 9 and {_local(m).time() for m in after} == {dt.time(9, 0)}


def test_a_new_rule_generates_its_dates_only_from_its_date(calendar: WorkCalendar) -> None:
    """Mid-June the council moves from the first to the third Thursday: June keeps the
    3 June meeting already given by the old rule and gets 17 June from the new one."""
    changed = _plan(_cycle('from = 2027-06-10\nrrule = "FREQ=MONTHLY;BYDAY=3TH"'), calendar)
    expected = [_nth_thursday(m, 1) for m in range(1, 7)] + [
        _nth_thursday(m, 3)
        for m in (6, 8, 9, 10, 11, 12)  # July is the summer break
    ]
    assert sorted(m.original_date for m in changed.meetings) == expected


def test_meetings_before_a_change_keep_their_ids_and_values(calendar: WorkCalendar) -> None:
    """Stable UIDs: a calendar that subscribed before the change sees the same events."""
    plain = _plan(mini_text(), calendar)
    changed = _plan(
        _cycle('from = 2027-06-10\nrrule = "FREQ=MONTHLY;BYDAY=3TH"\nstart = "09:00"'), calendar
    )
    cut = dt.date(2027, 6, 10)
    assert [m for m in changed.meetings if m.original_date < cut] == [
        m for m in plain.meetings if m.original_date < cut
    ]
    kept = {m.id for m in plain.meetings if m.original_date < cut}
    assert [t for t in changed.tasks if t.meeting in kept] == [
        t for t in plain.tasks if t.meeting in kept
    ]
    # the meetings from the change on are the new rule's, with ids of their own
    new = {m.id for m in changed.meetings if m.original_date >= cut}
    assert new and not new & {m.id for m in plain.meetings}


def test_a_series_that_starts_in_may_has_no_meetings_before_may(calendar: WorkCalendar) -> None:
    plain = _plan(mini_text(), calendar)
    late = _plan(mini_text(**{"from": "2027-05-01"}), calendar)
    may = dt.date(2027, 5, 1)
    assert late.meetings
    assert all(m.original_date >= may and m.start.date() >= may for m in late.meetings)
    assert late.meetings == tuple(m for m in plain.meetings if m.original_date >= may)


def test_a_series_that_stops_after_september_has_no_meetings_after_it(
    calendar: WorkCalendar,
) -> None:
    plain = _plan(mini_text(), calendar)
    stopped = _plan(mini_text(to="2027-09-30"), calendar)
    end = dt.date(2027, 9, 30)
    assert stopped.meetings
    assert all(m.original_date <= end and m.start.date() <= end for m in stopped.meetings)
    assert stopped.meetings == tuple(m for m in plain.meetings if m.original_date <= end)
    kept = {m.id for m in stopped.meetings}
    assert stopped.tasks == tuple(t for t in plain.tasks if t.meeting in kept)


def test_a_new_length_changes_the_end_only_from_its_date(calendar: WorkCalendar) -> None:
    plain = {m.id: m for m in _plan(mini_text(), calendar).meetings}
    changed = _plan(_cycle("from = 2027-09-01\nduration_minutes = 90"), calendar)
    assert set(plain) == {m.id for m in changed.meetings}
    for m in changed.meetings:
        assert m.start == plain[m.id].start
        minutes = (m.end - m.start) / dt.timedelta(minutes=1)
        assert minutes == (90 if m.original_date >= dt.date(2027, 9, 1) else 180), m


def test_later_changes_build_on_earlier_ones(calendar: WorkCalendar) -> None:
    """A new room from September does not undo the new time from March."""
    changed = _plan(
        _cycle('from = 2027-03-01\nstart = "09:00"', 'from = 2027-09-01\nlocation = "Sal B"'),
        calendar,
    )
    by_month = {m.original_date.month: m for m in changed.meetings}
    assert (_local(by_month[2]).time(), by_month[2].location) == (
        dt.time(13, 0),
        "Regionens hus, Sal A",
    )
    assert (_local(by_month[4]).time(), by_month[4].location) == (
        dt.time(9, 0),
        "Regionens hus, Sal A",
    )
    assert (_local(by_month[10]).time(), by_month[10].location) == (dt.time(9, 0), "Sal B")


def test_a_change_from_an_earlier_year_holds_for_the_whole_year(calendar: WorkCalendar) -> None:
    """Next year's plan follows a change too, and a change not yet due has no effect."""
    earlier = _plan(_cycle('from = 2026-06-01\nstart = "09:00"'), calendar)
    assert {_local(m).time() for m in earlier.meetings} == {dt.time(9, 0)}
    later = _plan(_cycle('from = 2028-01-01\nstart = "09:00"'), calendar)
    assert later == _plan(mini_text(), calendar)
