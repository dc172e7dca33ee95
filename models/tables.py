"""The stored state of every annual wheel, as SQLModel tables.

Keys are natural where the cycle files give one (``<org>/<slug>``) and the core's stable
uuid5 ids for meetings and tasks, so re-planning finds the same rows. Every timestamp is
an aware UTC datetime; ``updated_at`` changes only on a real change, which is what feeds
use for DTSTAMP and LAST-MODIFIED.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cycle.status import MeetingStatus, TaskStatus

from .types import UTCDateTime


def new_id() -> str:
    """A random id for rows that the plan does not derive (agenda items, priorities)."""
    return str(uuid.uuid4())


def stamp_column() -> Column[dt.datetime]:
    """A required aware-UTC timestamp column (a new Column each call, as SQLAlchemy needs)."""
    return Column(UTCDateTime(), nullable=False)


class TaskOrigin(StrEnum):
    """Who made a task: the plan's chains (re-planning manages these) or a yearly process."""

    PLAN = "plan"
    FOLLOW_UP = "uppföljning"


class Organisation(SQLModel, table=True):
    """An organisation whose annual wheel is planned (one cycle file)."""

    slug: str = Field(primary_key=True)
    name: str
    holiday_policy: str
    avoid_klamdagar: bool
    parties: str = ""  # newline-separated; parties of an agreement
    description: str = ""
    source: str = ""
    example: bool = False  # the cycle is example data, not yet confirmed
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Body(SQLModel, table=True):
    """A council, group or forum of an organisation."""

    key: str = Field(primary_key=True)  # "<org>/<slug>"
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    slug: str
    name: str
    kind: str
    public: bool = True
    description: str = ""
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Person(SQLModel, table=True):
    """A person in an organisation's cycle; e-mail and phone are private data."""

    key: str = Field(primary_key=True)  # "<org>/<id>"
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    slug: str
    name: str
    title: str = ""
    affiliation: str = ""
    party: str | None = None
    email: str | None = None
    phone: str | None = None
    example: bool = False
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Membership(SQLModel, table=True):
    """A person's role in a body over a mandate period (inclusive dates)."""

    key: str = Field(primary_key=True)  # derived from person, body, role and start
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    person: str = Field(foreign_key="person.key", index=True)
    body: str = Field(foreign_key="body.key", index=True)
    role: str
    side: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Series(SQLModel, table=True):
    """A recurring meeting series and the rule it was planned from."""

    key: str = Field(primary_key=True)  # "<org>/<series id>"
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    slug: str
    body: str = Field(foreign_key="body.key")
    title: str
    kind: str
    rrule: str
    start_time: dt.time
    duration_minutes: int
    location: str = ""
    chain: str | None = None
    holiday_policy: str | None = None
    summer_break: str | None = None  # "MM-DD/MM-DD"
    description: str = ""
    valid_from: dt.date | None = None  # the first day the series meets, if the file says
    valid_to: dt.date | None = None  # the last day
    # dated changes as JSON [{"from": "2027-03-01", "start": "09:00", …}]: kept so that a
    # new change dated in the past can be told from one accepted before
    changes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Meeting(SQLModel, table=True):
    """One meeting; its id and ``original_date`` come from the rule and never change.

    ``sequence`` counts real changes (iCalendar SEQUENCE); ``manual`` marks an admin's
    move or cancellation, which a re-plan must not undo.
    """

    __table_args__ = (
        UniqueConstraint("series", "original_date", name="uq_meeting_series_date"),
        Index("ix_meeting_org_year", "organisation", "year"),
    )

    id: str = Field(primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug")
    year: int
    series: str = Field(foreign_key="series.key")
    body: str = Field(foreign_key="body.key", index=True)
    title: str
    kind: str
    original_date: dt.date
    start: dt.datetime = Field(sa_column=stamp_column())
    end: dt.datetime = Field(sa_column=stamp_column())
    location: str = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    sequence: int = 0
    moved_because: str | None = None
    manual: bool = False
    note: str | None = None  # Swedish trace of the last admin action or cancellation
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Invitation(SQLModel, table=True):
    """A person invited to a meeting in the role held on the meeting day."""

    meeting: str = Field(foreign_key="meeting.id", primary_key=True)
    person: str = Field(foreign_key="person.key", primary_key=True, index=True)
    role: str


class AgendaItem(SQLModel, table=True):
    """An item (ärende) on a meeting's agenda."""

    id: str = Field(default_factory=new_id, primary_key=True)
    meeting: str = Field(foreign_key="meeting.id", index=True)
    position: int
    title: str
    description: str = ""
    presenter: str | None = Field(default=None, foreign_key="person.key")
    source: str | None = None  # where it came from, e.g. "uppföljning 2026"
    # items people send in (cycle.agenda.ItemStatus); a process's items are accepted
    status: str = Field(
        default="accepted", sa_column=Column(Text, nullable=False, server_default="accepted")
    )
    submitted_by: str | None = None  # person key of the sender
    minutes: int | None = None  # the time the sender asks for
    link: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    decided_by: str | None = None
    decided_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Task(SQLModel, table=True):
    """A preparation step of a meeting, due on a working day."""

    __table_args__ = (UniqueConstraint("meeting", "step", name="uq_task_meeting_step"),)

    id: str = Field(primary_key=True)
    meeting: str = Field(foreign_key="meeting.id", index=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    step: str
    title: str
    due: dt.date = Field(index=True)
    offset: int
    assignee: str  # the rule, e.g. "body:beredningsgrupp"
    origin: TaskOrigin = TaskOrigin.PLAN
    status: TaskStatus = TaskStatus.OPEN
    sequence: int = 0
    done_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Guest(SQLModel, table=True):
    """An external organisation invited to a forum meeting (organisations, never people)."""

    meeting: str = Field(foreign_key="meeting.id", primary_key=True)
    organisation_name: str = Field(primary_key=True)
    invited_at: dt.datetime = Field(sa_column=stamp_column())


class TaskAssignee(SQLModel, table=True):
    """A person who holds a task's assignment on its due date."""

    task: str = Field(foreign_key="task.id", primary_key=True)
    person: str = Field(foreign_key="person.key", primary_key=True, index=True)
