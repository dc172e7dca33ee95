"""Read the stored wheel as its readers see it (``cycle.published`` values), in a few
queries: a window of days for feeds, pages and e-mails; one organisation-year, one
meeting or one person's tasks for flows and the CLI.

Rows never leave this module: flows and commands get frozen values, whose status is the
state at the ``now`` they were read for – held once a meeting has ended, late once an
open task's due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from cycle.definitions import Role, SeriesKind, SummerBreak
from cycle.published import (
    Published,
    PublishedBody,
    PublishedItem,
    PublishedMeeting,
    PublishedMembership,
    PublishedPerson,
    PublishedRegistration,
    PublishedSeries,
    PublishedTask,
    shown_name,
)
from cycle.status import (
    ItemStatus,
    MeetingStatus,
    TaskStatus,
    meeting_status_on,
    task_status_on,
)
from cycle.times import STOCKHOLM, local_date

from .agenda import agenda_lines
from .database import chunked
from .decisions import commissions_of
from .registrations import registrations_of
from .revisions import columns_of
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
from .tokens import FeedToken, group_tokens

ROLES = {role.value: role for role in Role}  # a dict lookup: Role(value) costs 3 µs each


def _target_body(organisation: str, meeting_body: str, rule: str) -> str | None:
    """The body a task's rule points at: ``body:X``, ``role:R@X`` or the meeting's own."""
    kind, _, rest = rule.partition(":")
    if kind == "body":
        return f"{organisation}/{rest}"
    if kind == "role":
        _, at, body = rest.partition("@")
        return f"{organisation}/{body}" if at else meeting_body
    return None


def _meetings(
    session: Session,
    rows: Sequence[Meeting],
    now: dt.datetime,
    *,
    agenda: bool = True,
    invitations: bool = True,
    within: Any = None,
) -> list[PublishedMeeting]:
    """Meeting rows as values at ``now``, with their agenda and invitations unless told
    otherwise (a list of tasks names their meetings and needs neither; a person's page
    shows the agenda but not who else is called). ``within``: the condition on
    ``meeting`` that selected ``rows``, when there is one – then their invitations and
    agenda are read by it, in one query each, rather than by lists of ids."""
    lines: dict[str, list[str]] = {}
    called: dict[str, list[tuple[str, Role]]] = defaultdict(list)
    if within is not None:
        if agenda:
            lines = agenda_lines(session, [], within=within)
        for meeting, person, role in (
            session.exec(
                select(Invitation.meeting, Invitation.person, Invitation.role)
                .join(Meeting, col(Meeting.id) == col(Invitation.meeting))
                .where(within)
                .order_by(col(Invitation.person))
            )
            if invitations
            else ()
        ):
            called[meeting].append((person, ROLES[role]))
    for chunk in chunked(m.id for m in rows) if within is None and (agenda or invitations) else ():
        if agenda:
            lines |= agenda_lines(session, list(chunk))
        if not invitations:
            continue
        # plain columns: a row object per invitation would cost more than the page
        for meeting, person, role in session.exec(
            select(Invitation.meeting, Invitation.person, Invitation.role)
            .where(col(Invitation.meeting).in_(chunk))
            .order_by(col(Invitation.person))
        ):
            called[meeting].append((person, ROLES[role]))
    return [
        PublishedMeeting(
            id=m.id,
            organisation=m.organisation,
            body=m.body,
            title=m.title,
            kind=SeriesKind(m.kind),
            start=m.start.astimezone(STOCKHOLM),
            end=m.end.astimezone(STOCKHOLM),
            location=m.location,
            status=meeting_status_on(MeetingStatus(m.status), m.end, now),
            moved=m.status == MeetingStatus.MOVED,
            sequence=m.sequence,
            created_at=m.created_at,
            updated_at=m.updated_at,
            original_date=m.original_date,
            series=m.series,
            moved_because=m.moved_because,
            note=m.note,
            agenda=tuple(lines.get(m.id, ())),
            invitations=tuple(called[m.id]),
        )
        for m in rows
    ]


def _tasks(
    session: Session,
    rows: Sequence[Task],
    body_of: dict[str, str],
    now: dt.datetime,
    *,
    with_assignees: bool = True,
    within: Any = None,
) -> list[PublishedTask]:
    """Task rows as values at ``now``, with their assignees (unless not asked for: one
    person's own list does not show who else holds a task), sorted by due date;
    ``within`` as for :func:`_meetings`, the condition on their meetings."""
    today = local_date(now)
    assignees: dict[str, list[str]] = defaultdict(list)
    if within is not None and with_assignees:
        for task, person in session.exec(
            select(TaskAssignee.task, TaskAssignee.person)
            .join(Task, col(Task.id) == col(TaskAssignee.task))
            .join(Meeting, col(Meeting.id) == col(Task.meeting))
            .where(within)
            .order_by(col(TaskAssignee.person))
        ):
            assignees[task].append(person)
    for chunk in chunked(t.id for t in rows) if with_assignees and within is None else ():
        for task, person in session.exec(
            select(TaskAssignee.task, TaskAssignee.person)
            .where(col(TaskAssignee.task).in_(chunk))
            .order_by(col(TaskAssignee.person))
        ):
            assignees[task].append(person)
    return sorted(
        (
            PublishedTask(
                id=t.id,
                meeting=t.meeting,
                organisation=t.organisation,
                title=t.title,
                due=t.due,
                status=task_status_on(TaskStatus(t.status), t.due, today, local_date(t.created_at)),
                sequence=t.sequence,
                created_at=t.created_at,
                updated_at=t.updated_at,
                target_body=_target_body(t.organisation, body_of[t.meeting], t.assignee),
                assignees=tuple(assignees[t.id]),
                step=t.step,
                done_at=t.done_at,
            )
            for t in rows
        ),
        key=lambda t: (t.due, t.id),
    )


def _tasks_of_meetings(
    session: Session, meetings: Sequence[PublishedMeeting], steps: Collection[str] | None = None
) -> list[Task]:
    """The task rows of ``meetings``, read as plain rows (named columns, no ORM objects:
    a window holds tens of thousands)."""
    rows: list[Task] = []
    for chunk in chunked(m.id for m in meetings):
        query = select(*columns_of(Task)).where(col(Task.meeting).in_(chunk))
        if steps is not None:
            query = query.where(col(Task.step).in_(list(steps)))
        rows.extend(session.exec(query))
    return rows


def load_published(
    session: Session,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime,
    organisations: Collection[str] | None = None,
) -> Published:
    """Meetings starting in the window (cancelled ones included), their tasks, bodies,
    people and live feed tokens, as they stand at ``now`` – of every organisation, or
    only of ``organisations``."""
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=STOCKHOLM)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)

    def scoped(query: Any, owner: Any) -> Any:
        return query if organisations is None else query.where(col(owner).in_(organisations))

    within = and_(col(Meeting.start) >= start, col(Meeting.start) < end)
    if organisations is not None:
        within = and_(within, col(Meeting.organisation).in_(organisations))
    rows = session.exec(
        select(*columns_of(Meeting)).where(within).order_by(col(Meeting.start), col(Meeting.id))
    ).all()
    meetings = _meetings(session, rows, now, within=within)
    body_of = {m.id: m.body for m in meetings}
    task_rows = session.exec(
        select(*columns_of(Task)).join(Meeting, col(Meeting.id) == col(Task.meeting)).where(within)
    ).all()
    tasks = _tasks(session, task_rows, body_of, now, within=within)
    tokens = {
        t.person: t.token
        for t in session.exec(select(FeedToken).where(col(FeedToken.revoked_at).is_(None)))
    }
    orgs = session.exec(scoped(select(Organisation), Organisation.slug)).all()
    groups = group_tokens(session)
    return Published(
        first_day=first_day,
        last_day=last_day,
        as_of=now,
        organisations={o.slug: o.name for o in orgs},
        examples=frozenset(o.slug for o in orgs if o.example),
        bodies=tuple(
            PublishedBody(
                b.key, b.organisation, b.slug, b.name, b.kind, b.public, groups.get(b.key)
            )
            for b in session.exec(scoped(select(Body), Body.organisation).order_by(col(Body.key)))
        ),
        people=tuple(
            PublishedPerson(
                p.key, p.organisation, p.name, tokens.get(p.key), p.email, p.example, p.affiliation
            )
            for p in session.exec(
                scoped(select(Person), Person.organisation).order_by(col(Person.key))
            )
        ),
        meetings=tuple(meetings),
        tasks=tuple(tasks),
        memberships=tuple(
            PublishedMembership(m.person, m.body, ROLES[m.role], m.valid_from, m.valid_to)
            for m in session.exec(
                scoped(select(Membership), Membership.organisation).order_by(col(Membership.key))
            )
        ),
        # restricted ones too: their owners' feeds carry them without details; every
        # public page leaves them out
        commissions=tuple(commissions_of(session, organisations, now=now)),
        items=tuple(_sent_items(session, [m.id for m in meetings])),
        guests=tuple(_guests(session, [m.id for m in meetings])),
        registrations=tuple(
            PublishedRegistration(r.meeting, r.person, r.guest, r.participants)
            for chunk in chunked([m.id for m in meetings])
            for r in registrations_of(session, chunk)
        ),
        series=tuple(
            PublishedSeries(
                s.key,
                s.body,
                s.title,
                s.description,
                SummerBreak.parse(s.summer_break) if s.summer_break else None,
            )
            for s in session.exec(
                scoped(select(Series), Series.organisation).order_by(col(Series.key))
            )
        ),
    )


def organisation_names(session: Session) -> dict[str, str]:
    """Every organisation's name by slug, as the start page lists them (an example
    cycle's name says so)."""
    return {o.slug: shown_name(o.name, o.example) for o in session.exec(select(Organisation))}


def _guests(session: Session, meetings: Sequence[str]) -> list[tuple[str, str]]:
    """The organisations invited to these meetings, (meeting, name), in a stable order."""
    found: list[tuple[str, str]] = []
    for chunk in chunked(meetings):
        found += [
            (g.meeting, g.organisation_name)
            for g in session.exec(
                select(Guest)
                .where(col(Guest.meeting).in_(chunk))
                .order_by(col(Guest.meeting), col(Guest.organisation_name))
            )
        ]
    return found


def _sent_items(session: Session, meetings: Sequence[str]) -> list[PublishedItem]:
    """The items people sent in for these meetings (a process's own items are not sent)."""
    found: list[PublishedItem] = []
    for chunk in chunked(meetings):
        for item in session.exec(
            select(AgendaItem)
            .where(col(AgendaItem.meeting).in_(chunk), col(AgendaItem.submitted_by).is_not(None))
            .order_by(col(AgendaItem.created_at), col(AgendaItem.id))
        ):
            found.append(
                PublishedItem(
                    item.id,
                    item.meeting,
                    item.title,
                    ItemStatus(item.status),
                    item.submitted_by or "",
                    item.decided_at,
                    item.reason,
                )
            )
    return found


def meetings_of(
    session: Session,
    organisation: str,
    year: int,
    *,
    now: dt.datetime,
    kind: SeriesKind | None = None,
) -> list[PublishedMeeting]:
    """The stored meetings of an organisation-year (optionally of one kind), by start."""
    query = select(Meeting).where(Meeting.organisation == organisation, Meeting.year == year)
    if kind is not None:
        query = query.where(Meeting.kind == kind.value)
    return _meetings(session, session.exec(query.order_by(col(Meeting.start))).all(), now)


def published_meetings(
    session: Session, rows: Sequence[Meeting], *, now: dt.datetime, invitations: bool = True
) -> list[PublishedMeeting]:
    """Meeting rows as their readers see them at ``now`` (agenda and, unless told not
    to, invitations read for all of them at once)."""
    return _meetings(session, rows, now, invitations=invitations)


def meeting_by_id(session: Session, meeting: str, *, now: dt.datetime) -> PublishedMeeting | None:
    """One stored meeting, or None."""
    row = session.get(Meeting, meeting)
    return None if row is None else _meetings(session, [row], now)[0]


def tasks_of(
    session: Session, meeting: PublishedMeeting, *, now: dt.datetime
) -> list[PublishedTask]:
    """A meeting's tasks, by due date."""
    return meeting_tasks(session, [meeting], now=now)


def person_tasks(
    session: Session,
    person: str,
    *,
    now: dt.datetime,
    include_done: bool = False,
    done_since: dt.datetime | None = None,
) -> list[tuple[PublishedTask, PublishedMeeting]]:
    """A person's tasks of meetings that are not cancelled, by due date: open and late
    ones, and done ones if asked (only those done since ``done_since`` when given). The
    tasks come without their other holders, the meetings without agenda and invitations."""
    wanted = col(Task.status) == TaskStatus.OPEN
    if include_done:
        done = col(Task.status) == TaskStatus.DONE
        if done_since is not None:
            done = and_(done, col(Task.done_at) >= done_since)
        wanted = or_(wanted, done)
    rows = session.exec(
        select(Task, Meeting)
        .join(TaskAssignee, col(TaskAssignee.task) == col(Task.id))
        .join(Meeting, col(Meeting.id) == col(Task.meeting))
        .where(TaskAssignee.person == person, wanted, Meeting.status != MeetingStatus.CANCELLED)
        .order_by(col(Task.due), col(Task.id))
    ).all()
    unique = list({m.id: m for _, m in rows}.values())
    meetings = {m.id: m for m in _meetings(session, unique, now, agenda=False, invitations=False)}
    bodies = {m.id: m.body for m in meetings.values()}
    tasks = _tasks(session, [t for t, _ in rows], bodies, now, with_assignees=False)
    return [(t, meetings[t.meeting]) for t in tasks]


def person_meetings(
    session: Session,
    person: str,
    *,
    now: dt.datetime,
    until: dt.datetime,
    invitations: bool = True,
) -> list[tuple[PublishedMeeting, Role]]:
    """The meetings a person is invited to that end after ``now`` and start before
    ``until`` (cancelled ones too: the person should see that), by start; with whom
    else is invited unless told not to."""
    rows = session.exec(
        select(Meeting, Invitation.role)
        .join(Invitation, col(Invitation.meeting) == col(Meeting.id))
        .where(
            Invitation.person == person,
            col(Meeting.end) > now,
            col(Meeting.start) < until,
        )
        .order_by(col(Meeting.start), col(Meeting.id))
    ).all()
    values = {
        m.id: m for m in _meetings(session, [m for m, _ in rows], now, invitations=invitations)
    }
    return [(values[m.id], Role(role)) for m, role in rows]


def meeting_tasks(
    session: Session,
    meetings: Sequence[PublishedMeeting],
    *,
    now: dt.datetime,
    steps: Collection[str] | None = None,
) -> list[PublishedTask]:
    """The tasks of these meetings (only of ``steps`` when given), with their assignees,
    by due date."""
    return _tasks(
        session,
        _tasks_of_meetings(session, meetings, steps),
        {m.id: m.body for m in meetings},
        now,
    )


def task_with_meeting(
    session: Session, task: str, *, now: dt.datetime
) -> tuple[PublishedTask, PublishedMeeting] | None:
    """One stored task and its meeting, or None: as a confirmation page shows them,
    the meeting without agenda and invitations, the task without its holders."""
    row = session.get(Task, task)
    meeting = None if row is None else session.get(Meeting, row.meeting)
    if row is None or meeting is None:
        return None
    value = _meetings(session, [meeting], now, agenda=False, invitations=False)[0]
    return _tasks(session, [row], {value.id: value.body}, now, with_assignees=False)[0], value
