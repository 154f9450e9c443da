"""notification.subject_id: the record a notification is about

An attendance notification named its session only inside its link ("/sessions/<id>"), and the
code read the id back out of the URL. The id now has its own column; existing attendance
notifications get it from their link once, here.

Revision ID: 0a1b2c3d4e5f
Revises: 4b7e2d9c1a35
Create Date: 2026-12-07 12:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0a1b2c3d4e5f"
down_revision: str | None = "4b7e2d9c1a35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE notification SET subject_id = CAST(substr(link, 11) AS INTEGER) "
        "WHERE kind = 'attendance' AND link LIKE '/sessions/%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("subject_id")
