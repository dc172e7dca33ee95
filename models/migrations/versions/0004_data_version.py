"""the data version: counts the transactions that wrote, for readers that keep pages

Revision ID: 4c8e1f0a7d21
Revises: 9b3f6a1d2e70
Create Date: 2026-11-29 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4c8e1f0a7d21"
down_revision = "9b3f6a1d2e70"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "dataversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "number": 0}])


def downgrade() -> None:
    op.drop_table("dataversion")
