"""erasure and retention: how long a departed person's portfolio is kept; when they were
warned; when their portfolio was erased

Revision ID: d5e8f2a4b6c1
Revises: c3d7a1f09e42
Create Date: 2026-12-07 16:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portfolio.models.base

revision: str = "d5e8f2a4b6c1"
down_revision: str | None = "c3d7a1f09e42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "retention_warned_at",
                portfolio.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("erased_at", portfolio.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("retention_warned_at")
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.drop_column("retention_months")
