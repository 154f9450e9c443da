"""a revision counter per person, for the cached worker dashboard

`portfolio.infra.portfolio_revision` raises it in the same transaction as every change to
what the person's dashboard shows; the dashboard is cached by it.

Revision ID: 4b7e2d9c1a35
Revises: 9d41c7e2b8a6
Create Date: 2026-12-03 07:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4b7e2d9c1a35"
down_revision: str | None = "9d41c7e2b8a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("portfolio_revision", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("portfolio_revision")
