"""registrations for meetings a body invites to (forums)

Revision ID: 9d2e6a41c3b8
Revises: 5b1f3c9a2e47
Create Date: 2026-11-29 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = "9d2e6a41c3b8"
down_revision = "5b1f3c9a2e47"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("meeting", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("person", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("guest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("registered_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["meeting"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["person"], ["person.key"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_meeting"), ["meeting"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_meeting"))
    op.drop_table("registration")
