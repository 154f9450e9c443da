"""each registration's standing, stored for the overviews and exports

`portfolio.services.norms.standings` keeps it: current while computed today at the owner's
portfolio revision, recomputed otherwise (and by the scheduler's daily job).

Revision ID: e1a7c3f05b92
Revises: b14a7c3e9d21
Create Date: 2026-12-07 12:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e1a7c3f05b92"
down_revision: str | None = "b14a7c3e9d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_standing",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("norm_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("standing", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("forecast_on_track", sa.Boolean(), nullable=True),
        sa.Column("forecast_met_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("days_left", sa.Integer(), nullable=True),
        sa.Column("counted", sa.JSON(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registration_id"], ["registration.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id"),
    )
    with op.batch_alter_table("registration_standing", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_standing_org_norm", ["organisation_id", "norm_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registration_standing_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_standing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_standing_owner_id"))
        batch_op.drop_index("ix_registration_standing_org_norm")
    op.drop_table("registration_standing")
