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
from cycle.plan import PlannedMeeting, PlannedTask
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


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2027-03-06", "lördag"),
        ("2027-05-06", "Kristi himmelsfärdsdag"),
        ("2027-05-07", "Klämdag"),  # mini avoids klämdagar
        ("2027-12-24", "Julafton"),
    ],
)
def test_a_move_to_a_day_off_is_refused_with_the_reason(
    year: tuple[CycleDefinition, list[PublishedMeeting]],
    calendar: WorkCalendar,
    day: str,
    why: str,
) -> None:
    definition, meetings = year
    with pytest.raises(PlanError, match="är inte en arbetsdag") as caught:
        plan_move(definition, meetings[2], at(day), [], calendar, reason="Krock", now=NOW)
    assert why.lower() in str(caught.value).lower() and caught.value.field == "start"


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
