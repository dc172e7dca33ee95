"""What a cycle file declares: the organisation, its bodies, people, memberships,
meeting series and preparation chains, as frozen values.

These are the rules the plan is computed from. They carry no database ids and no
clock: the same definitions always give the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .errors import DefinitionError


class Role(StrEnum):
    """A person's role in a body, in the Swedish terms the cycle files use."""

    ORDFORANDE = "ordförande"
    VICE_ORDFORANDE = "vice ordförande"
    LEDAMOT = "ledamot"
    ERSATTARE = "ersättare"
    ADJUNGERAD = "adjungerad"
    FOREDRAGANDE = "föredragande"
    SAMMANKALLANDE = "sammankallande"
    INBJUDEN = "inbjuden"  # called by the body that invites to a forum (``invited_by``)

    @property
    def slug(self) -> str:
        """The role in a web address, e.g. ``vice-ordforande``.

        Example:
            >>> Role.VICE_ORDFORANDE.slug
            'vice-ordforande'
        """
        return _ROLE_WORDS[self][0]

    @property
    def plural(self) -> str:
        """The Swedish plural, as in "möten för adjungerade".

        Example:
            >>> Role.LEDAMOT.plural
            'ledamöter'
        """
        return _ROLE_WORDS[self][1]


# role -> (its slug in a feed address, its Swedish plural)
_ROLE_WORDS = {
    Role.ORDFORANDE: ("ordforande", "ordförande"),
    Role.VICE_ORDFORANDE: ("vice-ordforande", "vice ordförande"),
    Role.LEDAMOT: ("ledamot", "ledamöter"),
    Role.ERSATTARE: ("ersattare", "ersättare"),
    Role.ADJUNGERAD: ("adjungerad", "adjungerade"),
    Role.FOREDRAGANDE: ("foredragande", "föredragande"),
    Role.SAMMANKALLANDE: ("sammankallande", "sammankallande"),
    Role.INBJUDEN: ("inbjuden", "inbjudna"),
}


class Side(StrEnum):
    """Whether an elected member belongs to the governing majority or the opposition."""

    MAJORITET = "majoritet"
    OPPOSITION = "opposition"


class HolidayPolicy(StrEnum):
    """Which way a meeting moves when its rule lands on a non-working day."""

    NEXT = "nästa"
    PREVIOUS = "föregående"


class ConflictPolicy(StrEnum):
    """What the planner does when a meeting of a series collides for someone called to it
    and to another meeting: warn (the default), or move it to the nearest free day."""

    VARNA = "varna"
    FLYTTA = "flytta"


class SeriesKind(StrEnum):
    """What a meeting series is for; the yearly processes look series up by kind."""

    MOTE = "möte"
    BEREDNING = "beredning"
    PRIORITERING = "prioritering"
    UPPFOLJNING = "uppföljning"
    FORUM = "forum"
    SAMVERKANSGRUPP = "samverkansgrupp"
    UTBILDNING = "utbildning"


# A forum's chain must have this step: the registration deadline for invited guests.
REGISTRATION_STEP = "anmalan"


class AssigneeKind(StrEnum):
    """How a preparation step names who does it."""

    BODY = "body"
    ROLE = "role"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class Organisation:
    """The organisation whose annual wheel a cycle file describes."""

    slug: str
    name: str
    holiday_policy: HolidayPolicy = HolidayPolicy.NEXT
    avoid_klamdagar: bool = True
    # the time between two meetings someone needs to get from one to the other: a
    # double booking is found when less is left (``cycle.conflicts``)
    travel_margin: dt.timedelta = dt.timedelta(0)
    parties: tuple[str, ...] = ()
    description: str = ""
    # the file's times, places and people are examples, not decided: published as
    # tentative and said to be examples until an admin confirms the cycle (example = false)
    example: bool = False


@dataclass(frozen=True, slots=True)
class BusySource:
    """Another calendar whose events are busy time for the series that avoid it: a
    council's sessions, the county's school holidays. ``source`` is a path (relative to
    the cycle file's folder) or an http(s) address; ``example`` marks shipped examples."""

    id: str
    name: str
    source: str
    example: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    """A council, group or forum that meets; ``public`` bodies get public feeds."""

    slug: str
    name: str
    kind: str
    public: bool = True
    description: str = ""
    guests: tuple[str, ...] = ()  # external organisations invited to its forums
    # the body whose members are invited to this body's meetings too (Regionala
    # samverkansrådet "bjuder in" to Stora samverkansrådet)
    invited_by: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who sits in a body or prepares its meetings.

    ``example`` marks invented people, so nobody mistakes sample data for a real register.
    """

    id: str
    name: str
    title: str = ""
    organisation: str = ""
    party: str | None = None
    email: str | None = None
    phone: str | None = None
    example: bool = False


@dataclass(frozen=True, slots=True)
class Membership:
    """A person's role in a body over a mandate period (both ends inclusive)."""

    person: str
    body: str
    role: Role
    side: Side | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        """True when ``day`` lies inside the mandate period."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Assignee:
    """Who a preparation step is for: a whole body, a role, or one person.

    A ``ROLE`` without ``body`` means that role in the meeting's own body.
    """

    kind: AssigneeKind
    ref: str
    body: str | None = None

    def __str__(self) -> str:
        suffix = f"@{self.body}" if self.body else ""
        return f"{self.kind.value}:{self.ref}{suffix}"


@dataclass(frozen=True, slots=True)
class Step:
    """One task in a preparation chain, ``offset`` working days from the meeting."""

    id: str
    title: str
    offset: int
    assignee: Assignee
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """When e-mails go out, in working days: a task's prompt and reminder before its due
    date, the meeting notice before the meeting, and one late notice after a missed due
    date – to the task's holders and, if the chain says so, the lead of its group."""

    prompt: int = 5
    reminder: int = 1
    notice: int = 10
    late: int = 1  # working days after a missed due date: one late notice (0: none)
    late_copy: Role | None = Role.SAMMANKALLANDE  # who in the task's group is told too


@dataclass(frozen=True, slots=True)
class Chain:
    """The ordered preparation steps shared by the meetings of one or more series."""

    id: str
    name: str
    steps: tuple[Step, ...]
    reminders: ReminderPolicy = ReminderPolicy()


@dataclass(frozen=True, slots=True)
class SummerBreak:
    """Month-day span (inclusive) in which a series does not meet."""

    start: tuple[int, int]
    end: tuple[int, int]

    @classmethod
    def parse(cls, text: str) -> SummerBreak:
        """The break as stored, ``"MM-DD/MM-DD"``.

        Example:
            >>> SummerBreak.parse("06-20/08-10")
            SummerBreak(start=(6, 20), end=(8, 10))
        """
        first, _, last = text.partition("/")
        (m1, d1), (m2, d2) = (tuple(int(x) for x in part.split("-")) for part in (first, last))
        return cls((m1, d1), (m2, d2))

    def spans(self, year: int) -> list[tuple[dt.date, dt.date]]:
        """The break's days in ``year`` as (first, last) spans: two when it wraps over
        New Year.

        Example:
            >>> winter = SummerBreak((12, 20), (1, 6))
            >>> [(a.isoformat(), b.isoformat()) for a, b in winter.spans(2027)]
            [('2027-01-01', '2027-01-06'), ('2027-12-20', '2027-12-31')]
        """
        start, end = dt.date(year, *self.start), dt.date(year, *self.end)
        if start <= end:
            return [(start, end)]
        return [(dt.date(year, 1, 1), end), (start, dt.date(year, 12, 31))]

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls in the break; a span may wrap over New Year."""
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


# The fields of a series that a dated change may set; the rest (id, body, kind, chain)
# say what the series is, and a different one is a different series.
CHANGEABLE = ("rrule", "start", "duration_minutes", "location", "title", "holiday_policy")


@dataclass(frozen=True, slots=True)
class SeriesChange:
    """From ``valid_from`` on, the fields given here (not None) replace the series' own."""

    valid_from: dt.date
    rrule: str | None = None
    start: dt.time | None = None
    duration_minutes: int | None = None
    location: str | None = None
    title: str | None = None
    holiday_policy: HolidayPolicy | None = None

    def fields(self) -> dict[str, object]:
        """The fields this change sets."""
        return {k: getattr(self, k) for k in CHANGEABLE if getattr(self, k) is not None}


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring meeting: an RFC 5545 RRULE plus local time, place and policies.

    ``valid_from``/``valid_to`` bound the days it meets (a body that starts or stops);
    ``changes`` say what holds from a date on (a new time from March), so a change
    leaves what came before it as it was.
    """

    id: str
    body: str
    title: str
    kind: SeriesKind
    rrule: str
    start: dt.time
    duration_minutes: int
    location: str = ""
    chain: str | None = None
    summer_break: SummerBreak | None = None
    holiday_policy: HolidayPolicy | None = None
    description: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    changes: tuple[SeriesChange, ...] = ()  # sorted by date
    on_conflict: ConflictPolicy = ConflictPolicy.VARNA
    avoid: tuple[str, ...] = ()  # ids of the organisation's busy calendars (BusySource)

    def on(self, day: dt.date) -> Series:
        """The series as it holds on ``day``: every change dated up to then applied.

        Example:
            >>> s = Series("x", "b", "Rådet", SeriesKind.MOTE, "FREQ=MONTHLY;BYDAY=1TH",
            ...            dt.time(8, 30), 60, changes=(SeriesChange(dt.date(2027, 3, 1),
            ...            start=dt.time(9)),))
            >>> s.on(dt.date(2027, 2, 28)).start, s.on(dt.date(2027, 3, 1)).start
            (datetime.time(8, 30), datetime.time(9, 0))
        """
        version = self
        for change in self.changes:
            if change.valid_from <= day:
                version = replace(version, **change.fields())  # type: ignore[arg-type]
        return replace(version, changes=())

    def periods(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date, Series]]:
        """The spans of ``first``..``last`` in which the series meets, each with the series
        as it holds in that span (no span before it starts or after it stops).

        Example:
            >>> s = Series("x", "b", "Rådet", SeriesKind.MOTE, "FREQ=MONTHLY;BYDAY=1TH",
            ...            dt.time(8, 30), 60, valid_to=dt.date(2027, 9, 30),
            ...            changes=(SeriesChange(dt.date(2027, 3, 1), start=dt.time(9)),))
            >>> [(a.isoformat(), b.isoformat(), v.start.hour)
            ...  for a, b, v in s.periods(dt.date(2027, 1, 1), dt.date(2027, 12, 31))]
            [('2027-01-01', '2027-02-28', 8), ('2027-03-01', '2027-09-30', 9)]
        """
        begin = max(first, self.valid_from or first)
        end = min(last, self.valid_to or last)
        cuts = sorted({c.valid_from for c in self.changes if begin < c.valid_from <= end})
        starts = [begin, *cuts]
        ends = [*(d - dt.timedelta(days=1) for d in cuts), end]
        return [(a, b, self.on(a)) for a, b in zip(starts, ends, strict=True) if a <= b]


@dataclass(frozen=True, slots=True)
class CycleDefinition:
    """Everything one cycle file declares, checked for consistency."""

    source: str
    organisation: Organisation
    bodies: tuple[Body, ...]
    people: tuple[Person, ...]
    memberships: tuple[Membership, ...]
    series: tuple[Series, ...]
    chains: tuple[Chain, ...]
    busy: tuple[BusySource, ...] = ()  # other calendars, read by services.busy
    _chains_by_id: dict[str, Chain] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_chains_by_id", {c.id: c for c in self.chains})

    def chain(self, chain_id: str) -> Chain:
        """Return the chain with ``chain_id`` (validated to exist at load time)."""
        return self._chains_by_id[chain_id]

    def series_by_key(self, key: str) -> Series | None:
        """The series a stored meeting names (``"<org>/<series id>"``), if this file is
        that organisation's and still has it."""
        org, _, series = key.partition("/")
        if org != self.organisation.slug:
            return None
        return next((s for s in self.series if s.id == series), None)

    def members_on(self, body: str, day: dt.date) -> tuple[Membership, ...]:
        """Memberships of ``body`` valid on ``day``, in file order."""
        return tuple(m for m in self.memberships if m.body == body and m.is_valid_on(day))


# What it means, in Swedish, that an organisation lacks a process's series.
_MISSING_SERIES = {
    SeriesKind.BEREDNING: 'organisationen har ingen direktörsberedning (kind = "beredning")',
    SeriesKind.FORUM: 'organisationen har inget forum (kind = "forum")',
    SeriesKind.PRIORITERING: 'organisationen har ingen januariprioritering (kind = "prioritering")',
    SeriesKind.UPPFOLJNING: 'organisationen har ingen årsuppföljning (kind = "uppföljning")',
}


def with_series(
    definitions: Sequence[CycleDefinition], kind: SeriesKind, org: str | None
) -> list[CycleDefinition]:
    """The organisations that run a process (have a series of ``kind``).

    Raises:
        DefinitionError: ``org`` was named and runs no such series.
    """
    chosen = [d for d in definitions if any(s.kind is kind for s in d.series)]
    if org is not None and not chosen:
        message = _MISSING_SERIES.get(
            kind, f"organisationen har ingen mötesserie av typen {kind.value!r}"
        )
        raise DefinitionError(message, field="org", value=org)
    return chosen
