"""merge heads: c-drafts' form tokens (merged into g-capture) beside main's head (sign-in, f3a1c5e7d9b2)

No schema change. The lead chains the branches' migrations at merge time and may drop this file
then (issue 15 adds no tables: a photographed certificate waits as an evidence file without
entry).

Revision ID: g1c4e8a2f6b0
Revises: f3a1c5e7d9b2, c3d7a1f09e42
Create Date: 2026-12-07 13:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "g1c4e8a2f6b0"
down_revision: str | Sequence[str] | None = ("f3a1c5e7d9b2", "c3d7a1f09e42")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
