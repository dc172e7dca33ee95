"""Other calendars as busy time: a council's sessions, the county's school holidays.

Pure: the planner asks :class:`BusyTime` whether a meeting's hours overlap an event of
a calendar its series avoids, and treats the answer like a holiday (the meeting moves,
and its note says why). The events come from iCalendar text (``calendars.busyfile``)
read from files and addresses (``services.busy``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .times import STOCKHOLM


@dataclass(frozen=True, slots=True)
class BusyPeriod:
    """One event of a busy calendar, as aware Stockholm times (end exclusive)."""

    calendar: str  # the BusySource id
    title: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class BusyTime:
    """The busy periods of an organisation's calendars, indexed by calendar and day so a
    question costs the events of one day, not of the year."""

    names: Mapping[str, str] = field(default_factory=dict)  # calendar id -> its name
    periods: Sequence[BusyPeriod] = ()
    _by_day: dict[tuple[str, dt.date], list[BusyPeriod]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, dt.date], list[BusyPeriod]] = defaultdict(list)
        for p in self.periods:
            day = p.start.astimezone(STOCKHOLM).date()
            last = (p.end - dt.timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
            while day <= last:
                index[(p.calendar, day)].append(p)
                day += dt.timedelta(days=1)
        object.__setattr__(self, "_by_day", dict(index))

    def reason(self, calendars: Iterable[str], start: dt.datetime, end: dt.datetime) -> str | None:
        """Why ``start``–``end`` is busy in one of ``calendars`` ("Sportlov i kalendern
        Skollov i Jämtlands län"), or ``None`` when it is free."""
        day = start.astimezone(STOCKHOLM).date()
        last = (end - dt.timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
        for calendar in calendars:
            d = day
            while d <= last:
                for p in self._by_day.get((calendar, d), ()):
                    if p.start < end and start < p.end:
                        return f"{p.title} i kalendern {self.names.get(calendar, calendar)}"
                d += dt.timedelta(days=1)
        return None


NO_BUSY_TIME = BusyTime()

