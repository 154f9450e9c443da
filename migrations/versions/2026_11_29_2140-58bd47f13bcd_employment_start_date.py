"""employment start date of a person

Revision ID: 58bd47f13bcd
Revises: 7dd2e3aff8ba
Create Date: 2026-11-29 21:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '58bd47f13bcd'
down_revision: str | None = '7dd2e3aff8ba'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employment_started_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('employment_started_on')
