"""The year's plan as a pure query: definitions + year + work calendar -> meetings and tasks.

Nothing here reads a clock, a file or a database, so planning twice gives the same
values, and every calendar edge case can be tested with a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .busy import NO_BUSY_TIME, BusyTime
from .definitions import (
    AssigneeKind,
    CycleDefinition,
    HolidayPolicy,
    Role,
    Series,
    SeriesKind,
    Step,
)
from .errors import PlanError
from .ids import meeting_id, task_id
from .recurrence import expand_rrule
from .swedish import format_date
from .times import STOCKHOLM
from .workdays import WorkCalendar

_ROLE_ORDER = list(Role)  # ordförande first: the order roles are declared in


@dataclass(frozen=True, slots=True)
class Invitation:
    """A person invited to a meeting, in the role they hold on the meeting day."""

    person: str
    role: Role


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """One meeting of a series, placed on a working day in Europe/Stockholm time.

    ``moved_because`` says in Swedish why the meeting is not on the rule's date.
    """

    id: str
    organisation: str
    series: str
    body: str
    title: str
    kind: SeriesKind
    original_date: dt.date
    start: dt.datetime
    end: dt.datetime
    location: str
    moved_because: str | None
    invitations: tuple[Invitation, ...]


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """One preparation step of one meeting, due on a working day."""

    id: str
    meeting: str
    step: str
    title: str
    due: dt.date
    offset: int
    assignee: str
    assignees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class YearPlan:
    """All meetings (sorted by start) and tasks (sorted by due date) of one year."""

    organisation: str
    year: int
    meetings: tuple[PlannedMeeting, ...]
    tasks: tuple[PlannedTask, ...]


def plan_year(
    definition: CycleDefinition,
    year: int,
    calendar: WorkCalendar,
    busy: BusyTime = NO_BUSY_TIME,
) -> YearPlan:
    """Plan every series of ``definition`` for ``year``.

    Args:
        definition: a validated cycle definition.
        year: the calendar year whose rule dates are planned.
        calendar: working days covering ``year`` and its neighbours (chains cross New Year).
        busy: the organisation's other calendars; a series that avoids one moves off
            its events as off a holiday.

    Returns:
        The year's meetings and tasks; re-planning gives equal values and ids.

    Raises:
        PlanError: when a step has nobody to do it on its due date, or the calendar
            does not cover a day the plan needs.
    """
    meetings: list[PlannedMeeting] = []
    tasks: list[PlannedTask] = []
    for series in definition.series:
        # each span of the year with the series as it holds then: a change dated in
        # March leaves January and February as they were
        for first, last, version in series.periods(dt.date(year, 1, 1), dt.date(year, 12, 31)):
            for original in expand_rrule(version.rrule, year):
                if not first <= original <= last:
                    continue
                if version.summer_break and version.summer_break.contains(original):
                    continue
                meeting = place_meeting(definition, version, original, calendar, busy)
                meetings.append(meeting)
                day = meeting.start.date()
                tasks.extend(plan_chain(definition, version, meeting.id, day, calendar))
    meetings.sort(key=lambda m: (m.start, m.id))
    tasks.sort(key=lambda t: (t.due, t.id))
    return YearPlan(definition.organisation.slug, year, tuple(meetings), tuple(tasks))


def place_meeting(
    definition: CycleDefinition,
    series: Series,
    original: dt.date,
    calendar: WorkCalendar,
    busy: BusyTime = NO_BUSY_TIME,
) -> PlannedMeeting:
    """Place the meeting the rule gives on ``original`` onto an allowed day.

    The series' (or organisation's) policy says which way to move; if that would leave
    the year or run into the series' summer break, the meeting moves the other way
    instead, so a year's plan stays in its year and a break stays a break.
    """
    policy = series.holiday_policy or definition.organisation.holiday_policy
    avoid = definition.organisation.avoid_klamdagar
    reason = blocked_because(series, original, calendar, avoid, busy)
    day = original
    if reason is not None:
        first = 1 if policy is HolidayPolicy.NEXT else -1
        for direction in (first, -first):
            found = _next_allowed(series, original, direction, calendar, avoid, busy)
            if found is not None and found.year == original.year:
                day = found
                break
        else:
            raise PlanError(
                f"serien {series.id} hittar ingen tillåten dag för mötet {original} inom året",
                field=f"series.{series.id}",
            )
    start = dt.datetime.combine(day, series.start, tzinfo=STOCKHOLM)
    end = start + dt.timedelta(minutes=series.duration_minutes)
    org = definition.organisation.slug
    return PlannedMeeting(
        id=meeting_id(org, series.id, original),
        organisation=org,
        series=series.id,
        body=series.body,
        title=series.title,
        kind=series.kind,
        original_date=original,
        start=start,
        end=end,
        location=series.location,
        moved_because=None
        if reason is None
        else f"flyttat från {format_date(original)} ({reason})",
        invitations=invitations_on(definition, series, day),
    )


def invitations_on(
    definition: CycleDefinition, series: Series, day: dt.date
) -> tuple[Invitation, ...]:
    """One invitation per member of the series' body on ``day``, in the leading role they
    hold that day (a member who becomes chair is called as chair) – and, when another
    body invites to this one's meetings (a forum), its members as invited."""
    roles: dict[str, Role] = {}
    for m in definition.members_on(series.body, day):
        held = roles.get(m.person)
        if held is None or _ROLE_ORDER.index(m.role) < _ROLE_ORDER.index(held):
            roles[m.person] = m.role
    body = next((b for b in definition.bodies if b.slug == series.body), None)
    if body is not None and body.invited_by is not None:
        for m in definition.members_on(body.invited_by, day):
            roles.setdefault(m.person, Role.INBJUDEN)
    return tuple(Invitation(person, role) for person, role in roles.items())


def blocked_because(
    series: Series,
    day: dt.date,
    calendar: WorkCalendar,
    avoid_klamdagar: bool,
    busy: BusyTime = NO_BUSY_TIME,
) -> str | None:
    """Why a meeting of ``series`` cannot be held on ``day``, or ``None`` if it can: a
    day off, the series' summer break, a half day that ends before the meeting does, or
    busy time in a calendar the series avoids. The one rule the planner, a move off a
    holiday or a double booking, and an admin's reschedule all ask."""
    if reason := calendar.day_off_reason(day, avoid_klamdagar=avoid_klamdagar):
        return reason
    if series.summer_break is not None and series.summer_break.contains(day):
        return "sommaruppehåll"
    half = calendar.half_days.get(day)
    if half is not None:
        ends = dt.datetime.combine(day, series.start) + dt.timedelta(
            minutes=series.duration_minutes
        )
        if ends.time() > half.ends_at or ends.date() > day:
            return half.name
    if series.avoid:
        start = dt.datetime.combine(day, series.start, tzinfo=STOCKHOLM)
        end = start + dt.timedelta(minutes=series.duration_minutes)
        return busy.reason(series.avoid, start, end)
    return None


def _next_allowed(
    series: Series,
    day: dt.date,
    direction: int,
    calendar: WorkCalendar,
    avoid: bool,
    busy: BusyTime,
) -> dt.date | None:
    """The nearest day that way the series can meet, or None when the way runs into its
    summer break first: a move never crosses a break."""
    while True:
        day += dt.timedelta(days=direction)
        if series.summer_break is not None and series.summer_break.contains(day):
            return None
        if blocked_because(series, day, calendar, avoid, busy) is None:
            return day


def plan_chain(
    definition: CycleDefinition,
    series: Series,
    meeting: str,
    meeting_day: dt.date,
    calendar: WorkCalendar,
) -> tuple[PlannedTask, ...]:
    """Tasks of the series' preparation chain for a meeting held on ``meeting_day``.

    Called again with the new day when a meeting moves, which moves its whole chain.

    The body is away in its summer break, so no step is due in it: when steps before the
    meeting would fall in the break, the latest of them is due on the last working day
    before the break and every earlier step keeps its working-day distance to it (a call
    for items, kallelse and papers for a meeting early in August go out in June, in their
    order and spacing). A step after the meeting that falls in the break is due on the
    last working day before it.
    """
    if series.chain is None:
        return ()
    avoid = definition.organisation.avoid_klamdagar
    steps = definition.chain(series.chain).steps
    dues = {
        s.id: calendar.add_working_days(meeting_day, s.offset, avoid_klamdagar=avoid) for s in steps
    }
    brk = series.summer_break
    if brk is not None:
        away = [s.offset for s in steps if s.offset <= 0 and brk.contains(dues[s.id])]
        if away:
            latest = max(away)
            step_day = calendar.add_working_days(meeting_day, latest, avoid_klamdagar=avoid)
            anchor = before_break(series, step_day, calendar, avoid)
            for s in steps:
                if s.offset <= latest:
                    dues[s.id] = calendar.add_working_days(
                        anchor, s.offset - latest, avoid_klamdagar=avoid
                    )
    tasks = []
    for step in steps:
        due = before_break(series, dues[step.id], calendar, avoid)
        tasks.append(
            PlannedTask(
                id=task_id(meeting, step.id),
                meeting=meeting,
                step=step.id,
                title=step.title,
                due=due,
                offset=step.offset,
                assignee=str(step.assignee),
                assignees=resolve_assignees(definition, series, step, due),
            )
        )
    return tuple(tasks)


def before_break(
    series: Series, due: dt.date, calendar: WorkCalendar, avoid_klamdagar: bool
) -> dt.date:
    """``due``, or – inside the series' summer break – the last working day before it.

    Example:
        >>> from cycle import swedish_calendar
        >>> from cycle.definitions import SeriesKind, SummerBreak
        >>> s = Series("x", "b", "Rådet", SeriesKind.MOTE, "FREQ=MONTHLY", dt.time(13), 120,
        ...            summer_break=SummerBreak((7, 1), (7, 31)))
        >>> before_break(s, dt.date(2027, 7, 21), swedish_calendar([2027]), True)
        datetime.date(2027, 6, 30)
    """
    brk = series.summer_break
    if brk is None or not brk.contains(due):
        return due
    day = due
    while brk.contains(day) or not calendar.is_working_day(day, avoid_klamdagar=avoid_klamdagar):
        day -= dt.timedelta(days=1)
    return day


def shift_tasks(
    tasks: Sequence[PlannedTask],
    meeting_day: dt.date,
    calendar: WorkCalendar,
    *,
    avoid_klamdagar: bool,
) -> tuple[PlannedTask, ...]:
    """Re-anchor tasks that are not part of a chain on a moved meeting's new day."""
    return tuple(
        replace(
            t, due=calendar.add_working_days(meeting_day, t.offset, avoid_klamdagar=avoid_klamdagar)
        )
        for t in tasks
    )


def resolve_assignees(
    definition: CycleDefinition, series: Series, step: Step, day: dt.date
) -> tuple[str, ...]:
    """People who hold the step's assignment on ``day``, so mandate changes take effect.

    Raises:
        PlanError: when nobody holds it on that day.
    """
    target = step.assignee
    if target.kind is AssigneeKind.PERSON:
        return (target.ref,)
    if target.kind is AssigneeKind.BODY:
        people = [m.person for m in definition.members_on(target.ref, day)]
    else:
        body = target.body or series.body
        people = [m.person for m in definition.members_on(body, day) if m.role == target.ref]
    unique = tuple(dict.fromkeys(people))
    if not unique:
        raise PlanError(
            f"steget {step.id!r} i serien {series.id!r} har ingen ansvarig den "
            f"{format_date(day)}: ingen giltig medlem för {target}",
            source=definition.source,
            field=f"chain.{series.chain}.step.{step.id}.assign",
            value=str(target),
        )
    return unique
