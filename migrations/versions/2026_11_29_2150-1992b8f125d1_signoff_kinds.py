"""entry kinds that need sign-off, per organisation

Revision ID: 1992b8f125d1
Revises: 58bd47f13bcd
Create Date: 2026-11-29 21:50:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1992b8f125d1"
# After 58bd47f13bcd, which was added meanwhile on the same parent (7dd2e3aff8ba): one head.
down_revision: str | None = "58bd47f13bcd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL means the default (peer review only): existing organisations keep today's behaviour.
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signoff_kinds", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation_settings", schema=None) as batch_op:
        batch_op.drop_column("signoff_kinds")
