"""The schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

import io
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from cli.main import main
from models.schema import current, head, upgrade_schema


def test_migrations_build_exactly_the_models_schema(engine: Engine) -> None:
    assert current(engine) == head()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    upgrade_schema(engine)
    assert current(engine) == head()


def test_db_upgrade_from_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ny.db'}"
    out = io.StringIO()
    assert main(["db", "current", "--db", url], out=out) == 0
    assert "ingen (tom)" in out.getvalue()
    out = io.StringIO()
    assert main(["db", "upgrade", "--db", url], out=out) == 0
    assert f"har version {head()} (från tom)" in out.getvalue()
    out = io.StringIO()
    assert main(["db", "upgrade", "--db", url], out=out) == 0
    assert "(redan senaste)" in out.getvalue()


def test_upgrading_a_living_database_keeps_its_runs_and_when_they_acted(
    tmp_path: Path,
) -> None:
    """A database from before the moment-of-run column: its runs acted when they began,
    so the next reminder run knows which days are done instead of starting afresh."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    from models.audit import last_success
    from models.database import make_engine, read_session
    from models.schema import _config

    engine = make_engine(f"sqlite:///{tmp_path / 'gammal.db'}")
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "5c5d11d4270e")  # the first schema
        connection.execute(
            text(
                "INSERT INTO flowrunlog (id, flow, parameters, triggered_by, started_at, "
                "outcome, rows_changed, message) VALUES ('r', 'send-reminders', '{}', "
                "'schema', '2026-11-20 06:00:00', 'SUCCEEDED', 3, '')"
            )
        )
    upgrade_schema(engine)
    with read_session(engine) as s:
        assert last_success(s, "send-reminders") == dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)
    engine.dispose()
