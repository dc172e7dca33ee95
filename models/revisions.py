"""The one write path for stored rows: compare, write only what changed, stamp the change.

Calendar clients (Outlook, Google, Apple) decide that an event changed by its SEQUENCE
and LAST-MODIFIED (``updated_at``, which is also DTSTAMP). So every write to a meeting or
a task goes through :func:`revise`, which bumps both exactly when a field a subscriber
sees has changed, and leaves both alone otherwise (an unchanged re-plan must give the
same feed bytes). A new agenda changes only a meeting's description: :func:`touch` moves
its LAST-MODIFIED and keeps its SEQUENCE, as RFC 5546 does for changes that ask no new
answer of those invited. Other rows go through :func:`save_changes`, which stamps
``updated_at`` only. Rules that every write to a meeting or task must obey belong here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlalchemy import insert as insert_statement
from sqlmodel import Session, SQLModel

from cycle.history import (
    held_meeting_error,
    may_undo_done,
    meeting_has_begun,
    past_task_error,
    task_is_past,
)
from cycle.status import MeetingStatus, TaskStatus

from .tables import Meeting, Task

Row = TypeVar("Row", bound=SQLModel)

# What a subscriber sees of a meeting: its time, place, title, status and the note that
# explains a move or a cancellation, and which body's calendars and categories it is in.
MEETING_VISIBLE = frozenset(
    {"title", "body", "kind", "start", "end", "location", "status", "moved_because", "note"}
)
# ...and of a task: what to do, by when, whether it is still open, and for whom (the
# rule decides which group feed carries it).
TASK_VISIBLE = frozenset({"title", "due", "status", "assignee"})
# states that follow from the clock, shown but never stored
_DERIVED = frozenset({MeetingStatus.HELD, TaskStatus.LATE, TaskStatus.UNKNOWN})
# the changes a task past its due date may still take: done late, or no longer needed
# because its meeting was cancelled
DONE = TaskStatus.DONE
CLOSING = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


def differences(row: SQLModel, values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that ``row`` does not already hold.

    Example:
        >>> from models.tables import Body
        >>> differences(Body(key="o/b", organisation="o", slug="b", name="Rådet", kind="råd"),
        ...             {"name": "Rådet", "kind": "forum"})
        {'kind': 'forum'}
    """
    return {name: value for name, value in values.items() if getattr(row, name) != value}


def _assign(session: Session, row: SQLModel, changed: Mapping[str, Any]) -> None:
    for name, value in changed.items():
        setattr(row, name, value)
    session.add(row)


def save_changes(
    session: Session, row: SQLModel, values: Mapping[str, Any], *, now: dt.datetime
) -> bool:
    """Write the fields of ``values`` that differ and stamp ``updated_at``; for rows that
    carry no SEQUENCE (definitions, agenda items, priorities, follow-ups, assignments).

    Returns:
        True when anything was written.
    """
    if isinstance(row, Meeting | Task):
        raise TypeError("meetings and tasks change through revise()")
    changed = differences(row, values)
    if changed:
        _assign(session, row, {**changed, "updated_at": now})
    return bool(changed)


def revise(
    session: Session,
    row: Meeting | Task,
    values: Mapping[str, Any],
    *,
    now: dt.datetime,
    correction: bool = False,
) -> bool:
    """Write the fields of ``values`` that differ from the stored meeting or task.

    ``sequence`` goes up by one and ``updated_at`` becomes ``now`` when – and only when –
    a field a subscriber sees changed; a change that no calendar shows (an offset, a
    completion time, the admin flag) is written without either. History is frozen: a
    meeting that has begun by ``now`` is not changed, and a task past its due date may
    only be closed (done, or cancelled with its meeting) – unless ``correction`` (an
    admin's explicit act) says so.

    Returns:
        True when anything was written.

    Raises:
        HistoryError: the change would rewrite history.
    """
    changed = differences(row, values)
    if changed and not correction:
        _refuse_rewriting_history(row, changed, now)
    if changed.get("status") in _DERIVED:
        raise ValueError(f"a state that follows from the clock is never stored: {changed}")
    visible = MEETING_VISIBLE if isinstance(row, Meeting) else TASK_VISIBLE
    if not visible.isdisjoint(changed):
        changed |= {"sequence": row.sequence + 1, "updated_at": now}
    if changed:
        _assign(session, row, changed)
    return bool(changed)


def _refuse_rewriting_history(
    row: Meeting | Task, changed: Mapping[str, Any], now: dt.datetime
) -> None:
    if isinstance(row, Meeting):
        if meeting_has_begun(row.start, now):
            raise held_meeting_error(row.id, row.title, row.start)
        if "start" in changed and meeting_has_begun(changed["start"], now):
            raise ValueError(f"a change may not move a meeting into the past: {row.id}")
    elif "due" in changed and task_is_past(changed["due"], now):
        raise ValueError(f"a change may not move a task into the past: {row.id}")
    elif task_is_past(row.due, now) and not (
        set(changed) <= {"status", "done_at"}
        and (
            changed.get("status", DONE) in CLOSING
            or (changed.get("status") == TaskStatus.OPEN and may_undo_done(row.done_at, now))
        )
    ):
        raise past_task_error(row.id, row.title, row.due)


def touch(session: Session, meeting: Meeting, *, now: dt.datetime, announce: bool = False) -> None:
    """Record that what a calendar shows of ``meeting`` changed outside its own row (its
    agenda): LAST-MODIFIED and DTSTAMP move, SEQUENCE stays – unless ``announce``: once
    the kallelse has gone out, a new agenda is news that those invited must get, so
    SEQUENCE goes up and an updated kallelse follows.

    Raises:
        HistoryError: the meeting has begun.
    """
    if meeting_has_begun(meeting.start, now):
        raise held_meeting_error(meeting.id, meeting.title, meeting.start)
    changed: dict[str, Any] = {"updated_at": now}
    if announce:
        changed["sequence"] = meeting.sequence + 1
    _assign(session, meeting, changed)


def insert(session: Session, row: Row, *, now: dt.datetime) -> Row:
    """Add a new row, stamped as created and last changed ``now`` (sequence 0)."""
    if hasattr(row, "created_at"):
        row.created_at = now
    row.updated_at = now
    session.add(row)
    return row


@cache
def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The model's field defaults (``sequence = 0``, ``status = open``…), which a plain
    INSERT of dictionaries would not fill in."""
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if field.default_factory is None and field.default is not PydanticUndefined
    }


def insert_many(
    session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]], *, now: dt.datetime
) -> int:
    """Insert new rows together – one executemany on SQLite, one ``COPY`` on PostgreSQL:
    what :func:`insert` does for one row – defaults, ``created_at`` and ``updated_at``
    stamped ``now``, sequence 0 – without an object and a flush per row.
    A plan of thousands of meetings is saved this way.

    Returns:
        How many rows were inserted.
    """
    if not rows:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    stamps = {name: now for name in ("created_at", "updated_at") if name in table.columns}
    base = _defaults(model)
    full = [{**base, **row, **stamps} for row in rows]
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, table, full)
    else:  # SQLite: one prepared statement, executemany in the driver
        session.execute(insert_statement(model), full)
    return len(rows)


def _copy(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY into ``table``, in the session's transaction: psycopg would
    otherwise send one INSERT per row. Values go as the columns' types bind them
    (aware datetimes as UTC, enums as their values)."""
    session.flush()  # rows they refer to go first
    columns = [c for c in table.columns if c.name in rows[0]]
    binders = [c.type.bind_processor(session.get_bind().dialect) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None, "the session's connection is open"
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    _plain(bind(row[c.name]) if bind else row[c.name])
                    for c, bind in zip(columns, binders, strict=True)
                ]
            )


def _plain(value: object) -> object:
    """An enum as its value (COPY has no column types to convert by)."""
    return value.value if isinstance(value, Enum) else value


def columns_of(model: type[SQLModel]) -> list[Any]:
    """A table's columns, to select stored rows as plain named tuples (``row.start``):
    tens of thousands of them are compared with a plan, and only the few that differ
    are loaded as objects to change (:func:`upsert_if_changed`)."""
    return list(model.__table__.columns)  # type: ignore[attr-defined]


def primary_key(model: type[SQLModel], row: Any) -> Any:
    """The primary key of a plain row of ``model``, as :meth:`Session.get` takes it."""
    names = [c.name for c in model.__table__.primary_key.columns]  # type: ignore[attr-defined]
    values = tuple(getattr(row, name) for name in names)
    return values[0] if len(values) == 1 else values


def upsert_if_changed(
    session: Session, model: type[Row], row: Any, values: Mapping[str, Any], *, now: dt.datetime
) -> Row | None:
    """Bring the stored ``row`` (plain) up to ``values`` through :func:`upsert`; returns
    the changed object, or None when nothing differed (nothing is loaded then)."""
    if not differences(row, values):
        return None
    stored = session.get(model, primary_key(model, row))
    assert stored is not None, "a row read in this transaction is still there"
    key = {c.name: getattr(row, c.name) for c in model.__table__.primary_key.columns}  # type: ignore[attr-defined]
    return stored if upsert(session, model, key, values, now=now, stored=stored) else None


class _Unknown(Enum):
    UNKNOWN = "unknown"


UNKNOWN = _Unknown.UNKNOWN  # the caller has not looked the row up


def upsert(
    session: Session,
    model: type[Row],
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    now: dt.datetime,
    stored: Row | _Unknown | None = UNKNOWN,
) -> bool:
    """Insert the row with primary ``key`` and ``values``, or bring the stored one up to
    date through :func:`revise` or :func:`save_changes`.

    Args:
        stored: the stored row, or None when the caller knows there is none (it loaded
            them all); by default it is looked up by ``key``.

    Returns:
        True when a row was inserted or changed.
    """
    row = stored
    if row is UNKNOWN:
        ident = tuple(key.values())
        row = session.get(model, ident[0] if len(ident) == 1 else ident)
    if row is None:
        insert(session, model(**key, **values), now=now)
        return True
    if isinstance(row, Meeting | Task):
        return revise(session, row, values, now=now)
    return save_changes(session, row, values, now=now)
