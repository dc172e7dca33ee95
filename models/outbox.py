"""The outbox: every e-mail to send is a row with a unique idempotency key.

Delivery guarantee. Rows are *claimed* in batches (status ``sending``, a lease, committed)
before the SMTP conversation, and each is marked ``sent`` (committed on its own) right
after the server accepts it. So:
- two runs never send the same row: a claim is a conditional UPDATE that only one of them
  can win, and each run reads back only the rows carrying its own claimant id;
- a crash leaves the run's unsent claimed rows ``sending``; when their lease ends the
  next run sends them – once;
- the one duplicate SMTP itself cannot prevent is a crash in the instant between the
  server's "250 OK" and the commit of ``sent``: then the message goes out a second time,
  with the same Message-ID, so mail systems that deduplicate by Message-ID show it once.
Temporary failures (server down, 4xx) leave the row ``pending`` with exponential backoff;
a permanent 5xx rejection marks it ``failed`` with the reason and it is not retried.
A message about a deadline or a meeting carries ``stale_at``: from that moment it is
never sent – it expires instead, whatever kept it waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ColumnElement, LargeBinary, Text, update
from sqlmodel import Field, Session, SQLModel, col, select

from .database import chunked
from .tables import stamp_column
from .types import UTCDateTime

LEASE = dt.timedelta(minutes=10)
MAX_BACKOFF = dt.timedelta(hours=2)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {
            "pending": "väntar",
            "sending": "skickas",
            "sent": "skickat",
            "failed": "misslyckades",
            "withdrawn": "återkallat",
            "expired": "för gammalt",
        }[self.value]


class OutboxMessage(SQLModel, table=True):
    key: str = Field(primary_key=True)
    kind: str
    recipient: str = Field(index=True)  # person key
    address: str
    name: str
    send_on: dt.date = Field(index=True)
    send_at: dt.datetime = Field(sa_column=stamp_column())
    subject: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str = Field(sa_column=Column(Text, nullable=False))
    ical: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    method: str | None = None
    stale_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, index=True)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: dt.datetime = Field(sa_column=stamp_column())
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


CONTENT = (
    "kind",
    "recipient",
    "address",
    "name",
    "send_on",
    "send_at",
    "subject",
    "text",
    "html",
    "ical",
    "method",
    "stale_at",
)


def sync_outbox(
    session: Session,
    rows: Sequence[dict[str, Any]],
    *,
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
    expire_before: dt.date | None = None,
) -> tuple[int, int, int]:
    """Make the pending part of the outbox for send days ``first``..``last`` equal ``rows``.

    New keys are queued; pending rows whose content changed are updated; pending rows the
    schedule no longer wants (a task done, a meeting moved or cancelled) are withdrawn;
    pending rows from before ``expire_before`` (default ``first``: the catch-up window
    the run is configured with) expire. Sent and failed rows are history and never
    change. Returns (queued, updated, withdrawn).
    """
    wanted = {str(r["key"]): r for r in rows}
    stored = {
        m.key: m
        for m in session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.send_on) >= first, col(OutboxMessage.send_on) <= last
            )
        )
    }
    for chunk in chunked([k for k in wanted if k not in stored]):
        stored.update(
            {
                m.key: m
                for m in session.exec(
                    select(OutboxMessage).where(col(OutboxMessage.key).in_(chunk))
                )
            }
        )
    queued = changed = withdrawn = 0
    for key, values in wanted.items():
        row = stored.get(key)
        if row is None:
            row = OutboxMessage.model_validate(
                {
                    **values,
                    "next_attempt_at": values["send_at"],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            session.add(row)
            queued += 1
        elif row.status == OutboxStatus.WITHDRAWN or (
            row.status == OutboxStatus.PENDING
            and any(getattr(row, f) != values[f] for f in CONTENT)
        ):
            row.status = OutboxStatus.PENDING  # a withdrawn message can be wanted again
            for f in CONTENT:
                setattr(row, f, values[f])
            row.next_attempt_at = max(row.next_attempt_at, row.send_at)
            row.updated_at = now
            session.add(row)
            changed += 1
    for key, row in stored.items():
        if key not in wanted and row.status == OutboxStatus.PENDING:
            row.status, row.updated_at = OutboxStatus.WITHDRAWN, now
            session.add(row)
            withdrawn += 1
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.send_on) < (first if expire_before is None else expire_before),
        )
        .values(status=OutboxStatus.EXPIRED, updated_at=now)
    )
    return queued, changed, withdrawn


def add_messages(session: Session, rows: Sequence[dict[str, Any]], *, now: dt.datetime) -> int:
    """Queue messages an admin asked for (not the schedule's): each key once, ever.
    Returns how many were new."""
    have: set[str] = set()
    for chunk in chunked([str(r["key"]) for r in rows]):
        have |= set(
            session.exec(select(OutboxMessage.key).where(col(OutboxMessage.key).in_(chunk)))
        )
    new = [r for r in rows if r["key"] not in have]
    for values in new:
        session.add(
            OutboxMessage.model_validate(
                {
                    **values,
                    "next_attempt_at": values["send_at"],
                    "created_at": now,
                    "updated_at": now,
                }
            )
        )
    return len(new)


def _waiting(now: dt.datetime) -> ColumnElement[bool]:
    """Pending, or sending with an expired lease: rows no run is working on."""
    return (col(OutboxMessage.status) == OutboxStatus.PENDING) | (
        (col(OutboxMessage.status) == OutboxStatus.SENDING)
        & (col(OutboxMessage.claimed_until) < now)
    )


def _fresh(now: dt.datetime) -> ColumnElement[bool]:
    return col(OutboxMessage.stale_at).is_(None) | (col(OutboxMessage.stale_at) > now)


def _sendable(now: dt.datetime) -> ColumnElement[bool]:
    """Waiting, due and not stale: what ``due_keys`` lists and ``claim_batch`` may take –
    one condition, so the two can never disagree."""
    return (
        _waiting(now)
        & _fresh(now)
        & (
            (col(OutboxMessage.status) == OutboxStatus.SENDING)
            | (col(OutboxMessage.next_attempt_at) <= now)
        )
    )


def expire_stale(session: Session, now: dt.datetime, *, keys: Sequence[str] | None = None) -> int:
    """Expire rows whose moment has passed (a deadline, a meeting's start), so they are
    never sent late: every waiting one, or the given ``keys`` (rows this run claimed);
    returns how many."""
    which = _waiting(now) if keys is None else col(OutboxMessage.key).in_(keys)
    result = session.execute(
        update(OutboxMessage)
        .where(which, ~_fresh(now), col(OutboxMessage.status) != OutboxStatus.SENT)
        .values(
            status=OutboxStatus.EXPIRED,
            claimed_by=None,
            claimed_until=None,
            last_error="för sent: tidpunkten meddelandet gällde har passerat",
            updated_at=now,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def due_keys(session: Session, now: dt.datetime, limit: int) -> list[str]:
    """Rows that may be sent now: pending and due, or sending with an expired lease."""
    query = (
        select(OutboxMessage.key)
        .where(_sendable(now))
        .order_by(col(OutboxMessage.send_at), col(OutboxMessage.key))
        .limit(limit)
    )
    return list(session.exec(query))


def claim_batch(
    session: Session, keys: Sequence[str], *, claimant: str, now: dt.datetime
) -> list[OutboxMessage]:
    """Claim many rows in one statement; returns those this claimant won, in key order.

    The claimant id is unique per run, so reading back the rows it holds tells exactly
    which of the racing runs got which row.
    """
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key).in_(keys),
            _sendable(now),
        )
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=claimant,
            claimed_until=now + LEASE,
            attempts=OutboxMessage.attempts + 1,
            updated_at=now,
        )
    )
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                col(OutboxMessage.key).in_(keys),
                OutboxMessage.claimed_by == claimant,
                col(OutboxMessage.status) == OutboxStatus.SENDING,
            )
            .order_by(col(OutboxMessage.key))
        )
    )


def release(session: Session, keys: Sequence[str], *, claimant: str) -> None:
    """Give claimed rows back untried (the server went away first): no attempt counted."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key).in_(keys),
            col(OutboxMessage.claimed_by) == claimant,
            col(OutboxMessage.status) == OutboxStatus.SENDING,
        )
        .values(
            status=OutboxStatus.PENDING,
            claimed_by=None,
            claimed_until=None,
            attempts=OutboxMessage.attempts - 1,
        )
    )


def mark_sent(session: Session, key: str, *, claimant: str, now: dt.datetime) -> None:
    """Record that the server accepted the message."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key) == key,
            col(OutboxMessage.claimed_by) == claimant,
        )
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            last_error=None,
            claimed_until=None,
            updated_at=now,
        )
    )


def mark_failed(
    session: Session, key: str, *, claimant: str, error: str, permanent: bool, now: dt.datetime
) -> None:
    """Record a failure: permanent ones end the row, temporary ones back off and retry."""
    row = session.get(OutboxMessage, key)
    if row is None or row.claimed_by != claimant:
        return
    row.last_error, row.claimed_until, row.updated_at = error[:500], None, now
    if permanent:
        row.status = OutboxStatus.FAILED
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + min(MAX_BACKOFF, dt.timedelta(minutes=2 ** (row.attempts - 1)))
    session.add(row)


def outbox_rows(
    session: Session, *, status: str | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """Rows for ``arshjul outbox``: problems and the queue first, newest history last."""
    query = (
        select(OutboxMessage)
        .order_by(col(OutboxMessage.send_at).desc(), col(OutboxMessage.key))
        .limit(limit)
    )
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.exec(query))
