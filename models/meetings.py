"""Writes to stored meetings beyond the plan: an admin's move or cancellation, a
process's agenda items, and the external guests of a forum.

Meeting and task changes go through ``revisions.revise``, so SEQUENCE goes up exactly
when subscribers see a change. A moved or cancelled meeting becomes ``manual``, which
re-planning leaves alone. Functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from cycle.history import meeting_has_begun, task_is_past
from cycle.ids import stable_id
from cycle.meetings import Move
from cycle.status import MeetingStatus, TaskStatus
from cycle.times import local_date
from cycle.yearly import AgendaDraft

from .agenda import agenda_lines
from .definitions import scoped
from .plan import set_assignees
from .revisions import revise, touch, upsert
from .tables import AgendaItem, Guest, Meeting, Task, TaskAssignee


def _task_rows(session: Session, meeting: str) -> list[Task]:
    return list(session.exec(select(Task).where(Task.meeting == meeting)))


def move_meeting(session: Session, move: Move, *, now: dt.datetime) -> bool:
    """Move a meeting and its open tasks as an admin action; False when it is already
    there (and not cancelled).

    Raises:
        LookupError: no meeting has the move's id.
    """
    meeting = session.get(Meeting, move.meeting)
    if meeting is None:
        raise LookupError(move.meeting)
    if (meeting.start, meeting.end) == (move.start, move.end) and (
        meeting.status != MeetingStatus.CANCELLED
    ):
        return False
    revise(
        session,
        meeting,
        {
            "start": move.start.astimezone(dt.UTC),
            "end": move.end.astimezone(dt.UTC),
            "status": MeetingStatus.MOVED,
            "manual": True,
            "note": move.note,
        },
        now=now,
    )
    planned = {t.id: t for t in move.tasks}
    for row in _task_rows(session, meeting.id):
        task = planned.get(row.id)
        if task is None or row.status == TaskStatus.DONE or task_is_past(row.due, now):
            continue  # done, or a deadline that has passed: history
        # moved earlier, a step whose day has passed is due today, not in the past
        due = max(task.due, local_date(now))
        revise(session, row, {"due": due, "status": TaskStatus.OPEN}, now=now)
        have = {
            a.person for a in session.exec(select(TaskAssignee).where(TaskAssignee.task == row.id))
        }
        set_assignees(
            session, row.id, {scoped(meeting.organisation, p) for p in task.assignees}, have
        )
    return True


def cancel_meeting(session: Session, meeting: str, *, note: str, now: dt.datetime) -> bool:
    """Cancel a meeting and its open tasks as an admin action; False when already cancelled.

    Raises:
        LookupError: no meeting has that id.
    """
    row = session.get(Meeting, meeting)
    if row is None:
        raise LookupError(meeting)
    if row.status == MeetingStatus.CANCELLED:
        return False
    revise(session, row, {"status": MeetingStatus.CANCELLED, "manual": True, "note": note}, now=now)
    for task in _task_rows(session, meeting):
        if task.status == TaskStatus.OPEN:
            revise(session, task, {"status": TaskStatus.CANCELLED}, now=now)
    return True


def save_agenda(
    session: Session, *, meeting: str, drafts: Sequence[AgendaDraft], now: dt.datetime
) -> int:
    """Upsert a process's agenda items on ``meeting`` by their stable keys. The meeting's
    description lists its agenda's titles, so a new or reordered title is a change of
    the meeting too.

    Raises:
        LookupError: no meeting has that id.
    """
    row = session.get(Meeting, meeting)
    if row is None:
        raise LookupError(meeting)
    if meeting_has_begun(row.start, now):
        return 0  # the agenda of a meeting that has begun is history
    before = _agenda_titles(session, meeting)
    written = sum(
        upsert(
            session,
            AgendaItem,
            {"id": stable_id(meeting, d.key)},
            {
                "meeting": meeting,
                "position": d.position,
                "title": d.title,
                "description": d.description,
                "source": d.source,
            },
            now=now,
        )
        for d in drafts
    )
    session.flush()
    if _agenda_titles(session, meeting) != before:
        touch(session, row, now=now)
    return written


def _agenda_titles(session: Session, meeting: str) -> list[str]:
    """The lines a meeting's description shows, in their order."""
    return agenda_lines(session, [meeting])[meeting]


def invite_guests(
    session: Session, *, meeting: str, guests: Sequence[str], now: dt.datetime
) -> int:
    """Record the external organisations invited to a forum; returns how many were new
    (none for a forum that has begun: its guest list is history)."""
    row = session.get(Meeting, meeting)
    if row is not None and meeting_has_begun(row.start, now):
        return 0
    have = set(session.exec(select(Guest.organisation_name).where(col(Guest.meeting) == meeting)))
    new = [g for g in guests if g not in have]
    session.add_all(Guest(meeting=meeting, organisation_name=g, invited_at=now) for g in new)
    return len(new)
