"""Double bookings: the same person called to two meetings that overlap.

Pure: meetings and people in, conflicts out. A person is one person across bodies and
across organisations: within a cycle file by id, across files by e-mail address
(lower-cased), since a kommunstyrelseordförande sits in the region's council and in
the county's forum under two files. Two meetings collide for someone called to both
when they overlap once the travel margin is added between them – the larger margin
of the two organisations, since the person must get from one to the other. Meetings
that only touch (one ends 12.00, the next starts 12.00) do not collide without a
margin. Times are aware datetimes, so a day when the clocks change is no different.

One sweep per person over their meetings sorted by start: the cost grows with the
invitations, as planning's does.

A series with ``on_conflict = "flytta"`` does not keep such a meeting: the planner moves
it to the nearest working day (the way its holiday policy points, as for holidays) on
which nobody called to it is busy, re-plans its chain from there, and its note says why
(:func:`move_double_bookings`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .busy import NO_BUSY_TIME, BusyTime
from .definitions import ConflictPolicy, CycleDefinition, HolidayPolicy
from .plan import (
    PlannedMeeting,
    PlannedTask,
    YearPlan,
    blocked_because,
    invitations_on,
    plan_chain,
)
from .swedish import format_date, format_time
from .times import STOCKHOLM
from .workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two meetings one person is called to that collide (``first`` starts first)."""

    person: str  # the person's name
    keys: tuple[str, ...]  # the person's keys ("<org>/<id>") in the files involved
    first: PlannedMeeting
    second: PlannedMeeting
    margin: dt.timedelta  # the travel margin that applied

    @property
    def message(self) -> str:
        """The Swedish warning: who, and both meetings with their times."""
        extra = (
            f" (med {int(self.margin.total_seconds() // 60)} minuters restid)"
            if self.margin
            else ""
        )
        return (
            f"{self.person} är kallad till både {_when(self.first)} och {_when(self.second)}{extra}"
        )


def _when(m: PlannedMeeting) -> str:
    start, end = m.start.astimezone(STOCKHOLM), m.end.astimezone(STOCKHOLM)
    return (
        f"{m.title} ({m.organisation}) {format_date(start.date())} "
        f"kl. {format_time(start)}–{format_time(end)}"
    )


def person_identities(definitions: Iterable[CycleDefinition]) -> dict[str, str]:
    """Each person key ("<org>/<id>") -> the identity shared by the same person in
    other files: their e-mail address (lower-cased), or the key itself without one."""
    found = {}
    for d in definitions:
        for p in d.people:
            key = f"{d.organisation.slug}/{p.id}"
            found[key] = p.email.strip().lower() if p.email else key
    return found


def double_bookings(
    meetings: Sequence[PlannedMeeting],
    identities: Mapping[str, str],
    names: Mapping[str, str],
    *,
    margins: Mapping[str, dt.timedelta] | None = None,
) -> list[Conflict]:
    """Every pair of meetings that collide for someone called to both, once per person
    and pair, ordered by time.

    Args:
        meetings: the planned meetings of any number of organisations (cancelled ones
            left out by the caller).
        identities: person key -> identity (:func:`person_identities`).
        names: person key -> name, for the message.
        margins: travel margin per organisation slug (none: zero).
    """
    margins = margins or {}
    largest = max(margins.values(), default=dt.timedelta(0))
    called: dict[str, list[tuple[PlannedMeeting, str]]] = defaultdict(list)
    for m in meetings:
        for invitation in m.invitations:
            key = f"{m.organisation}/{invitation.person}"
            called[identities.get(key, key)].append((m, key))
    found: list[Conflict] = []
    for entries in called.values():
        entries.sort(key=lambda e: (e[0].start, e[0].id))
        # the meetings still running (with the largest margin any of them asks for)
        open_: list[tuple[PlannedMeeting, str]] = []
        for meeting, key in entries:
            start = meeting.start
            still: list[tuple[PlannedMeeting, str]] = []
            for earlier, earlier_key in open_:
                margin = max(
                    margins.get(earlier.organisation, dt.timedelta(0)),
                    margins.get(meeting.organisation, dt.timedelta(0)),
                )
                if earlier.end + margin > start:
                    if earlier.id != meeting.id:
                        found.append(
                            Conflict(
                                names.get(key, key),
                                tuple(sorted({earlier_key, key})),
                                earlier,
                                meeting,
                                margin,
                            )
                        )
                    still.append((earlier, earlier_key))
                elif earlier.end + largest > start:
                    still.append((earlier, earlier_key))  # a larger margin may yet apply
            open_ = [*still, (meeting, key)]
    return sorted(found, key=lambda c: (c.first.start, c.second.start, c.person))


def next_free_day(
    day: dt.date,
    *,
    working: Callable[[dt.date], bool],
    busy: Callable[[dt.date], bool],
    limit: int = 30,
    step: int = 1,
) -> dt.date | None:
    """The first day from ``day`` on (backwards with ``step=-1``) that is a working day
    and not busy – moving on past a day that is busy too (a chain) – or None within
    ``limit`` days."""
    for offset in range(limit + 1):
        candidate = day + dt.timedelta(days=offset * step)
        if working(candidate) and not busy(candidate):
            return candidate
    return None


Plans = Sequence[tuple[CycleDefinition, YearPlan]]


def move_double_bookings(
    plans: Plans,
    calendar: WorkCalendar,
    busy: Mapping[str, BusyTime] | None = None,
) -> list[tuple[CycleDefinition, YearPlan]]:
    """The plans with each meeting of an ``on_conflict = "flytta"`` series that collides
    for someone moved to the nearest free working day of its year, its chain with it.

    Of two colliding meetings the one that moves is the later one if its series may
    move, else the earlier one if its series may; when neither may, both stay (and
    :func:`double_bookings` warns). A day is free when the series could meet then (no
    holiday, half day or avoided busy time) and none of the people called to the
    meeting has another meeting that collides with it there. Every plan of the same
    year is seen at once – a person sits in several organisations – so the result does
    not depend on which organisations are asked for; a meeting moves at most once.
    """
    busy = busy or {}
    definitions = {d.organisation.slug: d for d, _ in plans}
    identities = person_identities(definitions.values())
    margins = {slug: d.organisation.travel_margin for slug, d in definitions.items()}
    names = {
        f"{d.organisation.slug}/{p.id}": p.name for d in definitions.values() for p in d.people
    }
    movable = {
        (slug, s.id)
        for slug, d in definitions.items()
        for s in d.series
        if s.on_conflict is ConflictPolicy.FLYTTA
    }
    if not movable:
        return list(plans)
    years = sorted({plan.year for _, plan in plans})
    moved: dict[str, tuple[PlannedMeeting, tuple[PlannedTask, ...]]] = {}
    for year in years:
        current = {m.id: m for _, plan in plans if plan.year == year for m in plan.meetings}
        # each person's meetings, so a move looks at theirs, not at the whole year
        attending: dict[str, set[str]] = defaultdict(set)
        for m in current.values():
            for who in _called(m, identities):
                attending[who].add(m.id)
        done: set[str] = set()
        while True:
            changed = False
            for conflict in double_bookings(
                list(current.values()), identities, names, margins=margins
            ):
                first, second = current[conflict.first.id], current[conflict.second.id]
                if (first, second) != (conflict.first, conflict.second):
                    continue  # one of them has moved this round: seen again next round
                mover, other = next(
                    (
                        (m, o)
                        for m, o in ((second, first), (first, second))
                        if (m.organisation, m.series) in movable and m.id not in done
                    ),
                    (None, None),
                )
                if mover is None or other is None:
                    continue
                done.add(mover.id)
                theirs = [
                    current[i]
                    for who in _called(mover, identities)
                    for i in attending[who]
                    if i != mover.id
                ]
                placed = _move(
                    definitions[mover.organisation],
                    mover,
                    other,
                    theirs,
                    margins,
                    calendar,
                    busy.get(mover.organisation, NO_BUSY_TIME),
                )
                if placed is not None:
                    for who in _called(mover, identities):
                        attending[who].discard(mover.id)
                    for who in _called(placed[0], identities):  # those called on the new day
                        attending[who].add(mover.id)
                    current[mover.id] = placed[0]
                    moved[mover.id] = placed
                    changed = True
            if not changed:
                break
    if not moved:
        return list(plans)
    result = []
    for definition, plan in plans:
        meetings = tuple(
            sorted(
                (moved[m.id][0] if m.id in moved else m for m in plan.meetings),
                key=lambda m: (m.start, m.id),
            )
        )
        ids = {m.id for m in plan.meetings if m.id in moved}
        tasks = tuple(
            sorted(
                [t for t in plan.tasks if t.meeting not in ids]
                + [t for i in ids for t in moved[i][1]],
                key=lambda t: (t.due, t.id),
            )
        )
        result.append((definition, replace(plan, meetings=meetings, tasks=tasks)))
    return result


def _called(meeting: PlannedMeeting, identities: Mapping[str, str]) -> set[str]:
    """The identities of the people called to ``meeting``."""
    org = meeting.organisation
    return {identities.get(f"{org}/{i.person}", f"{org}/{i.person}") for i in meeting.invitations}


def _move(
    definition: CycleDefinition,
    meeting: PlannedMeeting,
    other: PlannedMeeting,
    theirs: Sequence[PlannedMeeting],
    margins: Mapping[str, dt.timedelta],
    calendar: WorkCalendar,
    busy: BusyTime,
) -> tuple[PlannedMeeting, tuple[PlannedTask, ...]] | None:
    """``meeting`` on the nearest free day of its year with its chain, or None;
    ``theirs``: the other meetings of the people called to it."""
    series = next(s for s in definition.series if s.id == meeting.series).on(meeting.original_date)
    org = definition.organisation.slug
    avoid = definition.organisation.avoid_klamdagar
    length = meeting.end - meeting.start
    clock = meeting.start.astimezone(STOCKHOLM).timetz().replace(tzinfo=None)

    def interval(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, clock, tzinfo=STOCKHOLM)
        return start, start + length

    def taken(day: dt.date) -> bool:
        start, end = interval(day)
        for m in theirs:
            margin = max(
                margins.get(m.organisation, dt.timedelta(0)), margins.get(org, dt.timedelta(0))
            )
            if m.start < end + margin and start < m.end + margin:
                return True
        return False

    def working(day: dt.date) -> bool:
        return (
            day.year == meeting.original_date.year
            and blocked_because(series, day, calendar, avoid, busy) is None
        )

    policy = series.holiday_policy or definition.organisation.holiday_policy
    first = 1 if policy is HolidayPolicy.NEXT else -1
    today = meeting.start.astimezone(STOCKHOLM).date()
    for step in (first, -first):
        day = next_free_day(today + dt.timedelta(days=step), working=working, busy=taken, step=step)
        if day is not None:
            break
    else:
        return None
    start, end = interval(day)
    where = other.start.astimezone(STOCKHOLM)
    note = (
        f"flyttat från {format_date(meeting.original_date)} (dubbelbokning: kallade även "
        f"till {other.title} {format_date(where.date())} kl. {format_time(where)})"
    )
    placed = replace(
        meeting,
        start=start,
        end=end,
        moved_because=note,
        invitations=invitations_on(definition, series, day),
    )
    return placed, plan_chain(definition, series, meeting.id, day, calendar)
