"""The schema, created and upgraded by Alembic migrations (``arshjul db upgrade``).

Migrations live in ``models/migrations``; every engine goes through ``upgrade_schema``
before use (``open_database`` does both), so SQLite and PostgreSQL get the same,
versioned schema. Alembic (a quarter of a second to import) loads only when a
database is opened, so ``arshjul --help`` and ``arshjul check`` start without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

# every table on SQLModel.metadata, which the migrations are checked against
from . import (  # noqa: F401
    audit,
    decisions,
    outbox,
    registrations,
    tables,
    tokens,
    version,
    yearly,
)
from .database import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_config()).get_current_head())


def current(engine: Engine) -> str | None:
    """The database's revision, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_schema(engine: Engine) -> None:
    """Bring the database to the newest revision (nothing happens when it is there)."""
    if current(engine) == head():
        return
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Engine:
    """An engine for ``url`` with the schema at the newest migration: what every command
    and flow uses before its first query.

    Raises:
        StorageError: the database cannot be reached.
    """
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
