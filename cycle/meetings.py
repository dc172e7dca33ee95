"""The meeting processes as pure functions: which meeting a monthly or forum run is
about, and what moving or cancelling a meeting means for it and its chain.

Flows read the stored meetings (as ``PublishedMeeting`` values), call these, and store
the result; every rule about working days, chains and the admin's reason lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .busy import NO_BUSY_TIME, BusyTime
from .definitions import REGISTRATION_STEP, CycleDefinition, Series, SeriesKind
from .errors import DefinitionError, PlanError
from .history import held_meeting_error, meeting_has_begun
from .plan import PlannedTask, blocked_because, plan_chain, shift_tasks
from .published import PublishedMeeting, PublishedTask
from .recurrence import expand_rrule
from .swedish import format_date, format_time
from .times import STOCKHOLM
from .workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class Move:
    """A meeting's new place in time, its re-anchored tasks and the note people see."""

    meeting: str
    start: dt.datetime
    end: dt.datetime
    tasks: tuple[PlannedTask, ...]
    note: str


def years_to_search(year: int, month: int | None) -> list[int]:
    """The years in which the month's meeting may lie: that year for a named month; this
    year and the next without one (December's run prepares January's meeting).

    Example:
        >>> years_to_search(2027, 3), years_to_search(2026, None)
        ([2027], [2026, 2027])
    """
    return [year] if month else [year, year + 1]


def next_meeting(
    meetings: Sequence[PublishedMeeting], *, now: dt.datetime, month: int | None = None
) -> PublishedMeeting | None:
    """The first meeting held in ``month`` (Stockholm time), or – without a month – the
    first one that has not started by ``now``; cancelled meetings are skipped.

    ``meetings`` must be sorted by start, as stored reads return them.
    """
    for m in meetings:
        if m.cancelled:
            continue
        if month is None and m.start >= now:
            return m
        if month is not None and m.start.astimezone(STOCKHOLM).month == month:
            return m
    return None


def forum_number(meetings: Sequence[PublishedMeeting], year: int, number: int) -> PublishedMeeting:
    """Forum ``number`` (1-based) of the year's forums that are not cancelled.

    Raises:
        PlanError: the year has fewer forums than ``number``.
    """
    held = [m for m in meetings if not m.cancelled]
    if not 1 <= number <= len(held):
        raise PlanError(
            f"år {year} har {len(held)} forum; välj 1–{len(held)}", field="forum", value=number
        )
    return held[number - 1]


def forum_guests(definition: CycleDefinition) -> tuple[str, ...]:
    """The external organisations invited to the organisation's forums (those of the body
    that holds its forum series)."""
    series = next(s for s in definition.series if s.kind is SeriesKind.FORUM)
    body = next(b for b in definition.bodies if b.slug == series.body)
    return body.guests


def registration_deadline(tasks: Sequence[PublishedTask]) -> dt.date | None:
    """The last day for guests to register: the due date of the forum chain's step
    ``anmalan`` (every forum chain has one)."""
    return next((t.due for t in tasks if t.step == REGISTRATION_STEP), None)


def _required_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise PlanError(message, field="reason")
    return reason.strip()


def refuse_if_held(meeting: PublishedMeeting, now: dt.datetime) -> None:
    """An admin's move or cancellation is for meetings that have not begun.

    Raises:
        HistoryError: the meeting has begun by ``now``, naming it and how to correct
            history instead.
    """
    if meeting_has_begun(meeting.start, now):
        raise held_meeting_error(meeting.id, meeting.title, meeting.start)


def plan_move(
    definition: CycleDefinition,
    meeting: PublishedMeeting,
    new_start: dt.datetime,
    process_tasks: Sequence[PlannedTask],
    calendar: WorkCalendar,
    *,
    reason: str,
    now: dt.datetime,
    busy: BusyTime = NO_BUSY_TIME,
) -> Move:
    """Move ``meeting`` to ``new_start`` (aware, Stockholm wall time): its chain is planned
    again from the new day, tasks a process added keep their offsets, and the note says
    from where to where and why.

    The new time passes the planner's own rule (:func:`cycle.plan.blocked_because`): a
    working day, outside the series' summer break, not past the end of a half day, not
    in busy time the series avoids.

    Raises:
        HistoryError: the meeting has begun by ``now``.
        PlanError: no reason, a new time that has passed, or a new time the planner
            would not give the meeting.
        DefinitionError: the meeting's series is no longer in the cycle file.
    """
    refuse_if_held(meeting, now)
    why = _required_reason(reason, "ange ett skäl till flytten")
    if meeting_has_begun(new_start, now):
        raise PlanError(
            "den nya tiden har redan passerat; ett möte flyttas bara framåt i tiden",
            field="start",
            value=new_start.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M"),
        )
    series = definition.series_by_key(meeting.series)
    if series is None:
        raise DefinitionError(
            "mötets serie finns inte längre i cykelfilen", field="series", value=meeting.series
        )
    start = new_start.astimezone(STOCKHOLM)
    day = start.date()
    avoid = definition.organisation.avoid_klamdagar
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    at = replace(series.on(day), start=start.time().replace(tzinfo=None), duration_minutes=minutes)
    if off := blocked_because(at, day, calendar, avoid, busy):
        raise PlanError(
            f"mötet kan inte hållas {format_date(day)} kl. {format_time(start)} ({off})",
            field="start",
            value=start.strftime("%Y-%m-%dT%H:%M"),
        )
    tasks = (
        *plan_chain(definition, series, meeting.id, day, calendar),
        *shift_tasks(process_tasks, day, calendar, avoid_klamdagar=avoid),
    )
    old = meeting.start.astimezone(STOCKHOLM)
    note = (
        f"Flyttat från {format_date(old.date())} kl. {format_time(old)} till "
        f"{format_date(day)} kl. {format_time(start)}: {why}"
    )
    return Move(meeting.id, start, start + (meeting.end - meeting.start), tasks, note)


def no_meeting_reason(
    series: Sequence[Series],
    meetings: Sequence[PublishedMeeting],
    year: int,
    month: int | None,
) -> str:
    """Why ``series`` hold no meeting in the month (or ahead, without one) – said from
    the rules and the stored meetings, not guessed: a cancellation (with its note), the
    summer break, or a rule that does not meet that month.

    Example:
        >>> from cycle.definitions import SeriesKind, SummerBreak
        >>> s = Series("x", "b", "Chefssamverkansgruppen", SeriesKind.BEREDNING,
        ...            "FREQ=MONTHLY;INTERVAL=2", dt.time(9), 120,
        ...            summer_break=SummerBreak((7, 1), (7, 31)))
        >>> no_meeting_reason([s], [], 2027, 7), no_meeting_reason([s], [], 2027, 2)
        ('sommaruppehåll', 'Chefssamverkansgruppen har inget möte den månaden enligt sin regel')
    """
    if month is None:
        return "ingen av serierna har ett planerat möte kvar"
    for m in meetings:
        local = m.start.astimezone(STOCKHOLM)
        if m.cancelled and (local.year, local.month) == (year, month):
            return m.note or "mötet är inställt"
    first = dt.date(year, month, 1)
    versions = [s.on(first) for s in series]
    # the month's rule dates: if there are some and the break takes every one, it is the
    # break (a break that ends mid-August takes August's early date too)
    dates = [
        (v, day) for v in versions for day in expand_rrule(v.rrule, year) if day.month == month
    ]
    if dates and all(v.summer_break and v.summer_break.contains(day) for v, day in dates):
        return "sommaruppehåll"
    names = " och ".join(dict.fromkeys(v.title for v in versions)) or "serien"
    return f"{names} har inget möte den månaden enligt sin regel"


def cancellation_note(reason: str) -> str:
    """The note a cancelled meeting carries in feeds, pages and e-mails.

    Raises:
        PlanError: no reason given.

    Example:
        >>> cancellation_note(" Ordföranden är sjuk ")
        'Inställt: Ordföranden är sjuk'
    """
    return f"Inställt: {_required_reason(reason, 'ange ett skäl till att mötet ställs in')}"
