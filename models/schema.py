"""The schema, created and upgraded by Alembic migrations (``arshjul db upgrade``).

Migrations live in ``models/migrations``; every engine goes through ``upgrade_schema``
before use, so SQLite and PostgreSQL get the same, versioned schema.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest migration's revision."""
    return str(ScriptDirectory.from_config(_config()).get_current_head())


def current(engine: Engine) -> str | None:
    """The database's revision, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_schema(engine: Engine) -> None:
    """Bring the database to the newest revision (nothing happens when it is there)."""
    if current(engine) == head():
        return
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def generate(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and ``engine``
    (a developer's tool: run it against a database at head)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
