"""The meeting processes, pure: which meeting a run is about, and what a move or a
cancellation does to a meeting and its chain."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from cycle import CycleDefinition, DefinitionError, PlanError, WorkCalendar, plan_year
from cycle.definitions import SeriesKind, with_series
from cycle.errors import HistoryError
from cycle.meetings import (
    cancellation_note,
    forum_number,
    next_meeting,
    plan_move,
    years_to_search,
)
from cycle.plan import PlannedMeeting, PlannedTask, blocked_because
from cycle.published import PublishedMeeting
from cycle.status import MeetingStatus
from cycle.times import STOCKHOLM

STAMP = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def stored(m: PlannedMeeting, status: MeetingStatus = MeetingStatus.PLANNED) -> PublishedMeeting:
    """A planned meeting as flows read it back from the database."""
    return PublishedMeeting(
        id=m.id,
        organisation=m.organisation,
        body=f"{m.organisation}/{m.body}",
        title=m.title,
        kind=m.kind,
        start=m.start,
        end=m.end,
        location=m.location,
        status=status,
        sequence=0,
        created_at=STAMP,
        updated_at=STAMP,
        original_date=m.original_date,
        series=f"{m.organisation}/{m.series}",
    )


@pytest.fixture
def year(
    mini: Callable[..., CycleDefinition], calendar: WorkCalendar
) -> tuple[CycleDefinition, list[PublishedMeeting]]:
    definition = mini()
    plan = plan_year(definition, 2027, calendar)
    return definition, [stored(m) for m in plan.meetings]


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=STOCKHOLM)


def test_a_move_plans_the_chain_again_from_the_new_day(
    year: tuple[CycleDefinition, list[PublishedMeeting]], calendar: WorkCalendar
) -> None:
    definition, meetings = year
    march = meetings[2]
    assert march.start.date() == dt.date(2027, 3, 4)
    move = plan_move(definition, march, at("2027-03-11"), [], calendar, reason=" Krock ", now=NOW)
    assert (move.meeting, move.start, move.end) == (
        march.id,
        at("2027-03-11"),
        at("2027-03-11", "13:00"),  # the meeting keeps its length (three hours)
    )
    due = {t.step: t.due for t in move.tasks}
    assert due == {
        "arenden": calendar.add_working_days(dt.date(2027, 3, 11), -15, avoid_klamdagar=True),
        "kallelse": dt.date(2027, 2, 25),
        "handlingar": dt.date(2027, 3, 4),
        "minnesanteckningar": dt.date(2027, 3, 18),
    }
    assert move.note == (
        "Flyttat från torsdag 4 mars 2027 kl. 13.00 till torsdag 11 mars 2027 kl. 10.00: Krock"
    )


def test_tasks_a_process_added_keep_their_offset_when_the_meeting_moves(
    year: tuple[CycleDefinition, list[PublishedMeeting]], calendar: WorkCalendar
) -> None:
    definition, meetings = year
    march = meetings[2]
    status = PlannedTask(
        "t", march.id, "status-x", "Rapportera status: X", dt.date(2027, 2, 18), -10, "x", ()
    )
    move = plan_move(
        definition, march, at("2027-03-18"), [status], calendar, reason="Krock", now=NOW
    )
    moved = next(t for t in move.tasks if t.step == "status-x")
    assert moved.due == dt.date(2027, 3, 4)  # ten working days before 18 March
    assert dataclasses.replace(moved, due=status.due) == status  # only the date changed


# One table of calendar rules, asked of the planner and of an admin's move alike: the day
# and time a Samverkansråd meeting (3 hours) would be held, and why it cannot be.
RULES = [
    ("2027-03-06", "10:00", "lördag"),
    ("2027-05-06", "10:00", "Kristi himmelsfärdsdag"),
    ("2027-05-07", "10:00", "Klämdag"),  # mini avoids klämdagar
    ("2027-12-24", "10:00", "Julafton"),
    ("2027-04-30", "13:00", "Valborgsmässoafton (från kl. 14.00)"),  # ends 16.00
    ("2027-07-14", "10:00", "sommaruppehåll"),  # the council's July break
]


@pytest.mark.parametrize(("day", "time", "why"), RULES)
def test_the_planner_and_a_move_refuse_the_same_days_for_the_same_reason(
    year: tuple[CycleDefinition, list[PublishedMeeting]],
    calendar: WorkCalendar,
    day: str,
    time: str,
    why: str,
) -> None:
    definition, meetings = year
    series = definition.series_by_key(meetings[2].series)
    assert series is not None
    when = at(day, time)
    planned = dataclasses.replace(series, start=when.time().replace(tzinfo=None))
    avoid = definition.organisation.avoid_klamdagar
    assert blocked_because(planned, when.date(), calendar, avoid) == why
    with pytest.raises(PlanError, match="mötet kan inte hållas") as caught:
        plan_move(definition, meetings[2], when, [], calendar, reason="Krock", now=NOW)
    assert f"({why})" in str(caught.value) and caught.value.field == "start"


def test_valborg_morning_is_a_working_morning_for_planner_and_move(
    year: tuple[CycleDefinition, list[PublishedMeeting]], calendar: WorkCalendar
) -> None:
    definition, meetings = year
    move = plan_move(
        definition, meetings[2], at("2027-04-30", "09:00"), [], calendar, reason="Krock", now=NOW
    )
    assert move.start == at("2027-04-30", "09:00")  # ends 12.00, before the half day ends


def test_a_holiday_move_never_crosses_the_summer_break(
    mini: Callable[..., CycleDefinition], calendar: WorkCalendar
) -> None:
    # the last day of June 2024 is a Sunday: "nästa" would land on 1 July, in the break
    definition = mini(rrule='"FREQ=MONTHLY;BYMONTHDAY=-1"')
    plan = plan_year(definition, 2024, calendar)
    june = next(m for m in plan.meetings if m.original_date == dt.date(2024, 6, 30))
    assert june.start.date() == dt.date(2024, 6, 28)  # the Friday before, not July
    assert "sommaruppehåll" not in (june.moved_because or "")
    assert all(m.start.month != 7 for m in plan.meetings)


def test_preparation_falls_before_the_break_in_its_order_and_spacing(
    mini: Callable[..., CycleDefinition], calendar: WorkCalendar
) -> None:
    # a council on the first Thursday of August: its call for items, kallelse and papers
    # (15, 10 and 5 working days before) would fall in the July break – the papers are
    # due on the last working day before it, the others as many working days earlier
    plan = plan_year(mini(), 2027, calendar)
    august = next(m for m in plan.meetings if m.start.month == 8)
    chain = {t.step: t.due for t in plan.tasks if t.meeting == august.id}
    assert all(due.month != 7 for due in chain.values()), chain
    june30 = dt.date(2027, 6, 30)

    def back(days: int) -> dt.date:
        return calendar.add_working_days(june30, -days, avoid_klamdagar=True)

    assert chain["handlingar"] == june30
    assert (chain["kallelse"], chain["arenden"]) == (back(5), back(10))
    assert chain["minnesanteckningar"] > august.start.date()


def test_a_move_needs_a_reason_and_a_series_still_in_the_file(
    year: tuple[CycleDefinition, list[PublishedMeeting]], calendar: WorkCalendar
) -> None:
    definition, meetings = year
    with pytest.raises(PlanError, match="ange ett skäl till flytten"):
        plan_move(definition, meetings[2], at("2027-03-11"), [], calendar, reason="  ", now=NOW)
    gone = dataclasses.replace(meetings[2], series="mini/borttagen")
    with pytest.raises(DefinitionError, match="finns inte längre i cykelfilen"):
        plan_move(definition, gone, at("2027-03-11"), [], calendar, reason="Krock", now=NOW)


def test_a_meeting_that_has_begun_is_not_moved_nor_moved_into_the_past(
    year: tuple[CycleDefinition, list[PublishedMeeting]], calendar: WorkCalendar
) -> None:
    definition, meetings = year
    march = meetings[2]
    during = march.start + dt.timedelta(minutes=5)
    with pytest.raises(HistoryError) as caught:
        plan_move(definition, march, at("2027-03-11"), [], calendar, reason="Krock", now=during)
    assert str(caught.value).startswith(
        "fält meeting: Samverkansrådet torsdag 4 mars 2027 kl. 13.00 ligger i det förflutna"
    )
    assert f"arshjul meetings correct {march.id} --reason" in str(caught.value)
    with pytest.raises(PlanError, match="den nya tiden har redan passerat"):
        plan_move(
            definition, meetings[5], at("2027-03-03"), [], calendar, reason="Krock", now=during
        )


def test_next_meeting_skips_cancelled_ones_and_the_past(
    year: tuple[CycleDefinition, list[PublishedMeeting]],
) -> None:
    _, meetings = year
    february = meetings[1]
    cancelled = [
        dataclasses.replace(m, status=MeetingStatus.CANCELLED) if m is february else m
        for m in meetings
    ]
    now = at("2027-01-20")
    assert next_meeting(meetings, now=now) is february
    assert next_meeting(cancelled, now=now) is meetings[2]
    assert next_meeting(meetings, now=now, month=3) is meetings[2]
    assert next_meeting(meetings, now=now, month=7) is None  # the summer break
    assert next_meeting(cancelled, now=now, month=2) is None


def test_forums_are_counted_without_the_cancelled_ones(
    year: tuple[CycleDefinition, list[PublishedMeeting]],
) -> None:
    _, meetings = year
    first, second, third = meetings[:3]
    held = [dataclasses.replace(first, status=MeetingStatus.CANCELLED), second, third]
    assert forum_number(held, 2027, 1) is second
    with pytest.raises(PlanError, match="år 2027 har 2 forum; välj 1–2"):
        forum_number(held, 2027, 3)
    with pytest.raises(PlanError):
        forum_number(held, 2027, 0)


def test_a_process_is_run_by_the_organisations_that_have_its_series(
    mini: Callable[..., CycleDefinition],
) -> None:
    definition = mini()
    assert with_series([definition], SeriesKind.MOTE, None) == [definition]
    assert with_series([definition], SeriesKind.FORUM, None) == []
    with pytest.raises(
        DefinitionError, match='organisationen har inget forum \\(kind = "forum"\\)'
    ):
        with_series([definition], SeriesKind.FORUM, "mini")
    with pytest.raises(DefinitionError, match="ingen mötesserie av typen 'utbildning'"):
        with_series([definition], SeriesKind.UTBILDNING, "mini")
    assert years_to_search(2027, 3) == [2027] and years_to_search(2026, None) == [2026, 2027]


def test_a_cancellation_needs_a_reason() -> None:
    assert cancellation_note("Extra val") == "Inställt: Extra val"
    with pytest.raises(PlanError, match="ange ett skäl"):
        cancellation_note(" ")
