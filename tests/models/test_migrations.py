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
