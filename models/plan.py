"""Save a year's plan: meetings, their invitations and their preparation tasks.

Saving the same plan twice changes nothing; a changed rule updates the affected rows
through the one write path (``revisions``), which bumps the SEQUENCE of what really
changed; a meeting the rules no longer produce is marked cancelled, never deleted, so
subscribers see the cancellation. An admin's move or cancellation (``manual``) is not
the plan's to undo. Functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from cycle.history import dated_change_error, meeting_has_begun, task_is_past
from cycle.plan import PlannedMeeting, PlannedTask, YearPlan
from cycle.status import MeetingStatus, TaskStatus
from cycle.times import local_date

from .database import chunked
from .definitions import DatedEdit, scoped
from .revisions import Row, columns_of, differences, insert_many, revise, upsert_if_changed
from .tables import Invitation, Meeting, Person, Task, TaskAssignee, TaskOrigin

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
    history_kept: int = 0  # what the rules would change in the past, left as it happened
    # a first plan's meetings and tasks before ``now``: the year so far, stored as history
    # (counted in ``meetings_added`` and ``tasks_added`` too)
    history_meetings: int = 0
    history_tasks: int = 0
    # meetings whose SEQUENCE this save raised, and those it cancelled: who hears of it
    revised: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

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


def save_plan(
    session: Session,
    plan: YearPlan,
    *,
    now: dt.datetime,
    dated: Mapping[str, list[DatedEdit]] | None = None,
) -> SaveResult:
    """Upsert one organisation-year of meetings and tasks (definitions must be saved first),
    leaving the past as it happened.

    History is frozen at ``now``: a meeting that has begun, or a task whose due date has
    passed, is neither created, changed, moved nor cancelled by the rules; nor is a
    future one moved into the past. What the rules would have changed there is counted
    in ``history_kept``. An admin's move or cancellation (``manual``) is kept too.

    The first plan of an organisation-year (none of its meetings stored yet) is the one
    exception: Årshjul knew nothing of that year before, so it stores the year so far
    as the rules describe it – held meetings, and tasks whose due date has passed, which
    stay of unknown outcome (*före Årshjul*, see :func:`cycle.status.task_status_on`)
    rather than late – counted in ``history_meetings`` and ``history_tasks``.

    Args:
        session: a session inside the caller's transaction.
        plan: the year's plan from the pure core.
        now: the moment of the save: what lies before it is history, and it is the
            change time written to ``updated_at`` of rows that change.
        dated: per series key, the rules the file newly dates
            (``definitions.new_dated_edits``): one dated before today that would change
            or drop a held meeting is dated too early.

    Returns:
        Counts of what was added, changed, cancelled and kept as history.

    Raises:
        HistoryError: a newly dated rule would rewrite a meeting that has been held.
    """
    dated = dated or {}
    today = local_date(now)

    def refuse_if_dated(row: Any) -> None:
        for edit in dated.get(row.series, []):
            if edit.day < today and edit.reaches(row.original_date):
                raise dated_change_error(edit.day, row.id, row.title, row.start, today)

    result = SaveResult()
    org = plan.organisation
    stored = {  # plain rows: only those that change are loaded as objects
        m.id: m
        for m in session.exec(
            select(*columns_of(Meeting)).where(
                Meeting.organisation == org, Meeting.year == plan.year
            )
        )
    }
    first = not stored  # Årshjul knows nothing of this year yet: the past is recorded
    frozen: set[str] = set()  # meetings the plan may not touch, nor their chains
    begun: set[str] = set()  # those of them that are history (not an admin's)
    added: list[dict[str, Any]] = []  # new meetings, inserted together
    for planned in plan.meetings:
        row = stored.pop(planned.id, None)
        if row is not None and row.manual:
            frozen.add(planned.id)
            continue  # an admin moved or cancelled it; the rules do not override that
        values = _meeting_values(planned)
        held = row is not None and meeting_has_begun(row.start, now)
        if first and meeting_has_begun(planned.start, now):
            added.append({"id": planned.id, **values})
            result.history_meetings += 1
            continue
        if held or meeting_has_begun(planned.start, now):
            frozen.add(planned.id)
            begun.add(planned.id)
            differs = row is None or bool(differences(row, values))
            if row is not None and held and differs and row.status != MeetingStatus.CANCELLED:
                refuse_if_dated(row)
            result.history_kept += int(differs)
            continue
        if row is None:
            added.append({"id": planned.id, **values})
            continue
        changed = upsert_if_changed(session, Meeting, row, values, now=now)
        if changed is not None:
            result.meetings_changed += 1
            if changed.sequence != row.sequence:
                result.revised.append(row.id)
    dropped: set[str] = set()  # meetings the rules no longer give: cancelled, with chains
    for row in stored.values():
        if row.manual:
            continue  # an admin's meeting keeps its chain even when the rules drop its date
        if meeting_has_begun(row.start, now):
            if row.status != MeetingStatus.CANCELLED:
                refuse_if_dated(row)
                result.history_kept += 1
            continue  # held, though the rules no longer give it
        dropped.add(row.id)
        if row.status != MeetingStatus.CANCELLED:
            cancelled = {"status": MeetingStatus.CANCELLED, "note": DROPPED_NOTE}
            revise(session, _loaded(session, Meeting, row.id), cancelled, now=now)
            result.meetings_cancelled += 1
            result.cancelled.append(row.id)
    result.meetings_added += insert_many(session, Meeting, added, now=now)
    session.flush()
    _sync_invitations(session, plan, begun, now)  # an admin's coming meeting gets new members
    _save_tasks(session, plan, frozen, begun, dropped, result, now, first=first)
    session.flush()
    return result


def _sync_invitations(session: Session, plan: YearPlan, begun: set[str], now: dt.datetime) -> None:
    """Make each planned meeting's invitations equal to the plan's (who, in which role);
    those of a meeting that has begun stay as they were."""
    meetings = [m for m in plan.meetings if m.id not in begun]
    stored: dict[str, dict[str, str]] = {}  # meeting -> person -> role, read as plain rows
    for chunk in chunked(m.id for m in meetings):
        for meeting_id, person, role in session.exec(
            select(Invitation.meeting, Invitation.person, Invitation.role).where(
                col(Invitation.meeting).in_(chunk)
            )
        ):
            stored.setdefault(meeting_id, {})[person] = role
    added: list[dict[str, str]] = []
    for meeting in meetings:
        have = stored.get(meeting.id, {})
        want = {scoped(plan.organisation, i.person): i.role.value for i in meeting.invitations}
        for person, role in have.items():
            if person not in want:
                session.delete(session.get(Invitation, (meeting.id, person)))
            elif role != want[person]:
                invitation = session.get(Invitation, (meeting.id, person))
                assert invitation is not None
                invitation.role = want[person]
                session.add(invitation)
        added.extend(
            {"meeting": meeting.id, "person": person, "role": role}
            for person, role in want.items()
            if person not in have
        )
    insert_many(session, Invitation, added, now=now)


def refuse_dated_edits_elsewhere(
    session: Session,
    organisation: str,
    dated: Mapping[str, list[DatedEdit]],
    years: set[int],
    *,
    now: dt.datetime,
) -> None:
    """A rule newly dated before today that reaches a held meeting of a year not planned
    now is refused too: the next plan of that year would have to rewrite the meeting.

    Raises:
        HistoryError: naming the first such meeting.
    """
    today = local_date(now)
    keys = [key for key, edits in dated.items() if any(e.day < today for e in edits)]
    if not keys:
        return
    held = session.exec(
        select(Meeting)
        .where(
            Meeting.organisation == organisation,
            col(Meeting.series).in_(keys),
            col(Meeting.year).not_in(years),
            col(Meeting.start) <= now,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(col(Meeting.start))
    )
    for row in held:
        for edit in dated[row.series]:
            if edit.day < today and edit.reaches(row.original_date):
                raise dated_change_error(edit.day, row.id, row.title, row.start, today)


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
    frozen: set[str],
    begun: set[str],
    dropped_meetings: set[str],
    result: SaveResult,
    now: dt.datetime,
    *,
    first: bool,
) -> None:
    org = plan.organisation
    stored: dict[str, Any] = {}  # plain rows, as for meetings
    for chunk in chunked([m.id for m in plan.meetings] + sorted(dropped_meetings)):
        for t in session.exec(select(*columns_of(Task)).where(col(Task.meeting).in_(chunk))):
            if t.origin == TaskOrigin.PLAN:  # process-made tasks are not the plan's to cancel
                stored[t.id] = t
    assignees: dict[str, set[str]] = {}
    for chunk in chunked(stored):
        for task, person in session.exec(
            select(TaskAssignee.task, TaskAssignee.person).where(col(TaskAssignee.task).in_(chunk))
        ):
            assignees.setdefault(task, set()).add(person)
    added: list[dict[str, Any]] = []  # new tasks and their holders, inserted together
    holders: list[dict[str, str]] = []
    for planned in plan.tasks:
        row = stored.pop(planned.id, None)
        values = task_values(planned, org)
        if planned.meeting in frozen:
            if planned.meeting in begun and row is not None:
                result.history_kept += int(bool(differences(row, values)))
            continue  # a meeting that has begun, or an admin's, keeps the chain it had
        if first and task_is_past(planned.due, now):
            result.history_tasks += 1  # due before Årshjul knew of it: outcome unknown
        elif (row is not None and task_is_past(row.due, now)) or task_is_past(planned.due, now):
            result.history_kept += int(row is None or bool(differences(row, values)))
            continue  # a deadline that has passed is history, and so is a new one
        if row is None:
            added.append({"id": planned.id, **values})
            holders.extend(
                {"task": planned.id, "person": scoped(org, p)} for p in planned.assignees
            )
            continue
        if row.status == TaskStatus.CANCELLED:
            values["status"] = TaskStatus.OPEN  # its meeting is back in the plan
        if upsert_if_changed(session, Task, row, values, now=now) is not None:
            result.tasks_changed += 1
        set_assignees(
            session,
            planned.id,
            {scoped(org, p) for p in planned.assignees},
            assignees.get(planned.id, set()),
        )
    result.tasks_added += insert_many(session, Task, added, now=now)
    insert_many(session, TaskAssignee, holders, now=now)
    for row in stored.values():  # steps gone from the chain, and dropped meetings' chains
        if row.meeting in frozen:
            continue
        if row.status == TaskStatus.OPEN and not task_is_past(row.due, now):
            revise(
                session, _loaded(session, Task, row.id), {"status": TaskStatus.CANCELLED}, now=now
            )
            result.tasks_cancelled += 1


def _loaded(session: Session, model: type[Row], key: str) -> Row:
    """The object of a row read plainly in this transaction, to change it."""
    row = session.get(model, key)
    assert row is not None, "a row read in this transaction is still there"
    return row


def addressees(session: Session, meetings: list[str]) -> dict[str, list[str]]:
    """Who is invited to each of ``meetings`` and can be told by e-mail (person keys)."""
    found: dict[str, list[str]] = {m: [] for m in meetings}
    for chunk in chunked(meetings):
        for meeting, person in session.exec(
            select(Invitation.meeting, Invitation.person)
            .join(Person, col(Person.key) == col(Invitation.person))
            .where(col(Invitation.meeting).in_(chunk), col(Person.email).is_not(None))
        ):
            found[meeting].append(person)
    return found


def planned_years(session: Session) -> set[int]:
    """The years any organisation has a stored plan for."""
    return set(session.exec(select(Meeting.year).distinct()))
