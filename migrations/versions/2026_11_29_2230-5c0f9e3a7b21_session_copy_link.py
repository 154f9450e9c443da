"""a participant's copy of a shared session points at the session

Revision ID: 5c0f9e3a7b21
Revises: 1992b8f125d1
Create Date: 2026-11-29 22:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0f9e3a7b21"
down_revision: str | None = "1992b8f125d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_entry_copied_from_id_entry"),
            "entry",
            ["copied_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_entry_owner_id_copied_from_id"), ["owner_id", "copied_from_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_entry_owner_id_copied_from_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_entry_copied_from_id_entry"), type_="foreignkey")
        batch_op.drop_column("copied_from_id")
