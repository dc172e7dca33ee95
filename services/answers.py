"""What people do from their e-mail and their personal page: mark a task done (and take
it back), send an agenda item, and – for the coordinators – decide on the items sent.

Each act is one transaction that also writes its line in the audit log ("via webben",
with the person), so an organisation can tell who ticked what off and when. The row
being changed is locked first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write
transactions are serial), so two clicks at once change it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session, col, select

from cycle import PlanError
from cycle.agenda import (
    CALL_STEP,
    NOTICE_STEP,
    CallWindow,
    ItemDraft,
    call_window,
    check_reason,
    may_send,
)
from cycle.definitions import Role
from cycle.history import UNDO_WINDOW, may_undo_done
from cycle.published import PublishedMeeting, PublishedTask
from cycle.status import TaskStatus
from cycle.swedish import format_date
from cycle.times import STOCKHOLM
from models.agenda import decide_item, items_of, move_item, submit_item
from models.audit import log_act
from models.published import (
    meeting_by_id,
    meeting_tasks,
    person_meetings,
    person_tasks,
    published_meetings,
    task_with_meeting,
)
from models.revisions import revise
from models.tables import AgendaItem, Meeting, Person, Task, TaskAssignee
from models.tasks import complete_task
from models.tokens import holder_of_token, member_groups, rotate_token
from models.version import data_version

from .settings import Settings
from .storage import reading, writing

MEETINGS_AHEAD = dt.timedelta(days=365)
TaskView = tuple[PublishedTask, PublishedMeeting]  # a task and its meeting
DONE_SHOWN = dt.timedelta(days=30)  # a page lists what was ticked off this long ago


class Done(Enum):
    """How a "Markera som klar" ended."""

    MARKED = "markerad"
    ALREADY = "redan klar"
    CANCELLED = "inställd"
    NOT_YOURS = "inte din"
    UNKNOWN = "okänd"


class Undone(Enum):
    REOPENED = "öppnad igen"
    NOT_DONE = "inte klar"
    TOO_LATE = "för sent"
    NOT_YOURS = "inte din"


@dataclass(frozen=True, slots=True)
class Visitor:
    """The person a secret token or a signed link belongs to."""

    key: str
    name: str
    organisation: str


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting: PublishedMeeting
    role: Role | None
    window: CallWindow | None
    coordinator: bool


@dataclass(frozen=True, slots=True)
class Overview:
    """What a person's page shows, read from data version ``version``."""

    visitor: Visitor
    tasks: tuple[tuple[PublishedTask, PublishedMeeting], ...]
    meetings: tuple[MeetingView, ...]
    version: int = 0
    # (body name, token) of the group feeds of the bodies the person is a member of today
    groups: tuple[tuple[str, str], ...] = ()

    def changes_at(self, now: dt.datetime) -> dt.datetime:
        """The first moment after ``now`` at which time alone changes what the page
        shows: a new day (tasks fall late, "this week" moves), an undo or a call for
        items that opens or closes, a meeting that starts or ends, a done task that
        leaves the list."""
        local = now.astimezone(STOCKHOLM)
        moments = [dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), STOCKHOLM)]
        for task, _ in self.tasks:
            if task.done_at is not None:
                moments += [undo_until(task.done_at), task.done_at + DONE_SHOWN]
        for view in self.meetings:
            moments += [view.meeting.start, view.meeting.end]
            if view.window is not None:
                moments += [view.window.opens, view.window.closes]
        return min(m for m in moments if m > now)


def _as_visitor(row: Person | None) -> Visitor | None:
    return None if row is None else Visitor(row.key, row.name, row.organisation)


def visitor_for_token(settings: Settings, token: str) -> Visitor | None:
    """The person whose live personal token this is."""
    with reading(settings) as session:
        return _as_visitor(holder_of_token(session, token))


def visitor(settings: Settings, person: str) -> Visitor | None:
    with reading(settings) as session:
        return _as_visitor(session.get(Person, person))


def overview_for_token(settings: Settings, token: str, *, now: dt.datetime) -> Overview | None:
    """The page of the person whose live token this is, read in one transaction after
    the data version (so it is at least as new as its ``version``)."""
    with reading(settings) as session:
        version = data_version(session.connection())
        found = _as_visitor(holder_of_token(session, token))
        return None if found is None else _overview(session, found, now, version)


def _overview(session: Session, person: Visitor, now: dt.datetime, version: int) -> Overview:
    """The person's tasks (open, late, and done lately) and coming meetings."""
    recent = now - DONE_SHOWN
    tasks = person_tasks(session, person.key, now=now, include_done=True, done_since=recent)
    ahead = now + MEETINGS_AHEAD
    invited = person_meetings(session, person.key, now=now, until=ahead, invitations=False)
    coordinated = _coordinated_meetings(session, person.key, now, {m.id for m, _ in invited})
    meetings = {m.id: m for m, _ in invited}
    for m in coordinated:
        meetings.setdefault(m.id, m)
    roles = {m.id: role for m, role in invited}
    of_meeting: dict[str, list[PublishedTask]] = {}
    steps = (CALL_STEP, NOTICE_STEP)  # all a call window needs
    for t in meeting_tasks(session, list(meetings.values()), now=now, steps=steps):
        of_meeting.setdefault(t.meeting, []).append(t)
    views = []
    for m in sorted(meetings.values(), key=lambda m: (m.start, m.id)):
        window = call_window(m, of_meeting.get(m.id, ()))
        views.append(
            MeetingView(
                m,
                roles.get(m.id),
                window,
                window is not None and person.key in window.coordinators,
            )
        )
    today = now.astimezone(STOCKHOLM).date()
    groups = tuple(member_groups(session, person.key, today))
    return Overview(person, tuple(tasks), tuple(views), version, groups)


def _coordinated_meetings(
    session: Session, person: str, now: dt.datetime, known: Collection[str] = ()
) -> list[PublishedMeeting]:
    """Meetings whose call for items this person holds (as a task), still ahead, other
    than the ``known`` ones (already read)."""
    ids = (
        select(Task.meeting)
        .join(TaskAssignee, col(TaskAssignee.task) == col(Task.id))
        .where(
            TaskAssignee.person == person,
            col(Task.step).in_([CALL_STEP, NOTICE_STEP]),
            col(Task.due) >= (now - dt.timedelta(days=31)).date(),
        )
        .distinct()
    )
    rows = session.exec(
        select(Meeting)
        .where(col(Meeting.id).in_(ids), col(Meeting.end) > now)
        .order_by(col(Meeting.start), col(Meeting.id))
    ).all()
    rows = [m for m in rows if m.id not in known]
    return published_meetings(session, rows, now=now, invitations=False)  # not shown


def _log(
    session: Session,
    *,
    act: str,
    person: str,
    params: dict[str, object],
    message: str,
    now: dt.datetime,
) -> None:
    log_act(
        session,
        flow=act,
        parameters=params,
        triggered_by=f"via webben ({person})",
        rows_changed=1,
        message=message,
        now=now,
    )


def _holds(session: Session, person: str, task: str) -> bool:
    return session.get(TaskAssignee, (task, person)) is not None


def mark_done(
    settings: Settings, *, person: str, task: str, now: dt.datetime
) -> tuple[Done, TaskView | None]:
    """Mark ``task`` done for ``person``; returns the outcome and the task as it stands
    afterwards (what the confirmation page shows, read in the same transaction)."""
    with writing(settings) as session:
        outcome = _mark_done(session, person, task, now)
        session.flush()
        return outcome, task_with_meeting(session, task, now=now)


def _mark_done(session: Session, person: str, task: str, now: dt.datetime) -> Done:
    row = session.get(Task, task, with_for_update=True)
    if row is None:
        return Done.UNKNOWN
    if not _holds(session, person, task):
        return Done.NOT_YOURS
    if row.status == TaskStatus.DONE:
        return Done.ALREADY
    if row.status == TaskStatus.CANCELLED:
        return Done.CANCELLED
    complete_task(session, task, now=now)
    _log(
        session,
        act="task-done",
        person=person,
        params={"task": task},
        message=f"Klar via webben: {row.title} (senast {format_date(row.due)})",
        now=now,
    )
    return Done.MARKED


def undo_done(
    settings: Settings, *, person: str, task: str, now: dt.datetime
) -> tuple[Undone, TaskView | None]:
    """Take back a "klar" this person gave within the undo window; returns the outcome
    and the task as it stands afterwards."""
    with writing(settings) as session:
        outcome = _undo_done(session, person, task, now)
        session.flush()
        return outcome, task_with_meeting(session, task, now=now)


def _undo_done(session: Session, person: str, task: str, now: dt.datetime) -> Undone:
    row = session.get(Task, task, with_for_update=True)
    if row is None or not _holds(session, person, task):
        return Undone.NOT_YOURS
    if row.status != TaskStatus.DONE:
        return Undone.NOT_DONE
    if not may_undo_done(row.done_at, now):
        return Undone.TOO_LATE
    revise(session, row, {"status": TaskStatus.OPEN, "done_at": None}, now=now)
    _log(
        session,
        act="task-undone",
        person=person,
        params={"task": task},
        message=f"Ångrad via webben: {row.title}",
        now=now,
    )
    return Undone.REOPENED


def task_view(settings: Settings, task: str, *, now: dt.datetime) -> TaskView | None:
    """A task and its meeting, as a confirmation page shows them."""
    with reading(settings) as session:
        return task_with_meeting(session, task, now=now)


def undo_until(done_at: dt.datetime) -> dt.datetime:
    """The last moment a "klar" can be taken back, in Stockholm time."""
    return (done_at + UNDO_WINDOW).astimezone(STOCKHOLM)


@dataclass(frozen=True, slots=True)
class ItemContext:
    """A meeting as the item form and the coordinators' page need it."""

    meeting: PublishedMeeting
    window: CallWindow | None
    presenters: tuple[tuple[str, str], ...]  # (person key, name): members and coordinators
    items: tuple[AgendaItem, ...]
    names: dict[str, str]


def item_context(settings: Settings, meeting: str, *, now: dt.datetime) -> ItemContext | None:
    with reading(settings) as session:
        m = meeting_by_id(session, meeting, now=now)
        if m is None:
            return None
        window = call_window(m, meeting_tasks(session, [m], now=now))
        keys = [p for p, _ in m.invitations] + list(window.coordinators if window else ())
        rows = {p.key: p for p in session.exec(select(Person).where(col(Person.key).in_(keys)))}
        items = items_of(session, meeting)
        senders = {i.submitted_by for i in items if i.submitted_by} - set(rows)
        more = session.exec(select(Person).where(col(Person.key).in_(senders))).all()
    names = {k: p.name for k, p in rows.items()} | {p.key: p.name for p in more}
    presenters = tuple(
        sorted(((k, names[k]) for k in dict.fromkeys(keys) if k in names), key=lambda p: p[1])
    )
    return ItemContext(m, window, presenters, tuple(items), names)


def send_item(
    settings: Settings, *, person: str, meeting: str, draft: ItemDraft, now: dt.datetime
) -> AgendaItem:
    """Store an item a person sent while the meeting's call is open.

    Raises:
        PlanError: the call is not open, or the person may not send items to it.
    """
    with writing(settings) as session:
        m = meeting_by_id(session, meeting, now=now)
        window = None if m is None else call_window(m, meeting_tasks(session, [m], now=now))
        if m is None or window is None or not may_send(person, m, window):
            raise PlanError("du kan inte skicka ärenden till det här mötet", field="möte")
        if not window.is_open(now):
            raise PlanError(
                "tiden för att skicka in ärenden är slut; kontakta den som sammankallar",
                field="möte",
            )
        item = submit_item(session, meeting=meeting, person=person, draft=draft, now=now)
        _log(
            session,
            act="agenda-item-sent",
            person=person,
            params={"meeting": meeting, "item": item.id},
            message=f"Ärende inskickat via webben: {draft.title}",
            now=now,
        )
        return item


class Decision(Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    UP = "up"
    DOWN = "down"


def decide(
    settings: Settings,
    *,
    person: str,
    item: str,
    decision: Decision,
    reason: str,
    now: dt.datetime,
) -> bool:
    """A coordinator's decision on an item; False when nothing changed.

    Raises:
        PlanError: the person is not a coordinator of the item's meeting, or it has begun.
        InputError: a rejection without a reason.
    """
    with writing(settings) as session:
        row = session.get(AgendaItem, item, with_for_update=True)
        m = None if row is None else meeting_by_id(session, row.meeting, now=now)
        window = None if m is None else call_window(m, meeting_tasks(session, [m], now=now))
        if row is None or m is None or window is None or person not in window.coordinators:
            raise PlanError("bara den som sammankallar kan besluta om ärendet", field="ärende")
        if m.start <= now:
            raise PlanError("mötet har redan börjat; dagordningen ligger fast", field="ärende")
        if decision is Decision.REJECT:
            why = check_reason(reason)
            changed = decide_item(session, row, accept=False, reason=why, by=person, now=now)
        elif decision is Decision.ACCEPT:
            changed = decide_item(session, row, accept=True, reason="", by=person, now=now)
        else:
            changed = move_item(session, row, up=decision is Decision.UP, now=now)
        if changed:
            _log(
                session,
                act="agenda-decision",
                person=person,
                params={"item": item, "decision": decision.value},
                message=f"Ärende {decision.value} via webben: {row.title}",
                now=now,
            )
        return changed


def new_link(settings: Settings, person: str, *, now: dt.datetime) -> str:
    """Revoke the person's token and issue a new one; the old page and feed stop working."""
    with writing(settings) as session:
        token = rotate_token(session, person=person, now=now)
        _log(
            session,
            act="token-rotated",
            person=person,
            params={},
            message="Ny personlig länk via webben",
            now=now,
        )
        return token
