"""The process's database: one engine per URL (schema brought up to date on first use),
and sessions on the settings' database for the commands and tasks that read or write."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.database import read_session, write_session
from models.schema import open_database
from models.version import data_version

from .settings import Settings

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """The engine for ``url``, opened (and migrated) once per process.

    Raises:
        StorageError: the database cannot be reached.
    """
    with _LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = open_database(url)
        return _ENGINES[url]


def dispose_engines() -> None:
    """Close every engine this process opened (their pooled connections with them)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def reading(settings: Settings) -> Iterator[Session]:
    """A read-only session on the settings' database."""
    with read_session(engine_for(settings.database_url)) as session:
        yield session


@contextmanager
def writing(settings: Settings, *, locks: Iterable[str] = ()) -> Iterator[Session]:
    """One transaction on the settings' database (see ``models.database.write_session``)."""
    with write_session(engine_for(settings.database_url), locks=locks) as session:
        yield session


def current_version(settings: Settings) -> int:
    """The database's data version (``models.version``), read on its own: what a kept
    page is checked against."""
    with engine_for(settings.database_url).connect() as connection:
        return data_version(connection)
