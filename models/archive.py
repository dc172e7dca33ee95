"""An organisation-year's stored rows, taken out for an archive package and put back
into an empty database – the machine-readable half of ``arshjul archive``.

What a year is: the organisation with its bodies, people, mandates and series; the year's
meetings with their invitations, agenda, guests and tasks; its decisions, the
assignments they gave and every report on them; its priorities, initiatives, follow-ups
and positions – and what those point at from other years (a decision of an earlier year
whose assignment is still open, the meeting an assignment reports back to), so that the
year's follow-up report can be made again from the package alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from cycle.decisions import CLOSED, CommissionStatus, status_on
from cycle.times import STOCKHOLM

from .decisions import Commission, CommissionReport, Decision
from .registrations import Registration
from .tables import (
    AgendaItem,
    Body,
    Guest,
    Invitation,
    Meeting,
    Membership,
    Organisation,
    Person,
    Series,
    Task,
    TaskAssignee,
)
from .yearly import Assignment, FollowUp, Initiative, Position, Priority

# the tables of a package, in an order that puts every row after what it points at
TABLES: tuple[type[SQLModel], ...] = (
    Organisation,
    Body,
    Person,
    Membership,
    Series,
    Meeting,
    Invitation,
    Guest,
    Registration,
    AgendaItem,
    Task,
    TaskAssignee,
    Priority,
    Initiative,
    FollowUp,
    Assignment,
    Position,
    Decision,
    Commission,
    CommissionReport,
)


def table_name(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


def year_rows(
    session: Session, organisation: str, year: int, *, now: dt.datetime
) -> dict[str, list[dict[str, Any]]]:
    """The organisation-year's rows by table (JSON-ready values, in a stable order)."""
    today = now.astimezone(STOCKHOLM).date()
    org = organisation
    yearly: dict[type[SQLModel], list[Any]] = {
        Priority: list(
            session.exec(
                select(Priority).where(Priority.organisation == org, Priority.year == year)
            )
        ),
        Initiative: list(
            session.exec(
                select(Initiative).where(Initiative.organisation == org, Initiative.year == year)
            )
        ),
        FollowUp: list(
            session.exec(
                select(FollowUp).where(FollowUp.organisation == org, FollowUp.year == year)
            )
        ),
        Assignment: list(
            session.exec(
                select(Assignment).where(
                    Assignment.organisation == org,
                    col(Assignment.for_year).in_([year, year + 1]),
                )
            )
        ),
        Position: [
            p
            for p in session.exec(select(Position).where(Position.organisation == org))
            if p.decided_on.year == year
        ],
    }
    meetings = {
        m.id: m
        for m in session.exec(
            select(Meeting).where(Meeting.organisation == org, Meeting.year == year)
        )
    }
    # the year's decisions, and earlier ones with assignments still open (the follow-up
    # reports on those too)
    held = {
        d.id: (d, m.start.astimezone(STOCKHOLM).year)
        for d, m in session.exec(
            select(Decision, Meeting)
            .join(Meeting, col(Meeting.id) == col(Decision.meeting))
            .where(Decision.organisation == org)
        )
    }
    decisions = {d.id: d for d, y in held.values() if y == year}
    commissions = {}
    for c in session.exec(select(Commission).where(Commission.organisation == org)):
        decided = held[c.decision][1] if c.decision in held else year + 1
        still_open = status_on(CommissionStatus(c.status), c.due, today) not in CLOSED
        if decided == year or (decided < year and still_open):
            commissions[c.id] = c
            decisions.setdefault(c.decision, held[c.decision][0])
    earlier = {d.meeting for d in decisions.values()}
    earlier |= {c.report_meeting for c in commissions.values() if c.report_meeting}
    earlier |= {p.decided_at for p in yearly[Priority] if p.decided_at}
    earlier |= {p.meeting for p in yearly[Position] if p.meeting}
    for mid in sorted(earlier - set(meetings)):
        found_meeting = session.get(Meeting, mid)
        if found_meeting is not None:
            meetings[mid] = found_meeting
    ids = list(meetings)
    tasks = list(session.exec(select(Task).where(col(Task.meeting).in_(ids))))
    rows: dict[type[SQLModel], Iterable[Any]] = {
        Organisation: [session.get(Organisation, org)],
        Body: session.exec(select(Body).where(Body.organisation == org)),
        Person: session.exec(select(Person).where(Person.organisation == org)),
        Membership: session.exec(select(Membership).where(Membership.organisation == org)),
        Series: session.exec(select(Series).where(Series.organisation == org)),
        Meeting: meetings.values(),
        Invitation: session.exec(select(Invitation).where(col(Invitation.meeting).in_(ids))),
        Guest: session.exec(select(Guest).where(col(Guest.meeting).in_(ids))),
        Registration: session.exec(select(Registration).where(col(Registration.meeting).in_(ids))),
        AgendaItem: session.exec(select(AgendaItem).where(col(AgendaItem.meeting).in_(ids))),
        Task: tasks,
        TaskAssignee: session.exec(
            select(TaskAssignee).where(col(TaskAssignee.task).in_([t.id for t in tasks]))
        ),
        **yearly,
        Decision: decisions.values(),
        Commission: commissions.values(),
        CommissionReport: session.exec(
            select(CommissionReport).where(col(CommissionReport.commission).in_(list(commissions)))
        ),
    }
    return {
        table_name(model): sorted(
            (r.model_dump(mode="json") for r in rows[model] if r is not None),
            key=lambda d: sorted((k, str(v)) for k, v in d.items()),
        )
        for model in TABLES
    }


def put_rows(session: Session, tables: dict[str, list[dict[str, Any]]]) -> int:
    """Store a package's rows as they were (same ids and stamps); returns how many.

    Raises:
        ValueError: the organisation is already in this database (a package goes into
            an empty one), or a row that does not fit its table.
    """
    (org,) = tables.get(table_name(Organisation), [{}])
    slug = org.get("slug")
    if not slug:
        raise ValueError("paketet saknar organisationen")
    if session.get(Organisation, slug) is not None:
        raise ValueError(
            f"databasen har redan organisationen {slug}; importera till en tom databas"
        )
    count = 0
    for model in TABLES:
        for data in tables.get(table_name(model), []):
            session.add(model.model_validate(data))
            count += 1
        session.flush()  # in order: what a row points at is there first
    return count
