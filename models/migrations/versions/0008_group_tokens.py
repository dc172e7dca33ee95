"""group feed tokens: a body's feed of all its meetings and tasks behind a secret address

Revision ID: 3c7a1e5d9b20
Revises: 9d2e6a41c3b8
Create Date: 2026-12-08 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = "3c7a1e5d9b20"
down_revision = "9d2e6a41c3b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grouptoken",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["body"], ["body.key"]),
        sa.PrimaryKeyConstraint("token"),
    )
    with op.batch_alter_table("grouptoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grouptoken_body"), ["body"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grouptoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grouptoken_body"))
    op.drop_table("grouptoken")
