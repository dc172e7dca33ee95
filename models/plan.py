"""Save a year's plan: meetings, their invitations and their preparation tasks.

Saving the same plan twice changes nothing; a changed rule updates the affected rows
through the one write path (``revisions``), which bumps the SEQUENCE of what really
changed; a meeting the rules no longer produce is marked cancelled, never deleted, so
subscribers see the cancellation. An admin's move or cancellation (``manual``) is not
the plan's to undo. Functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from cycle.plan import PlannedMeeting, PlannedTask, YearPlan
from cycle.status import MeetingStatus, TaskStatus

from .database import chunked
from .definitions import scoped
from .revisions import revise, upsert
from .tables import Invitation, Meeting, Task, TaskAssignee, TaskOrigin

DROPPED_NOTE = "Utgår: mötet finns inte längre i årsplanens regler."


@dataclass
class SaveResult:
    """What a save changed; all zero when the same plan is saved again."""

    definitions_changed: int = 0
    meetings_added: int = 0
    meetings_changed: int = 0
    meetings_cancelled: int = 0
    tasks_added: int = 0
    tasks_changed: int = 0
    tasks_cancelled: int = 0

    @property
    def changed(self) -> int:
        """Rows inserted or updated in all."""
        return (
            self.definitions_changed
            + self.meetings_added
            + self.meetings_changed
            + self.meetings_cancelled
            + self.tasks_added
            + self.tasks_changed
            + self.tasks_cancelled
        )


def _meeting_values(m: PlannedMeeting) -> dict[str, Any]:
    """The stored fields a plan decides (``note`` cleared: the plan's own meetings carry
    only the reason for a holiday move)."""
    org = m.organisation
    moved = m.start.date() != m.original_date
    return {
        "organisation": org,
        "year": m.original_date.year,
        "series": scoped(org, m.series),
        "body": scoped(org, m.body),
        "title": m.title,
        "kind": m.kind.value,
        "original_date": m.original_date,
        "start": m.start.astimezone(dt.UTC),
        "end": m.end.astimezone(dt.UTC),
        "location": m.location,
        "status": MeetingStatus.MOVED if moved else MeetingStatus.PLANNED,
        "moved_because": m.moved_because,
        "note": None,
    }


def task_values(t: PlannedTask, organisation: str) -> dict[str, Any]:
    """The stored fields of a planned task."""
    return {
        "meeting": t.meeting,
        "organisation": organisation,
        "step": t.step,
        "title": t.title,
        "due": t.due,
        "offset": t.offset,
        "assignee": t.assignee,
    }


def save_plan(session: Session, plan: YearPlan, *, now: dt.datetime) -> SaveResult:
    """Upsert one organisation-year of meetings and tasks (definitions must be saved first).

    Args:
        session: a session inside the caller's transaction.
        plan: the year's plan from the pure core.
        now: the change time written to ``updated_at`` of rows that change.

    Returns:
        Counts of what was added, changed and cancelled.
    """
    result = SaveResult()
    org = plan.organisation
    stored = {
        m.id: m
        for m in session.exec(
            select(Meeting).where(Meeting.organisation == org, Meeting.year == plan.year)
        )
    }
    for planned in plan.meetings:
        row = stored.pop(planned.id, None)
        if row is not None and row.manual:
            continue  # an admin moved or cancelled it; the rules do not override that
        if upsert(
            session, Meeting, {"id": planned.id}, _meeting_values(planned), now=now, stored=row
        ):
            if row is None:
                result.meetings_added += 1
            else:
                result.meetings_changed += 1
    for row in stored.values():
        if row.status != MeetingStatus.CANCELLED and not row.manual:
            revise(session, row, {"status": MeetingStatus.CANCELLED, "note": DROPPED_NOTE}, now=now)
            result.meetings_cancelled += 1
    session.flush()
    _sync_invitations(session, plan)
    # an admin's meeting keeps its chain even when the rules no longer give its date
    _save_tasks(session, plan, {k for k, row in stored.items() if not row.manual}, result, now)
    session.flush()
    return result


def _sync_invitations(session: Session, plan: YearPlan) -> None:
    """Make each planned meeting's invitations equal to the plan's (who, in which role)."""
    stored: dict[str, dict[str, Invitation]] = {}
    for chunk in chunked(m.id for m in plan.meetings):
        for inv in session.exec(select(Invitation).where(col(Invitation.meeting).in_(chunk))):
            stored.setdefault(inv.meeting, {})[inv.person] = inv
    for meeting in plan.meetings:
        have = stored.get(meeting.id, {})
        want = {scoped(plan.organisation, i.person): i.role.value for i in meeting.invitations}
        for person, inv in have.items():
            if person not in want:
                session.delete(inv)
            elif inv.role != want[person]:
                inv.role = want[person]
                session.add(inv)
        for person, role in want.items():
            if person not in have:
                session.add(Invitation(meeting=meeting.id, person=person, role=role))


def set_assignees(session: Session, task: str, want: set[str], have: set[str]) -> None:
    """Make the task's assignees ``want`` (person keys), given the stored ``have``."""
    if want == have:
        return
    session.flush()
    for person in have - want:
        session.delete(session.get(TaskAssignee, (task, person)))
    session.add_all(TaskAssignee(task=task, person=person) for person in want - have)


def _save_tasks(
    session: Session,
    plan: YearPlan,
    dropped_meetings: set[str],
    result: SaveResult,
    now: dt.datetime,
) -> None:
    org = plan.organisation
    manual = {
        m.id
        for m in session.exec(
            select(Meeting).where(
                Meeting.organisation == org, Meeting.year == plan.year, col(Meeting.manual)
            )
        )
    }
    stored: dict[str, Task] = {}
    for chunk in chunked([m.id for m in plan.meetings] + sorted(dropped_meetings)):
        for t in session.exec(select(Task).where(col(Task.meeting).in_(chunk))):
            if t.origin == TaskOrigin.PLAN:  # process-made tasks are not the plan's to cancel
                stored[t.id] = t
    assignees: dict[str, set[str]] = {}
    for chunk in chunked(stored):
        for a in session.exec(select(TaskAssignee).where(col(TaskAssignee.task).in_(chunk))):
            assignees.setdefault(a.task, set()).add(a.person)
    for planned in plan.tasks:
        if planned.meeting in manual:
            stored.pop(planned.id, None)
            continue  # the admin's move already placed this chain
        values = task_values(planned, org)
        row = stored.pop(planned.id, None)
        if row is not None and row.status == TaskStatus.CANCELLED:
            values["status"] = TaskStatus.OPEN  # its meeting is back in the plan
        if upsert(session, Task, {"id": planned.id}, values, now=now, stored=row):
            if row is None:
                result.tasks_added += 1
            else:
                result.tasks_changed += 1
        set_assignees(
            session,
            planned.id,
            {scoped(org, p) for p in planned.assignees},
            assignees.get(planned.id, set()),
        )
    for row in stored.values():
        if row.status == TaskStatus.OPEN:
            revise(session, row, {"status": TaskStatus.CANCELLED}, now=now)
            result.tasks_cancelled += 1
