"""What the wheel produces: priorities, initiatives, follow-ups, assignments, positions.

The January prioritisation records priorities and joint initiatives; the year-end
follow-up records a status for each and drafts assignments (uppdrag) for next year,
which the next January prioritisation reads. Positions are what a chairs' council decides.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .tables import new_id, stamp_column


class Priority(SQLModel, table=True):
    """A prioriterat område decided for a year."""

    __table_args__ = (UniqueConstraint("organisation", "year", "title", name="uq_priority"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    year: int = Field(index=True)
    title: str
    description: str = ""
    decided_at: str | None = Field(default=None, foreign_key="meeting.id")
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Initiative(SQLModel, table=True):
    """A gemensam satsning, optionally under a priority."""

    __table_args__ = (UniqueConstraint("organisation", "year", "title", name="uq_initiative"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    year: int = Field(index=True)
    priority: str | None = Field(default=None, foreign_key="priority.id")
    title: str
    description: str = ""
    owner: str = ""
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class FollowUp(SQLModel, table=True):
    """The year-end status of one priority or initiative."""

    id: str = Field(default_factory=new_id, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    year: int = Field(index=True)
    priority: str | None = Field(default=None, foreign_key="priority.id")
    initiative: str | None = Field(default=None, foreign_key="initiative.id")
    status: str = "ej rapporterad"
    comment: str = ""
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Assignment(SQLModel, table=True):
    """An uppdrag drawn up at year end for the coming year."""

    id: str = Field(default_factory=new_id, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    for_year: int = Field(index=True)
    title: str
    description: str = ""
    follow_up: str | None = Field(default=None, foreign_key="followup.id")
    status: str = "utkast"
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Position(SQLModel, table=True):
    """A ställningstagande taken by a body, e.g. the ordföranderåd."""

    id: str = Field(default_factory=new_id, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    body: str = Field(foreign_key="body.key", index=True)
    meeting: str | None = Field(default=None, foreign_key="meeting.id")
    title: str
    text: str = ""
    decided_on: dt.date
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())
