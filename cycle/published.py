"""The stored wheel as its readers see it: meetings and tasks with their change history.

These frozen values are what feeds, pages and e-mails are made from. ``models`` builds them
from rows; ``calendars`` renders them. They carry ``sequence`` and ``updated_at`` so output
can say what changed and when, without reading the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .decisions import CommissionView
from .definitions import Role, SeriesKind, SummerBreak
from .status import ItemStatus, MeetingStatus, TaskStatus
from .times import STOCKHOLM


@dataclass(frozen=True, slots=True)
class PublishedBody:
    key: str  # "<org>/<slug>"
    organisation: str
    slug: str
    name: str
    kind: str
    public: bool
    # the secret of the body's group feed (``g/<token>.ics``), once issued
    token: str | None = None


EXAMPLE_SUFFIX = " (exempel)"  # after the name of an example cycle's organisation and feeds


def shown_name(name: str, example: bool) -> str:
    """An organisation's or feed's name as people see it: an example says so.

    Example:
        >>> shown_name("Region Värmland", True)
        'Region Värmland (exempel)'
    """
    return f"{name}{EXAMPLE_SUFFIX}" if example else name


@dataclass(frozen=True, slots=True)
class PublishedPerson:
    key: str
    organisation: str
    name: str
    token: str | None = None  # the personal feed's secret, if one has been issued
    email: str | None = None  # for e-mail only; never rendered into a feed
    example: bool = False  # invented: never mailed
    affiliation: str = ""  # where they work, e.g. "Härnösands kommun" (a forum's list)


@dataclass(frozen=True, slots=True)
class PublishedRegistration:
    """A registration for a meeting a body invites to: a person called to it, or a guest
    organisation; ``participants`` 0 is a withdrawal."""

    meeting: str
    person: str | None
    guest: str
    participants: int


@dataclass(frozen=True, slots=True)
class PublishedMembership:
    """A person's role in a body over a mandate (inclusive dates), for counting what a
    role asks (``cycle.load``); never rendered with the person's name on a public page."""

    person: str  # person key
    body: str  # body key
    role: Role
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Whether the mandate holds on some day of ``first``..``last``."""
        return (self.valid_from is None or self.valid_from <= last) and (
            self.valid_to is None or self.valid_to >= first
        )


@dataclass(frozen=True, slots=True)
class PublishedMeeting:
    """A meeting with what a subscriber needs: time, place, status and change count."""

    id: str
    organisation: str
    body: str  # body key
    title: str
    kind: SeriesKind
    start: dt.datetime
    end: dt.datetime
    location: str
    status: MeetingStatus
    sequence: int
    created_at: dt.datetime
    updated_at: dt.datetime
    original_date: dt.date
    series: str = ""  # series key "<org>/<series id>"
    moved_because: str | None = None
    note: str | None = None
    agenda: tuple[str, ...] = ()
    invitations: tuple[tuple[str, Role], ...] = ()  # (person key, role)
    moved: bool = False  # held on another day than the rule's (stays true once held)

    @property
    def cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED

    @property
    def held(self) -> bool:
        return self.status is MeetingStatus.HELD

    @property
    def last_changed(self) -> dt.datetime:
        """When what a calendar shows last changed: the row's last change, or – once it is
        held – its end, when it became held (LAST-MODIFIED and DTSTAMP)."""
        return max(self.updated_at, self.end) if self.held else self.updated_at


@dataclass(frozen=True, slots=True)
class PublishedTask:
    """A preparation task; ``target_body`` is the body its rule assigns it to, if any."""

    id: str
    meeting: str
    organisation: str
    title: str
    due: dt.date
    status: TaskStatus
    sequence: int
    created_at: dt.datetime
    updated_at: dt.datetime
    target_body: str | None = None
    assignees: tuple[str, ...] = ()
    step: str = ""  # the chain step (or process step) the task is for
    done_at: dt.datetime | None = None  # when it was marked done

    @property
    def open(self) -> bool:
        """Still to do: open, or late."""
        return self.status in (TaskStatus.OPEN, TaskStatus.LATE)

    @property
    def last_changed(self) -> dt.datetime:
        """When what a calendar shows last changed: the row's last change, or – once it is
        late – the end of its due day, when it became late."""
        if self.status is not TaskStatus.LATE:
            return self.updated_at
        late = dt.datetime.combine(self.due + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)
        return max(self.updated_at, late)


@dataclass(frozen=True, slots=True)
class PublishedItem:
    """An agenda item a person sent in, with the coordinators' decision."""

    id: str
    meeting: str
    title: str
    status: ItemStatus
    submitted_by: str  # person key
    decided_at: dt.datetime | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PublishedSeries:
    """A meeting series as pages show it: what it is and when it pauses for summer."""

    key: str  # "<org>/<series id>"
    body: str  # body key
    title: str
    description: str = ""
    summer_break: SummerBreak | None = None


@dataclass(frozen=True, slots=True)
class Published:
    """Everything published for a window of days (usually last, this and next year)."""

    first_day: dt.date
    last_day: dt.date
    as_of: dt.datetime  # the moment the statuses are for (held meetings, late tasks)
    organisations: dict[str, str] = field(default_factory=dict)  # slug -> name
    examples: frozenset[str] = frozenset()  # organisations whose cycle is example data
    bodies: tuple[PublishedBody, ...] = ()
    people: tuple[PublishedPerson, ...] = ()
    meetings: tuple[PublishedMeeting, ...] = ()
    tasks: tuple[PublishedTask, ...] = ()
    items: tuple[PublishedItem, ...] = ()  # items people sent in, for their answers
    series: tuple[PublishedSeries, ...] = ()
    memberships: tuple[PublishedMembership, ...] = ()
    guests: tuple[tuple[str, str], ...] = ()  # (meeting id, invited organisation's name)
    registrations: tuple[PublishedRegistration, ...] = ()

    def members_on(self, day: dt.date) -> dict[str, list[PublishedMembership]]:
        """The mandates held on ``day``, by body key: who carries a body's assignments."""
        found: dict[str, list[PublishedMembership]] = {}
        for ms in self.memberships:
            if ms.overlaps(day, day):
                found.setdefault(ms.body, []).append(ms)
        return found

    # assignments (uppdrag) from decisions, as they stand at ``as_of`` (restricted ones
    # too: their owners hear of them; public pages and feeds leave them out)
    commissions: tuple[CommissionView, ...] = ()


def publication_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """Feeds cover last year, this year and next year.

    Example:
        >>> publication_window(dt.date(2026, 11, 23))
        (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31))
    """
    return dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
