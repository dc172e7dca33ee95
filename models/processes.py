"""Stored state of the yearly processes and admin actions, as small upserts.

Priorities, initiatives and follow-ups become the core's ``WheelItem`` values through
``items_for_year``; everything written is keyed by stable ids, so a process re-run
finds the rows it wrote before and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from cycle.plan import STOCKHOLM, PlannedTask
from cycle.wheel import (
    AgendaDraft,
    AssignmentDraft,
    ItemKind,
    OpenAssignment,
    Status,
    WheelItem,
    stable_id,
)

from .store import scoped
from .tables import (
    AgendaItem,
    Guest,
    Meeting,
    MeetingStatus,
    Task,
    TaskAssignee,
    TaskOrigin,
    TaskStatus,
)
from .work import Assignment, FollowUp, Initiative, Priority

DRAFT = "utkast"


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
    row = session.get(Priority, priority_id(organisation, year, title))
    if row is None:
        session.add(
            Priority(
                id=priority_id(organisation, year, title),
                organisation=organisation,
                year=year,
                title=title,
                description=description,
                created_at=now,
                updated_at=now,
            )
        )
        return True
    if row.description == description:
        return False
    row.description, row.updated_at = description, now
    session.add(row)
    return True


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
    key = initiative_id(organisation, year, title)
    values: dict[str, Any] = {"description": description, "priority": parent, "owner": owner}
    row = session.get(Initiative, key)
    if row is None:
        session.add(
            Initiative(
                id=key,
                organisation=organisation,
                year=year,
                title=title,
                created_at=now,
                updated_at=now,
                **values,
            )
        )
        return True
    if all(getattr(row, k) == v for k, v in values.items()):
        return False
    for k, v in values.items():
        setattr(row, k, v)
    row.updated_at = now
    session.add(row)
    return True


def items_for_year(session: Session, organisation: str, year: int) -> list[WheelItem]:
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
            WheelItem(
                p.id,
                ItemKind.PRIORITERING,
                p.title,
                p.description,
                status=Status(f.status) if f else Status.EJ_RAPPORTERAD,
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
            WheelItem(
                i.id,
                ItemKind.SATSNING,
                i.title,
                i.description,
                parent=titles.get(i.priority or ""),
                owner=i.owner,
                status=Status(f.status) if f else Status.EJ_RAPPORTERAD,
                comment=f.comment if f else "",
            )
        )
    return items


def ensure_follow_ups(
    session: Session,
    *,
    organisation: str,
    year: int,
    items: Sequence[WheelItem],
    now: dt.datetime,
) -> int:
    """Create a follow-up row ("ej rapporterad") for every item that has none yet."""
    created = 0
    for item in items:
        key = stable_id(organisation, year, "uppföljning", item.id)
        if session.get(FollowUp, key) is None:
            link = (
                {"priority": item.id}
                if item.kind is ItemKind.PRIORITERING
                else {"initiative": item.id}
            )
            session.add(
                FollowUp(
                    id=key,
                    organisation=organisation,
                    year=year,
                    created_at=now,
                    updated_at=now,
                    **link,
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
    status: Status,
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
    row = session.get(FollowUp, stable_id(organisation, year, "uppföljning", item.id))
    assert row is not None
    if (row.status, row.comment) == (status.value, comment):
        return False
    row.status, row.comment, row.updated_at = status.value, comment, now
    session.add(row)
    return True


def save_assignment_drafts(
    session: Session, *, organisation: str, drafts: Sequence[AssignmentDraft], now: dt.datetime
) -> int:
    """Upsert drafted assignments; ones an admin has taken beyond draft are left alone."""
    written = 0
    for d in drafts:
        row = session.get(Assignment, d.id)
        if row is None:
            session.add(
                Assignment(
                    id=d.id,
                    organisation=organisation,
                    for_year=d.for_year,
                    title=d.title,
                    description=d.description,
                    status=DRAFT,
                    created_at=now,
                    updated_at=now,
                )
            )
            written += 1
        elif row.status == DRAFT and (row.title, row.description) != (d.title, d.description):
            row.title, row.description, row.updated_at = d.title, d.description, now
            session.add(row)
            written += 1
    return written


def open_assignments(session: Session, organisation: str, year: int) -> list[OpenAssignment]:
    """Assignments drawn up for ``year`` that are not closed, in the order they were made."""
    rows = session.exec(
        select(Assignment)
        .where(
            Assignment.organisation == organisation,
            Assignment.for_year == year,
            Assignment.status != "avslutat",
        )
        .order_by(col(Assignment.created_at), col(Assignment.title))
    )
    return [OpenAssignment(r.title, r.description) for r in rows]


def save_agenda(
    session: Session, *, meeting: str, drafts: Sequence[AgendaDraft], now: dt.datetime
) -> int:
    """Upsert a process's agenda items on ``meeting`` by their stable keys."""
    written = 0
    for d in drafts:
        key = stable_id(meeting, d.key)
        values: dict[str, Any] = {
            "position": d.position,
            "title": d.title,
            "description": d.description,
            "source": d.source,
        }
        row = session.get(AgendaItem, key)
        if row is None:
            session.add(
                AgendaItem(id=key, meeting=meeting, created_at=now, updated_at=now, **values)
            )
            written += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            session.add(row)
            written += 1
    return written


def save_process_tasks(
    session: Session,
    *,
    organisation: str,
    tasks: Sequence[PlannedTask],
    origin: TaskOrigin,
    now: dt.datetime,
) -> int:
    """Insert or update tasks a process made (never cancelled by re-planning)."""
    written = 0
    for t in tasks:
        values: dict[str, Any] = {
            "title": t.title,
            "due": t.due,
            "offset": t.offset,
            "assignee": t.assignee,
        }
        row = session.get(Task, t.id)
        if row is None:
            session.add(
                Task(
                    id=t.id,
                    meeting=t.meeting,
                    organisation=organisation,
                    step=t.step,
                    origin=origin,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            session.add_all(
                TaskAssignee(task=t.id, person=scoped(organisation, p)) for p in t.assignees
            )
            written += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.sequence += 1
            row.updated_at = now
            session.add(row)
            written += 1
    return written


def meetings_of(
    session: Session,
    organisation: str,
    year: int,
    *,
    kind: str | None = None,
    month: int | None = None,
) -> list[Meeting]:
    """The year's meetings of ``organisation`` (optionally one kind, one month), by start."""
    query = select(Meeting).where(Meeting.organisation == organisation, Meeting.year == year)
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    rows = list(session.exec(query.order_by(col(Meeting.start))))
    if month is not None:
        rows = [m for m in rows if _local_month(m.start) == month]
    return rows


def _local_month(moment: dt.datetime) -> int:
    return moment.astimezone(STOCKHOLM).month


def tasks_of(session: Session, meeting: str) -> list[Task]:
    """A meeting's tasks by due date."""
    return list(
        session.exec(
            select(Task).where(Task.meeting == meeting).order_by(col(Task.due), col(Task.step))
        )
    )


def task_value(session: Session, row: Task) -> PlannedTask:
    """A stored task as the core's value (assignees as cycle-file ids, not stored keys)."""
    people = tuple(key.split("/", 1)[1] for key in assignees_of(session, row.id))
    return PlannedTask(
        row.id, row.meeting, row.step, row.title, row.due, row.offset, row.assignee, people
    )


def assignees_of(session: Session, task: str) -> list[str]:
    """Person keys holding a task."""
    return [a.person for a in session.exec(select(TaskAssignee).where(TaskAssignee.task == task))]


def invite_guests(
    session: Session, *, meeting: str, guests: Sequence[str], now: dt.datetime
) -> int:
    """Record the external organisations invited to a forum; returns how many were new."""
    have = {
        g.organisation_name for g in session.exec(select(Guest).where(Guest.meeting == meeting))
    }
    new = [g for g in guests if g not in have]
    session.add_all(Guest(meeting=meeting, organisation_name=g, invited_at=now) for g in new)
    return len(new)


def move_meeting(
    session: Session,
    *,
    meeting: Meeting,
    start: dt.datetime,
    end: dt.datetime,
    tasks: Sequence[PlannedTask],
    note: str,
    now: dt.datetime,
) -> bool:
    """Move a meeting and its chain as an admin action; False when it is already there.

    The meeting becomes ``manual`` so re-planning keeps the admin's choice.
    """
    if meeting.start == start and meeting.end == end and meeting.status != MeetingStatus.CANCELLED:
        return False
    meeting.start, meeting.end = start, end
    meeting.status, meeting.manual, meeting.note = MeetingStatus.MOVED, True, note
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    by_id = {t.id: t for t in tasks}
    for row in tasks_of(session, meeting.id):
        planned = by_id.get(row.id)
        if planned is None or row.status == TaskStatus.DONE:
            continue
        if (row.due, row.status) != (planned.due, TaskStatus.OPEN):
            row.due, row.status = planned.due, TaskStatus.OPEN
            row.sequence += 1
            row.updated_at = now
            session.add(row)
        have = set(assignees_of(session, row.id))
        want = {scoped(meeting.organisation, p) for p in planned.assignees}
        for person in have - want:
            session.delete(session.get(TaskAssignee, (row.id, person)))
        session.add_all(TaskAssignee(task=row.id, person=p) for p in want - have)
    return True


def cancel_meeting(session: Session, *, meeting: Meeting, note: str, now: dt.datetime) -> bool:
    """Cancel a meeting and its open tasks as an admin action; False when already cancelled."""
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    meeting.status, meeting.manual, meeting.note = MeetingStatus.CANCELLED, True, note
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    for row in tasks_of(session, meeting.id):
        if row.status == TaskStatus.OPEN:
            row.status = TaskStatus.CANCELLED
            row.sequence += 1
            row.updated_at = now
            session.add(row)
    return True


def complete_task(session: Session, task: str, *, now: dt.datetime) -> str | None:
    """Mark a task done (its feeds show it completed, and no more reminders go out);
    returns its title, or None for an unknown id."""
    row = session.get(Task, task)
    if row is None:
        return None
    if row.status != TaskStatus.DONE:
        row.status, row.done_at, row.updated_at = TaskStatus.DONE, now, now
        row.sequence += 1
        session.add(row)
    return row.title


def person_tasks(
    session: Session, person: str, *, include_done: bool = False
) -> list[tuple[Task, Meeting]]:
    """A person's tasks by due date: open ones (and done ones if asked)."""
    statuses = [TaskStatus.OPEN, TaskStatus.DONE] if include_done else [TaskStatus.OPEN]
    return [
        (t, m)
        for t, m in session.exec(
            select(Task, Meeting)
            .join(TaskAssignee, col(TaskAssignee.task) == col(Task.id))
            .join(Meeting, col(Meeting.id) == col(Task.meeting))
            .where(
                TaskAssignee.person == person,
                col(Task.status).in_(statuses),
                Meeting.status != MeetingStatus.CANCELLED,
            )
            .order_by(col(Task.due), col(Task.id))
        )
    ]
