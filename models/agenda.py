"""Agenda items people send in, and the coordinators' decisions on them.

A sent item waits as ``proposed``; a coordinator accepts it (it joins the agenda at the
end), rejects it with a reason, or moves an accepted item up or down. Every change of
the accepted agenda moves the meeting's LAST-MODIFIED; once the kallelse has gone out it
also raises SEQUENCE, so an updated kallelse follows. Functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, func, select

from cycle.agenda import ItemDraft
from cycle.history import meeting_has_begun
from cycle.reminders import Kind, reminder_key_prefix
from cycle.status import ItemStatus

from .outbox import OutboxMessage, OutboxStatus
from .revisions import insert, save_changes, touch
from .tables import AgendaItem, Meeting, Person

ACCEPTED = ItemStatus.ACCEPTED.value


def agenda_lines(
    session: Session, meetings: list[str], *, within: Any = None
) -> dict[str, list[str]]:
    """The accepted agenda of each meeting as the lines a kallelse, feed and page show:
    the title, then who presents it and for how long when the sender said so. The
    meetings are ``meetings``, or those a condition on ``meeting`` selects (``within``:
    a window of thousands of meetings is one query)."""
    lines: dict[str, list[str]] = defaultdict(list) if within is not None else {}
    lines.update({m: [] for m in meetings})
    if not meetings and within is None:
        return lines
    query = (
        select(AgendaItem, Person.name)
        .join(Person, col(Person.key) == col(AgendaItem.presenter), isouter=True)
        .where(AgendaItem.status == ACCEPTED)
        .order_by(col(AgendaItem.meeting), col(AgendaItem.position), col(AgendaItem.title))
    )
    if within is None:
        query = query.where(col(AgendaItem.meeting).in_(meetings))
    else:
        query = query.join(Meeting, col(Meeting.id) == col(AgendaItem.meeting)).where(within)
    rows = session.exec(query)
    for item, presenter in rows:
        extra = [p for p in (presenter, f"{item.minutes} min" if item.minutes else None) if p]
        lines[item.meeting].append(item.title + (f" ({', '.join(extra)})" if extra else ""))
    return lines


def items_of(session: Session, meeting: str) -> list[AgendaItem]:
    """Every item of a meeting: the agenda in order, then the sent ones, then rejected."""
    rank = {ItemStatus.ACCEPTED.value: 0, ItemStatus.PROPOSED.value: 1}
    rows = session.exec(select(AgendaItem).where(AgendaItem.meeting == meeting))
    return sorted(rows, key=lambda i: (rank.get(i.status, 2), i.position, i.created_at))


def submit_item(
    session: Session, *, meeting: str, person: str, draft: ItemDraft, now: dt.datetime
) -> AgendaItem:
    """Store a sent item as proposed; the coordinators decide on it."""
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting == meeting)
    ).one()
    item = AgendaItem(
        meeting=meeting,
        position=(last or 0) + 1,
        title=draft.title,
        description=draft.description,
        presenter=draft.presenter,
        minutes=draft.minutes,
        link=draft.link,
        source="inskickat",
        status=ItemStatus.PROPOSED.value,
        submitted_by=person,
        created_at=now,
        updated_at=now,
    )
    insert(session, item, now=now)
    session.flush()
    return item


def notice_sent(session: Session, meeting: str) -> bool:
    """Whether a kallelse for ``meeting`` has gone out to anyone."""
    prefix = reminder_key_prefix(Kind.NOTICE, meeting)
    return (
        session.exec(
            select(OutboxMessage.key).where(
                col(OutboxMessage.key).startswith(prefix, autoescape=True),
                OutboxMessage.status == OutboxStatus.SENT,
            )
        ).first()
        is not None
    )


def _agenda_changed(session: Session, meeting: Meeting, now: dt.datetime) -> None:
    touch(session, meeting, now=now, announce=notice_sent(session, meeting.id))


def decide_item(
    session: Session, item: AgendaItem, *, accept: bool, reason: str, by: str, now: dt.datetime
) -> bool:
    """Accept or reject ``item``; False when it already stands so.

    Raises:
        LookupError: its meeting is gone.
        HistoryError: the meeting has begun (its agenda is history).
    """
    meeting = session.get(Meeting, item.meeting)
    if meeting is None:
        raise LookupError(item.meeting)
    status = ItemStatus.ACCEPTED if accept else ItemStatus.REJECTED
    if item.status == status.value:
        return False
    was_on_agenda = item.status == ACCEPTED
    values: dict[str, object] = {
        "status": status.value,
        "reason": "" if accept else reason,
        "decided_by": by,
        "decided_at": now,
    }
    if accept:
        last = session.exec(
            select(func.max(AgendaItem.position)).where(
                AgendaItem.meeting == item.meeting, AgendaItem.status == ACCEPTED
            )
        ).one()
        values["position"] = (last or 0) + 1
    if meeting_has_begun(meeting.start, now):
        touch(session, meeting, now=now)  # raises the history error
    save_changes(session, item, values, now=now)
    if accept or was_on_agenda:
        _agenda_changed(session, meeting, now)
    session.flush()
    return True


def move_item(session: Session, item: AgendaItem, *, up: bool, now: dt.datetime) -> bool:
    """Swap an accepted item with its neighbour above or below; False at either end."""
    meeting = session.get(Meeting, item.meeting)
    if meeting is None or item.status != ACCEPTED:
        return False
    agenda = [i for i in items_of(session, item.meeting) if i.status == ACCEPTED]
    at = next(n for n, i in enumerate(agenda) if i.id == item.id)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(agenda):
        return False
    agenda[at], agenda[other] = agenda[other], agenda[at]
    if meeting_has_begun(meeting.start, now):
        touch(session, meeting, now=now)  # raises the history error
    for position, row in enumerate(agenda, 1):
        save_changes(session, row, {"position": position}, now=now)
    _agenda_changed(session, meeting, now)
    session.flush()
    return True
