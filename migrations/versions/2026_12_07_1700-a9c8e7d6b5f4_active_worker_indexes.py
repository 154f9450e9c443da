"""partial indexes on user_account for active workers and active supervisors

HR evaluations (`/hr/evaluations`): the status counts and the check for workers nobody can
evaluate read every active worker of the organisation (organisation, team, id) and every active
supervisor (id). On PostgreSQL both become index-only scans of these partial indexes instead of
scans of the whole table. The predicates are written as the queries are (`is_active IS true`).

Revision ID: a9c8e7d6b5f4
Revises: f6a8b0c2d4e6
Create Date: 2026-12-07 17:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9c8e7d6b5f4"
down_revision: str | None = "f6a8b0c2d4e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_user_account_active_workers",
        "user_account",
        ["organisation_id", "team_id", "id"],
        postgresql_where=sa.text("role = 'worker' AND is_active IS true"),
        sqlite_where=sa.text("role = 'worker' AND is_active IS 1"),
    )
    op.create_index(
        "ix_user_account_active_supervisors",
        "user_account",
        ["id"],
        postgresql_where=sa.text("role = 'supervisor' AND is_active IS true"),
        sqlite_where=sa.text("role = 'supervisor' AND is_active IS 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_user_account_active_supervisors", table_name="user_account")
    op.drop_index("ix_user_account_active_workers", table_name="user_account")
