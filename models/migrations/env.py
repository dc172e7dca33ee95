"""Alembic environment: always run with a connection handed in by ``models.schema``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.schema  # noqa: F401  (registers every table on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
