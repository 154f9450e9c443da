"""a registration's yearly-evaluation facts stored with its standing

`portfolio.services.norms.standings` writes them with the standing (as of the day it was
computed); the yearly evaluation exports and snapshots of the current year read them instead of
summing every worker's hours again. A row of a known norm without them counts as stale.

Revision ID: f6a8b0c2d4e6
Revises: d5e8f2a4b6c1
Create Date: 2026-12-07 15:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6a8b0c2d4e6"
down_revision: str | None = "d5e8f2a4b6c1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registration_standing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registration_standing", schema=None) as batch_op:
        batch_op.drop_column("facts")
