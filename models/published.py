"""Load the published view of the stored wheel for a window of days, in a few queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, col, select

from cycle.plan import STOCKHOLM
from cycle.published import (
    Published,
    PublishedBody,
    PublishedMeeting,
    PublishedPerson,
    PublishedTask,
)

from .tables import (
    AgendaItem,
    Body,
    Invitation,
    Meeting,
    Organisation,
    Person,
    Task,
    TaskAssignee,
)
from .tokens import FeedToken


def _target_body(organisation: str, meeting_body: str, rule: str) -> str | None:
    """The body a task's rule points at: ``body:X``, ``role:R@X`` or the meeting's own."""
    kind, _, rest = rule.partition(":")
    if kind == "body":
        return f"{organisation}/{rest}"
    if kind == "role":
        _, at, body = rest.partition("@")
        return f"{organisation}/{body}" if at else meeting_body
    return None


def load_published(session: Session, first_day: dt.date, last_day: dt.date) -> Published:
    """Meetings starting in the window (cancelled ones included), their tasks, bodies,
    people and live feed tokens."""
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=STOCKHOLM)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)
    meetings = session.exec(
        select(Meeting)
        .where(col(Meeting.start) >= start, col(Meeting.start) < end)
        .order_by(col(Meeting.start), col(Meeting.id))
    ).all()
    ids = [m.id for m in meetings]
    agenda: dict[str, list[str]] = defaultdict(list)
    invitations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    tasks: list[Task] = []
    assignees: dict[str, list[str]] = defaultdict(list)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for item in session.exec(
            select(AgendaItem)
            .where(col(AgendaItem.meeting).in_(chunk))
            .order_by(col(AgendaItem.position), col(AgendaItem.title))
        ):
            agenda[item.meeting].append(item.title)
        for inv in session.exec(
            select(Invitation)
            .where(col(Invitation.meeting).in_(chunk))
            .order_by(col(Invitation.person))
        ):
            invitations[inv.meeting].append((inv.person, inv.role))
        tasks.extend(session.exec(select(Task).where(col(Task.meeting).in_(chunk))))
    task_ids = [t.id for t in tasks]
    for chunk in (task_ids[i : i + 500] for i in range(0, len(task_ids), 500)):
        for a in session.exec(
            select(TaskAssignee)
            .where(col(TaskAssignee.task).in_(chunk))
            .order_by(col(TaskAssignee.person))
        ):
            assignees[a.task].append(a.person)
    body_of = {m.id: m.body for m in meetings}
    tokens = {
        t.person: t.token
        for t in session.exec(select(FeedToken).where(col(FeedToken.revoked_at).is_(None)))
    }
    return Published(
        first_day=first_day,
        last_day=last_day,
        organisations={o.slug: o.name for o in session.exec(select(Organisation))},
        bodies=tuple(
            PublishedBody(b.key, b.organisation, b.slug, b.name, b.kind, b.public)
            for b in session.exec(select(Body).order_by(col(Body.key)))
        ),
        people=tuple(
            PublishedPerson(p.key, p.organisation, p.name, tokens.get(p.key), p.email)
            for p in session.exec(select(Person).order_by(col(Person.key)))
        ),
        meetings=tuple(
            PublishedMeeting(
                id=m.id,
                organisation=m.organisation,
                body=m.body,
                title=m.title,
                kind=m.kind,
                start=m.start.astimezone(STOCKHOLM),
                end=m.end.astimezone(STOCKHOLM),
                location=m.location,
                status=str(m.status.value),
                sequence=m.sequence,
                created_at=m.created_at,
                updated_at=m.updated_at,
                original_date=m.original_date,
                series=m.series,
                moved_because=m.moved_because,
                note=m.note,
                agenda=tuple(agenda[m.id]),
                invitations=tuple(invitations[m.id]),
            )
            for m in meetings
        ),
        tasks=tuple(
            sorted(
                (
                    PublishedTask(
                        id=t.id,
                        meeting=t.meeting,
                        organisation=t.organisation,
                        title=t.title,
                        due=t.due,
                        status=str(t.status.value),
                        sequence=t.sequence,
                        created_at=t.created_at,
                        updated_at=t.updated_at,
                        target_body=_target_body(t.organisation, body_of[t.meeting], t.assignee),
                        assignees=tuple(assignees[t.id]),
                    )
                    for t in tasks
                ),
                key=lambda t: (t.due, t.id),
            )
        ),
    )
