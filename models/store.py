"""Save definitions and plans as idempotent upserts.

Saving the same plan twice changes nothing; a changed rule updates the affected rows and
bumps the SEQUENCE of each meeting that really changed; a meeting the rules no longer
produce is marked cancelled, never deleted, so subscribers see the cancellation. The
functions flush but never commit: the caller's transaction (``write_session``) makes the
whole save atomic.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import column
from sqlmodel import Session, SQLModel, col, select

from cycle.definitions import CycleDefinition
from cycle.ids import NAMESPACE
from cycle.plan import PlannedMeeting, PlannedTask, YearPlan

from .tables import (
    Body,
    Invitation,
    Meeting,
    MeetingStatus,
    Membership,
    Organisation,
    Person,
    Series,
    Task,
    TaskAssignee,
    TaskOrigin,
    TaskStatus,
)

Row = TypeVar("Row", bound=SQLModel)
DROPPED_NOTE = "Utgår: mötet finns inte längre i årsplanens regler."


def scoped(organisation: str, local: str) -> str:
    """The stored key of an organisation's body, person or series, e.g. ``varmland/kil``."""
    return f"{organisation}/{local}"


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


def _upsert(
    session: Session,
    model: type[Row],
    desired: Mapping[str, dict[str, Any]],
    existing: Mapping[str, Row],
    key_field: str,
    now: dt.datetime,
) -> int:
    """Insert missing rows and update differing ones; returns how many were written."""
    written = 0
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            session.add(model(**{key_field: key, **values, "updated_at": now}))
            written += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            session.add(row)
            written += 1
    return written


def _by_key(
    session: Session, model: type[Row], key_field: str, organisation: str
) -> dict[str, Row]:
    # every scoped table names its owner column "organisation"
    rows = session.exec(select(model).where(column("organisation") == organisation))
    return {getattr(row, key_field): row for row in rows}


def save_definition(session: Session, definition: CycleDefinition, *, now: dt.datetime) -> int:
    """Upsert the organisation, bodies, people, memberships and series of a cycle file.

    Bodies, people and series that leave the file stay stored (meetings refer to them);
    memberships are replaced by the file's, since the file is their only source.

    Returns:
        The number of rows inserted, updated or deleted.
    """
    org = definition.organisation
    slug = org.slug
    written = _upsert(
        session,
        Organisation,
        {
            slug: {
                "name": org.name,
                "holiday_policy": org.holiday_policy.value,
                "avoid_klamdagar": org.avoid_klamdagar,
                "parties": "\n".join(org.parties),
                "description": org.description,
                "source": definition.source,
            }
        },
        {o.slug: o for o in session.exec(select(Organisation).where(Organisation.slug == slug))},
        "slug",
        now,
    )
    session.flush()
    written += _upsert(
        session,
        Body,
        {
            scoped(slug, b.slug): {
                "organisation": slug,
                "slug": b.slug,
                "name": b.name,
                "kind": b.kind,
                "public": b.public,
                "description": b.description,
            }
            for b in definition.bodies
        },
        _by_key(session, Body, "key", slug),
        "key",
        now,
    )
    written += _upsert(
        session,
        Person,
        {
            scoped(slug, p.id): {
                "organisation": slug,
                "slug": p.id,
                "name": p.name,
                "title": p.title,
                "affiliation": p.organisation,
                "party": p.party,
                "email": p.email,
                "phone": p.phone,
                "example": p.example,
            }
            for p in definition.people
        },
        _by_key(session, Person, "key", slug),
        "key",
        now,
    )
    session.flush()
    wanted = {
        _membership_key(slug, m.person, m.body, m.role.value, m.valid_from): {
            "organisation": slug,
            "person": scoped(slug, m.person),
            "body": scoped(slug, m.body),
            "role": m.role.value,
            "side": m.side.value if m.side else None,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
        }
        for m in definition.memberships
    }
    stored = _by_key(session, Membership, "key", slug)
    written += _upsert(session, Membership, wanted, stored, "key", now)
    for key, row in stored.items():
        if key not in wanted:
            session.delete(row)
            written += 1
    written += _upsert(
        session,
        Series,
        {
            scoped(slug, s.id): {
                "organisation": slug,
                "slug": s.id,
                "body": scoped(slug, s.body),
                "title": s.title,
                "kind": s.kind.value,
                "rrule": s.rrule,
                "start_time": s.start,
                "duration_minutes": s.duration_minutes,
                "location": s.location,
                "chain": s.chain,
                "holiday_policy": s.holiday_policy.value if s.holiday_policy else None,
                "summer_break": None
                if s.summer_break is None
                else "{:02d}-{:02d}/{:02d}-{:02d}".format(
                    *s.summer_break.start, *s.summer_break.end
                ),
                "description": s.description,
            }
            for s in definition.series
        },
        _by_key(session, Series, "key", slug),
        "key",
        now,
    )
    session.flush()
    return written


def _membership_key(org: str, person: str, body: str, role: str, start: dt.date | None) -> str:
    text = f"{org}/{person}/{body}/{role}/{start.isoformat() if start else '-'}"
    return str(uuid.uuid5(NAMESPACE, text))


def _meeting_values(m: PlannedMeeting) -> dict[str, Any]:
    """The stored fields a plan decides; a difference in any of them is a real change."""
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
    }


def _task_values(t: PlannedTask, org: str) -> dict[str, Any]:
    return {
        "meeting": t.meeting,
        "organisation": org,
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
        values = _meeting_values(planned)
        row = stored.pop(planned.id, None)
        if row is None:
            session.add(
                Meeting(id=planned.id, **values, sequence=0, created_at=now, updated_at=now)
            )
            result.meetings_added += 1
        elif row.manual:
            continue  # an admin moved or cancelled it; the rules do not override that
        elif _differs(row, values):
            _apply(row, values, now)
            row.note = None
            session.add(row)
            result.meetings_changed += 1
    for row in stored.values():
        if row.status != MeetingStatus.CANCELLED and not row.manual:
            row.status = MeetingStatus.CANCELLED
            row.note = DROPPED_NOTE
            row.sequence += 1
            row.updated_at = now
            session.add(row)
            result.meetings_cancelled += 1
    session.flush()
    _sync_invitations(session, plan)
    # an admin's meeting keeps its chain even when the rules no longer give its date
    _save_tasks(session, plan, {k for k, row in stored.items() if not row.manual}, result, now)
    session.flush()
    return result


def _differs(row: SQLModel, values: Mapping[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _apply(row: Meeting | Task, values: Mapping[str, Any], now: dt.datetime) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.sequence += 1
    row.updated_at = now


def _sync_invitations(session: Session, plan: YearPlan) -> None:
    """Make each planned meeting's invitations equal to the plan's (who, in which role)."""
    ids = [m.id for m in plan.meetings]
    stored: dict[str, dict[str, Invitation]] = {}
    for inv in _in_chunks(session, Invitation, Invitation.meeting, ids):
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
    meeting_ids = [m.id for m in plan.meetings] + sorted(dropped_meetings)
    stored = {
        t.id: t
        for t in _in_chunks(session, Task, Task.meeting, meeting_ids)
        if t.origin == TaskOrigin.PLAN  # process-made tasks are not the plan's to cancel
    }
    assignees: dict[str, set[str]] = {}
    for a in _in_chunks(session, TaskAssignee, TaskAssignee.task, list(stored)):
        assignees.setdefault(a.task, set()).add(a.person)
    for planned in plan.tasks:
        if planned.meeting in manual:
            stored.pop(planned.id, None)
            continue  # the admin's move already placed this chain
        values = _task_values(planned, org)
        row = stored.pop(planned.id, None)
        if row is None:
            session.add(Task(id=planned.id, **values, created_at=now, updated_at=now))
            result.tasks_added += 1
        else:
            reopened = row.status == TaskStatus.CANCELLED
            if reopened:
                values["status"] = TaskStatus.OPEN
            if _differs(row, values):
                _apply(row, values, now)
                session.add(row)
                result.tasks_changed += 1
        want = {scoped(org, p) for p in planned.assignees}
        have = assignees.get(planned.id, set())
        if want != have:
            session.flush()
            for person in have - want:
                session.delete(session.get(TaskAssignee, (planned.id, person)))
            for person in want - have:
                session.add(TaskAssignee(task=planned.id, person=person))
    for row in stored.values():
        if row.status == TaskStatus.OPEN:
            row.status = TaskStatus.CANCELLED
            row.sequence += 1
            row.updated_at = now
            session.add(row)
            result.tasks_cancelled += 1


def _in_chunks(session: Session, model: type[Row], column: Any, keys: Iterable[str]) -> list[Row]:
    """``WHERE column IN keys`` in slices, below every database's parameter limit."""
    keys = list(keys)
    rows: list[Row] = []
    for start in range(0, len(keys), 500):
        rows.extend(session.exec(select(model).where(col(column).in_(keys[start : start + 500]))))
    return rows
