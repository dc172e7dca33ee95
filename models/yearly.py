"""Stored state of the yearly processes: priorities, initiatives, follow-ups,
assignments and positions, with the small upserts the processes make.

The January prioritisation records priorities and joint initiatives; the year-end
follow-up records a status for each and drafts assignments (uppdrag) for next year,
which the next January prioritisation reads. Positions are what a chairs' council
decides. Rows become the core's ``YearItem`` values through ``items_for_year``; all
are keyed by stable ids, so a process re-run finds the rows it wrote and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from cycle.decisionfile import Decisions
from cycle.errors import DefinitionError
from cycle.ids import stable_id
from cycle.yearly import (
    AssignmentDraft,
    AssignmentStatus,
    ItemKind,
    ItemStatus,
    OpenAssignment,
    YearItem,
)

from .decisions import record_decision
from .revisions import save_changes, upsert
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
    status: str = AssignmentStatus.DRAFT.value
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


def priority_id(organisation: str, year: int, title: str) -> str:
    return stable_id(organisation, year, "prioritering", title)


def initiative_id(organisation: str, year: int, title: str) -> str:
    return stable_id(organisation, year, "satsning", title)


def add_priority(
    session: Session,
    *,
    organisation: str,
    year: int,
    title: str,
    description: str,
    now: dt.datetime,
) -> bool:
    """Record a decided priority area; returns False when it was already recorded as is."""
    return upsert(
        session,
        Priority,
        {"id": priority_id(organisation, year, title)},
        {"organisation": organisation, "year": year, "title": title, "description": description},
        now=now,
    )


def add_initiative(
    session: Session,
    *,
    organisation: str,
    year: int,
    title: str,
    description: str,
    priority: str | None,
    owner: str,
    now: dt.datetime,
) -> bool:
    """Record a decided joint initiative, optionally under a priority (by title).

    Raises:
        LookupError: ``priority`` names no recorded priority of that year.
    """
    parent = None
    if priority:
        parent = priority_id(organisation, year, priority)
        if session.get(Priority, parent) is None:
            raise LookupError(priority)
    return upsert(
        session,
        Initiative,
        {"id": initiative_id(organisation, year, title)},
        {
            "organisation": organisation,
            "year": year,
            "title": title,
            "description": description,
            "priority": parent,
            "owner": owner,
        },
        now=now,
    )


def items_for_year(session: Session, organisation: str, year: int) -> list[YearItem]:
    """The year's priorities then initiatives, each with its follow-up status if any."""
    follow_ups = {
        f.priority or f.initiative: f
        for f in session.exec(
            select(FollowUp).where(FollowUp.organisation == organisation, FollowUp.year == year)
        )
    }
    priorities = session.exec(
        select(Priority)
        .where(Priority.organisation == organisation, Priority.year == year)
        .order_by(col(Priority.created_at), col(Priority.title))
    ).all()
    titles = {p.id: p.title for p in priorities}
    items = []
    for p in priorities:
        f = follow_ups.get(p.id)
        items.append(
            YearItem(
                p.id,
                ItemKind.PRIORITERING,
                p.title,
                p.description,
                status=ItemStatus(f.status) if f else ItemStatus.EJ_RAPPORTERAD,
                comment=f.comment if f else "",
            )
        )
    for i in session.exec(
        select(Initiative)
        .where(Initiative.organisation == organisation, Initiative.year == year)
        .order_by(col(Initiative.created_at), col(Initiative.title))
    ):
        f = follow_ups.get(i.id)
        items.append(
            YearItem(
                i.id,
                ItemKind.SATSNING,
                i.title,
                i.description,
                parent=titles.get(i.priority or ""),
                owner=i.owner,
                status=ItemStatus(f.status) if f else ItemStatus.EJ_RAPPORTERAD,
                comment=f.comment if f else "",
            )
        )
    return items


def follow_up_id(organisation: str, year: int, item: str) -> str:
    return stable_id(organisation, year, "uppföljning", item)


def ensure_follow_ups(
    session: Session,
    *,
    organisation: str,
    year: int,
    items: Sequence[YearItem],
    now: dt.datetime,
) -> int:
    """Create a follow-up row ("ej rapporterad") for every item that has none yet."""
    created = 0
    for item in items:
        key = follow_up_id(organisation, year, item.id)
        if session.get(FollowUp, key) is None:
            link = "priority" if item.kind is ItemKind.PRIORITERING else "initiative"
            session.add(
                FollowUp(
                    id=key,
                    organisation=organisation,
                    year=year,
                    created_at=now,
                    updated_at=now,
                    **{link: item.id},
                )
            )
            created += 1
    return created


def set_follow_up(
    session: Session,
    *,
    organisation: str,
    year: int,
    title: str,
    status: ItemStatus,
    comment: str,
    now: dt.datetime,
) -> bool:
    """Record the reported status of the item titled ``title``; False if unchanged.

    Raises:
        LookupError: no priority or initiative of that year has that title.
    """
    item = next((i for i in items_for_year(session, organisation, year) if i.title == title), None)
    if item is None:
        raise LookupError(title)
    ensure_follow_ups(session, organisation=organisation, year=year, items=[item], now=now)
    session.flush()
    row = session.get(FollowUp, follow_up_id(organisation, year, item.id))
    assert row is not None
    return save_changes(session, row, {"status": status.value, "comment": comment}, now=now)


def save_assignment_drafts(
    session: Session,
    *,
    organisation: str,
    drafts: Sequence[AssignmentDraft],
    now: dt.datetime,
    for_year: int | None = None,
) -> int:
    """Upsert drafted assignments; ones an admin has taken beyond draft are left alone.
    With ``for_year``, the drafts are all of that year's: an earlier draft no longer among
    them (its work was finished since) is taken away, so January does not pick it up."""
    written = 0
    if for_year is not None:
        wanted = {d.id for d in drafts}
        for stale in session.exec(
            select(Assignment).where(
                Assignment.organisation == organisation,
                Assignment.for_year == for_year,
                Assignment.status == AssignmentStatus.DRAFT,
            )
        ).all():
            if stale.id not in wanted:
                session.delete(stale)
                written += 1
    for d in drafts:
        row = session.get(Assignment, d.id)
        if row is not None and row.status != AssignmentStatus.DRAFT:
            continue
        written += upsert(
            session,
            Assignment,
            {"id": d.id},
            {
                "organisation": organisation,
                "for_year": d.for_year,
                "title": d.title,
                "description": d.description,
            },
            now=now,
            stored=row,
        )
    return written


def open_assignments(session: Session, organisation: str, year: int) -> list[OpenAssignment]:
    """Assignments drawn up for ``year`` that are not closed, in the order they were made."""
    rows = session.exec(
        select(Assignment)
        .where(
            Assignment.organisation == organisation,
            Assignment.for_year == year,
            Assignment.status != AssignmentStatus.CLOSED,
        )
        .order_by(col(Assignment.created_at), col(Assignment.title))
    )
    return [OpenAssignment(r.title, r.description) for r in rows]


def record_decisions(session: Session, decisions: Decisions, *, now: dt.datetime) -> int:
    """Store decided priorities, initiatives, statuses, and decisions with the
    assignments they give (the organisation's definitions and plan must be saved
    first); returns how many rows were new or changed.

    Raises:
        DefinitionError: an initiative under an unknown priority, or a status for a title
            that no priority or initiative of the year has.
    """
    org, year = decisions.organisation, decisions.year
    changed = 0
    for p in decisions.priorities:
        changed += add_priority(
            session, organisation=org, year=year, title=p.title, description=p.description, now=now
        )
    session.flush()
    for i in decisions.initiatives:
        try:
            changed += add_initiative(
                session,
                organisation=org,
                year=year,
                title=i.title,
                description=i.description,
                priority=i.priority,
                owner=i.owner,
                now=now,
            )
        except LookupError:
            raise DefinitionError(
                f"det finns ingen prioritering med den rubriken för {year}",
                field="initiative.priority",
                value=i.priority,
            ) from None
    session.flush()
    for s in decisions.statuses:
        try:
            changed += set_follow_up(
                session,
                organisation=org,
                year=year,
                title=s.title,
                status=s.status,
                comment=s.comment,
                now=now,
            )
        except LookupError:
            raise DefinitionError(
                f"ingen prioritering eller satsning för {year} har den rubriken",
                field="status.title",
                value=s.title,
            ) from None
    for decision in decisions.decisions:
        changed += record_decision(session, org, decision, now=now)
    return changed
