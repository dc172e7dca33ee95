"""The database's data version: a number that goes up with every transaction that
wrote something, whoever wrote it (the web application, a flow, an admin's command).

Readers that keep something built from the database – the web application's rendered
personal pages – read this number first and keep what they built under it; a page
built under the current number is still right. Whether a transaction wrote is asked of
the database itself (SQLite's change count on the connection, PostgreSQL's transaction
id, assigned on the first write: ``pg_current_xact_id_if_assigned()``, PostgreSQL 13
and newer), so no write path can forget to say so.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

ROW = 1


class DataVersion(SQLModel, table=True):
    """One row: how many writing transactions have committed (``number``)."""

    id: int = Field(default=ROW, primary_key=True)
    number: int = 0


def data_version(connection: Connection) -> int:
    """The version a read on ``connection`` starts from.

    Read it before the data: what is read after it is at least this new."""
    found = connection.execute(
        text("SELECT number FROM dataversion WHERE id = :row"), {"row": ROW}
    ).scalar()
    return int(found or 0)


def write_mark(connection: Connection) -> Any:
    """What :func:`wrote` compares against, taken when a transaction begins."""
    if connection.dialect.name == "sqlite":
        return connection.connection.dbapi_connection.total_changes  # type: ignore[union-attr]
    return None


def wrote(connection: Connection, mark: Any) -> bool:
    """Whether the transaction on ``connection`` wrote a row since ``mark``."""
    if connection.dialect.name == "sqlite":
        changes = connection.connection.dbapi_connection.total_changes  # type: ignore[union-attr]
        return bool(changes != mark)
    return connection.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar() is not None


def bump(connection: Connection) -> None:
    """Count one more writing transaction (in it, just before it commits: the row lock
    is then held only for the commit)."""
    connection.execute(
        text("UPDATE dataversion SET number = number + 1 WHERE id = :row"), {"row": ROW}
    )
