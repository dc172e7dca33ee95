"""Writes to preparation tasks beyond the plan: tasks a yearly process adds, and a task
marked done. Changes go through ``revisions.revise``; functions never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from cycle.history import task_is_past
from cycle.plan import PlannedTask
from cycle.status import TaskStatus

from .definitions import scoped, unscoped
from .plan import task_values
from .revisions import insert, revise
from .tables import Task, TaskAssignee, TaskOrigin


def save_process_tasks(
    session: Session,
    *,
    organisation: str,
    tasks: Sequence[PlannedTask],
    origin: TaskOrigin,
    now: dt.datetime,
) -> int:
    """Insert or update tasks a process made (never cancelled by re-planning); a task
    whose deadline has passed is left as it was, or not made at all."""
    written = 0
    for t in tasks:
        row = session.get(Task, t.id)
        if task_is_past(t.due, now) or (row is not None and task_is_past(row.due, now)):
            continue  # a deadline that has passed is history
        if row is None:
            insert(session, Task(id=t.id, origin=origin, **task_values(t, organisation)), now=now)
            session.add_all(
                TaskAssignee(task=t.id, person=scoped(organisation, p)) for p in t.assignees
            )
            written += 1
        else:
            written += revise(
                session,
                row,
                {"title": t.title, "due": t.due, "offset": t.offset, "assignee": t.assignee},
                now=now,
            )
    return written


def process_tasks(session: Session, meeting: str) -> list[PlannedTask]:
    """The meeting's tasks that a process made (not its chain), as core values, so a
    move can re-anchor them."""
    rows = session.exec(
        select(Task)
        .where(Task.meeting == meeting, Task.origin != TaskOrigin.PLAN)
        .order_by(col(Task.due), col(Task.step))
    )
    values = []
    for row in rows:
        people = session.exec(
            select(TaskAssignee.person)
            .where(TaskAssignee.task == row.id)
            .order_by(col(TaskAssignee.person))
        )
        values.append(
            PlannedTask(
                row.id,
                row.meeting,
                row.step,
                row.title,
                row.due,
                row.offset,
                row.assignee,
                tuple(unscoped(key) for key in people),
            )
        )
    return values


def complete_task(session: Session, task: str, *, now: dt.datetime) -> str | None:
    """Mark a task done (its feeds show it completed, and no more reminders go out);
    returns its title, or None for an unknown id."""
    row = session.get(Task, task)
    if row is None:
        return None
    if row.status != TaskStatus.DONE:
        revise(session, row, {"status": TaskStatus.DONE, "done_at": now}, now=now)
    return row.title
