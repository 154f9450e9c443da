"""indexes in the order two long lists are read: active workers by name, audit events by time

HR evaluations (`/hr/evaluations`) pages the organisation's active workers by name: with 70,000
people the general (organisation, name, id) index makes PostgreSQL step over the non-workers
before it has a page. The audit log pages events newest first by (at, id): with `id` in the
index the order comes from it, without a sort, whether or not the statistics are current.

Revision ID: b7d9e1f3a5c7
Revises: a9c8e7d6b5f4
Create Date: 2026-12-07 19:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d9e1f3a5c7"
down_revision: str | None = "a9c8e7d6b5f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_user_account_active_workers_by_name",
        "user_account",
        ["organisation_id", "name", "id"],
        postgresql_where=sa.text("role = 'worker' AND is_active IS true"),
        sqlite_where=sa.text("role = 'worker' AND is_active IS 1"),
    )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_index("ix_audit_event_org_at")
        batch_op.create_index("ix_audit_event_org_at", ["organisation_id", "at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_index("ix_audit_event_org_at")
        batch_op.create_index("ix_audit_event_org_at", ["organisation_id", "at"])
    op.drop_index("ix_user_account_active_workers_by_name", table_name="user_account")
