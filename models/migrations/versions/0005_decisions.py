"""decisions and the assignments they give, with their status reports

Revision ID: 070dae89e5f9
Revises: 4c8e1f0a7d21
Create Date: 2026-11-29 19:25:52.184741
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = "070dae89e5f9"
down_revision = "4c8e1f0a7d21"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "decision",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("meeting", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("publicity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting"],
            ["meeting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.slug"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_meeting"), ["meeting"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_decision_organisation"), ["organisation"], unique=False
        )

    op.create_table(
        "commission",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner_person", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("owner_body", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("report_meeting", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("publicity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision"],
            ["decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisation.slug"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_body"],
            ["body.key"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_person"],
            ["person.key"],
        ),
        sa.ForeignKeyConstraint(
            ["report_meeting"],
            ["meeting.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_decision"), ["decision"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_due"), ["due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commission_organisation"), ["organisation"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_commission_owner_body"), ["owner_body"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commission_owner_person"), ["owner_person"], unique=False
        )

    op.create_table(
        "commissionreport",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("commission", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission"],
            ["commission.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commissionreport", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commissionreport_commission"), ["commission"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("commissionreport", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commissionreport_commission"))

    op.drop_table("commissionreport")
    with op.batch_alter_table("commission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_owner_person"))
        batch_op.drop_index(batch_op.f("ix_commission_owner_body"))
        batch_op.drop_index(batch_op.f("ix_commission_organisation"))
        batch_op.drop_index(batch_op.f("ix_commission_due"))
        batch_op.drop_index(batch_op.f("ix_commission_decision"))

    op.drop_table("commission")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_organisation"))
        batch_op.drop_index(batch_op.f("ix_decision_meeting"))

    op.drop_table("decision")
