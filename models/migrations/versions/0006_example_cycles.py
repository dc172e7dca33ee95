"""organisation.example: a cycle whose times, places and people are examples

Revision ID: 5b1f3c9a2e47
Revises: 070dae89e5f9
Create Date: 2026-11-29 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5b1f3c9a2e47"
down_revision = "070dae89e5f9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite takes it with a constant default, no table copy needed
    op.add_column(
        "organisation",
        sa.Column("example", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("organisation", "example")
