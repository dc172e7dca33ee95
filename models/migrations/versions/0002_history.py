"""living through the year: dated series changes, messages that go stale, and the
moment each flow run acted for

Revision ID: 7a1e2c9d4b60
Revises: 5c5d11d4270e
Create Date: 2026-11-29 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = "7a1e2c9d4b60"
down_revision = "5c5d11d4270e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stale_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("flowrunlog", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("acted_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )
    # runs logged before this column acted for the moment they started
    op.execute("UPDATE flowrunlog SET acted_at = started_at")


def downgrade() -> None:
    with op.batch_alter_table("flowrunlog", schema=None) as batch_op:
        batch_op.drop_column("acted_at")
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("stale_at")
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("changes")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
