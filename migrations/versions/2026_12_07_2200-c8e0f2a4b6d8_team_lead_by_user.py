"""index of team leads by supervisor

"Which teams does this supervisor lead" is asked by the access policy and by the team page, the
sign-off queue and its digest. The primary key (team_id, user_id) cannot answer it: with 4,668
team leads (70,000 workers) PostgreSQL read all of them for each question.

Revision ID: c8e0f2a4b6d8
Revises: b7d9e1f3a5c7
Create Date: 2026-12-07 22:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c8e0f2a4b6d8"
down_revision: str | None = "b7d9e1f3a5c7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_team_lead_user_id", "team_lead", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_team_lead_user_id", table_name="team_lead")
