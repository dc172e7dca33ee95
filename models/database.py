"""Engines and sessions for SQLite (the embedded default) and PostgreSQL.

Nothing is created at import time: ``make_engine`` is called at the edge with the URL from
the settings. Connection problems become a :class:`StorageError` in Swedish that names the
database (without its password), so the CLI can print it and exit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from . import version

_IMMEDIATE = "arshjul_sqlite_immediate"
# Keys per ``IN (…)`` query: below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500
K = TypeVar("K")


class StorageError(ValueError):
    """The database cannot be reached or used; the message is Swedish and names it."""


def describe_url(url: str | URL) -> str:
    """The URL with any password hidden, safe to print and log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ogiltig URL>"


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and check that the database answers.

    SQLite gets foreign keys, a busy timeout and explicit transactions, so that a write
    transaction can take the write lock up front (see :func:`write_session`).

    Raises:
        StorageError: the URL is malformed, its driver is missing, or nobody answers.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"ogiltig databas-URL {url!r}") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise StorageError(f"databasen {describe_url(parsed)} stöds inte ({error})") from None
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, wal=parsed.database not in (None, "", ":memory:"))
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as error:
        engine.dispose()
        cause = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StorageError(
            f"kan inte ansluta till databasen {describe_url(parsed)}: {cause}"
        ) from None
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot take the write lock
    # up front; SQLAlchemy's documented recipe hands transaction control to us.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:  # readers (the feed server) then never block the planner, nor it them
            cursor.execute("PRAGMA journal_mode=WAL")
            # SQLite's advice for WAL: a commit survives a process crash (kill -9) but skips
            # the fsync that only a power cut would need, so each commit costs microseconds
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def chunked(keys: Iterable[K], size: int = CHUNK) -> Iterator[Sequence[K]]:
    """``keys`` in slices of ``size``, for ``WHERE column IN (…)`` over many keys.

    Example:
        >>> [list(c) for c in chunked(range(5), 2)]
        [[0, 1], [2, 3], [4]]
    """
    items = list(keys)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def write_session(engine: Engine, *, locks: Iterable[str] = ()) -> Iterator[Session]:
    """A session whose whole body is one transaction: commit at the end, roll back on error.
    A transaction that wrote something counts up the data version (``models.version``).

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``, so two writers queue up
    instead of one failing half-way with "database is locked". On PostgreSQL each of
    ``locks`` (organisation slugs) takes a transaction-scoped advisory lock, in sorted
    order so two runs cannot deadlock, and runs saving the same organisation queue up
    instead of racing to insert the same rows.
    """
    bound = engine.execution_options(**{_IMMEDIATE: True})
    with Session(bound) as session, session.begin():
        connection = session.connection()
        mark = version.write_mark(connection)
        if engine.dialect.name == "postgresql":
            for key in sorted(set(locks)):
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key}
                )
        yield session
        session.flush()
        if version.wrote(connection, mark):
            version.bump(connection)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for queries only; nothing it does is committed."""
    with Session(engine) as session:
        yield session
