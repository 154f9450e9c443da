"""drafts, kept forms, one-time form tokens; a version on development goals

Revision ID: c3d7a1f09e42
Revises: 4b7e2d9c1a35
Create Date: 2026-12-07 12:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portfolio.models.base

revision: str = "c3d7a1f09e42"
down_revision: str | None = "4b7e2d9c1a35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_token_use",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=500), nullable=True),
        sa.Column("used_at", portfolio.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_form_token_use_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_form_token_use")),
    )
    op.create_index(
        op.f("ix_form_token_use_user_id"), "form_token_use", ["user_id"], unique=False
    )
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", portfolio.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_draft_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("owner_id", "form_key", name=op.f("uq_draft_owner_id_form_key")),
    )
    op.create_table(
        "kept_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", portfolio.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", portfolio.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_kept_form_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_form")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kept_form_token_hash")),
    )
    op.create_index(op.f("ix_kept_form_user_id"), "kept_form", ["user_id"], unique=False)
    with op.batch_alter_table("development_goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("development_goal", schema=None) as batch_op:
        batch_op.drop_column("version")
    op.drop_index(op.f("ix_kept_form_user_id"), table_name="kept_form")
    op.drop_table("kept_form")
    op.drop_table("draft")
    op.drop_index(op.f("ix_form_token_use_user_id"), table_name="form_token_use")
    op.drop_table("form_token_use")
