"""people answer back: agenda items sent in, with a decision and its reason

Revision ID: 9b3f6a1d2e70
Revises: 7a1e2c9d4b60
Create Date: 2026-11-29 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = "9b3f6a1d2e70"
down_revision = "7a1e2c9d4b60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # items stored before this revision came from the yearly processes: accepted
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.Text(), nullable=False, server_default="accepted")
        )
        batch_op.add_column(
            sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decided_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        for column in (
            "decided_at",
            "decided_by",
            "reason",
            "link",
            "minutes",
            "submitted_by",
            "status",
        ):
            batch_op.drop_column(column)
