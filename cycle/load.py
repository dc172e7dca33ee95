"""What the year asks of each person and each group: meetings (and their hours), tasks
and deadlines per week and per month, and the weeks with more deadlines than one person
should carry.

Pure: published meetings and tasks in, counts out. A person's deadlines are the tasks
they hold that fall due in the week; the group's are those of its meetings. Cancelled
meetings and tasks ask nothing of anyone and are left out. Weeks are ISO weeks, as
Swedish calendars number them, keyed by their Monday: the week of New Year is in both
years' tables, with the days of each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .definitions import Role
from .published import PublishedMeeting, PublishedTask
from .status import TaskStatus
from .times import STOCKHOLM

DEFAULT_DEADLINE_LIMIT = 3  # deadlines in one week that make it a heavy week


@dataclass(slots=True)
class Tally:
    """What one week (or month) asks: meetings, their hours, and deadlines (tasks due)."""

    meetings: int = 0
    minutes: int = 0
    deadlines: int = 0

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def add(self, other: Tally) -> None:
        self.meetings += other.meetings
        self.minutes += other.minutes
        self.deadlines += other.deadlines

    def at_least(self, other: Tally) -> Tally:
        """The larger of each count: the heaviest of several people, week by week."""
        return Tally(
            max(self.meetings, other.meetings),
            max(self.minutes, other.minutes),
            max(self.deadlines, other.deadlines),
        )


@dataclass
class Load:
    """One person's or group's year: a tally per ISO week (by its Monday) and per month."""

    weeks: dict[dt.date, Tally] = field(default_factory=lambda: defaultdict(Tally))
    months: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def total(self) -> Tally:
        whole = Tally()
        for tally in self.months.values():
            whole.add(tally)
        return whole

    def heavy_weeks(self, limit: int) -> list[dt.date]:
        """The weeks with more than ``limit`` deadlines."""
        return sorted(w for w, t in self.weeks.items() if t.deadlines > limit)


def weeks_of(year: int) -> list[dt.date]:
    """The Mondays of the ISO weeks with a day in ``year``.

    Example:
        >>> weeks = weeks_of(2027)
        >>> len(weeks), weeks[0].isoformat(), weeks[-1].isoformat()
        (53, '2026-12-28', '2027-12-27')
    """
    monday = _monday(dt.date(year, 1, 1))
    found = []
    while monday.year <= year:
        found.append(monday)
        monday += dt.timedelta(days=7)
    return found


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def loads(
    meetings: Iterable[PublishedMeeting], tasks: Iterable[PublishedTask], year: int
) -> tuple[dict[str, Load], dict[str, Load]]:
    """Each person's load (by person key) and each group's (by body key) in ``year``.

    Example:
        >>> people, groups = loads([], [], 2027)
        >>> people, groups
        ({}, {})
    """
    people: dict[str, Load] = defaultdict(Load)
    groups: dict[str, Load] = defaultdict(Load)
    body_of: dict[str, str] = {}
    for m in meetings:
        body_of[m.id] = m.body
        start = m.start.astimezone(STOCKHOLM)
        if m.cancelled or start.year != year:
            continue
        minutes = int((m.end - m.start).total_seconds() // 60)
        one = Tally(1, minutes, 0)
        for load in (groups[m.body], *(people[p] for p, _ in m.invitations)):
            load.weeks[_monday(start.date())].add(one)
            load.months[start.month].add(one)
    for t in tasks:
        if t.status is TaskStatus.CANCELLED or t.due.year != year:
            continue
        due = Tally(0, 0, 1)
        holders = [people[p] for p in t.assignees]
        if t.meeting in body_of:
            holders.append(groups[body_of[t.meeting]])
        for load in holders:
            load.weeks[_monday(t.due)].add(due)
            load.months[t.due.month].add(due)
    return dict(people), dict(groups)


@dataclass(frozen=True, slots=True)
class RoleLoad:
    """The heaviest load among the people who hold a role in a kind of body: what the
    year asks of, say, the sammankallande of a beredningsgrupp, without saying who."""

    role: Role
    kind: str  # the kind of body ("beredningsgrupp"), not its name
    holders: int
    load: Load


def by_role(
    people: Mapping[str, Load], roles: Mapping[str, Iterable[tuple[Role, str]]]
) -> list[RoleLoad]:
    """Per role and kind of body (roles in the order they are declared), week by week
    and month by month the most any holder of it carries; ``roles``: person key -> the
    (role, body kind) pairs they hold in the year.

    Example:
        >>> busy, idle = Load(), Load()
        >>> busy.weeks[dt.date(2027, 3, 8)].deadlines = 4
        >>> [(r.role.value, r.kind, r.holders, r.load.weeks[dt.date(2027, 3, 8)].deadlines)
        ...  for r in by_role({"a": busy, "b": idle},
        ...                   {"a": [(Role.LEDAMOT, "råd")], "b": [(Role.LEDAMOT, "råd")]})]
        [('ledamot', 'råd', 2, 4)]
    """
    holders: dict[tuple[Role, str], list[Load]] = defaultdict(list)
    for person, held in roles.items():
        for pair in dict.fromkeys(held):
            holders[pair].append(people.get(person, Load()))
    order = list(Role)
    found = []
    for role, kind in sorted(holders, key=lambda pair: (order.index(pair[0]), pair[1])):
        heaviest = Load()
        for load in holders[(role, kind)]:
            for week, tally in load.weeks.items():
                heaviest.weeks[week] = heaviest.weeks[week].at_least(tally)
            for month, tally in load.months.items():
                heaviest.months[month] = heaviest.months[month].at_least(tally)
        found.append(RoleLoad(role, kind, len(holders[(role, kind)]), heaviest))
    return found


def week_label(monday: dt.date) -> str:
    """ "v. 10" for the ISO week starting ``monday``.

    Example:
        >>> week_label(dt.date(2027, 3, 8))
        'v. 10'
    """
    return f"v. {_week_number(monday)}"


def _week_number(day: dt.date) -> int:
    return day.isocalendar()[1]


def coming_weeks(
    meetings: Iterable[PublishedMeeting], tasks: Iterable[PublishedTask], today: dt.date, count: int
) -> list[tuple[dt.date, Tally]]:
    """One person's next ``count`` weeks from the week of ``today``: the meetings they
    are called to and the deadlines of the tasks they hold (open or late), week by week."""
    first = _monday(today)
    weeks = {first + dt.timedelta(days=7 * i): Tally() for i in range(count)}
    for m in meetings:
        if m.cancelled:
            continue
        week = weeks.get(_monday(m.start.astimezone(STOCKHOLM).date()))
        if week is not None:
            week.add(Tally(1, int((m.end - m.start).total_seconds() // 60), 0))
    for t in tasks:
        if t.status in (TaskStatus.OPEN, TaskStatus.LATE):
            week = weeks.get(_monday(t.due))
            if week is not None:
                week.deadlines += 1
    return sorted(weeks.items())
