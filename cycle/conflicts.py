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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .definitions import CycleDefinition
from .plan import PlannedMeeting
from .swedish import format_date, format_time
from .times import STOCKHOLM


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
) -> dt.date | None:
    """The first day on or after ``day`` that is a working day and not busy – moving on
    past a day that is busy too (a chain) – or None within ``limit`` days."""
    for offset in range(limit + 1):
        candidate = day + dt.timedelta(days=offset)
        if working(candidate) and not busy(candidate):
            return candidate
    return None
