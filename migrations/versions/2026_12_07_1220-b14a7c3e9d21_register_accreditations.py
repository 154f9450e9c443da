"""per-register accreditations, work in the profession, an entry's art. 3 requirement

A training's single accreditation id becomes a list of {register, id}; `accredited_by` holds
the registers (",skj,nip,") for the norm rules in SQL. An old id is kept with register
unknown (null): it counts as accredited nowhere until the worker says which register issued it.

Revision ID: b14a7c3e9d21
Revises: f3a1c5e7d9b2
Create Date: 2026-12-07 12:20:00.000000+00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b14a7c3e9d21"
down_revision: str | None = "f3a1c5e7d9b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

entry = sa.table(
    "entry",
    sa.column("id", sa.Integer),
    sa.column("accreditation_id", sa.String),
    sa.column("accreditations", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accreditations", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("accredited_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("in_profession", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("art3_requirement", sa.String(length=40), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(entry.c.id, entry.c.accreditation_id).where(
            entry.c.accreditation_id.is_not(None)
        )
    ).all()
    for entry_id, old in rows:
        if old.strip():
            connection.execute(
                entry.update()
                .where(entry.c.id == entry_id)
                # Kept as typed: a signature over the old field hashes the same.
                .values(accreditations=[{"register": None, "id": old}])
            )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("accreditation_id")


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accreditation_id", sa.String(length=60), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(entry.c.id, entry.c.accreditations).where(entry.c.accreditations.is_not(None))
    ).all()
    for entry_id, items in rows:
        items = json.loads(items) if isinstance(items, str) else items
        if items:
            connection.execute(
                entry.update()
                .where(entry.c.id == entry_id)
                .values(accreditation_id=str(items[0]["id"])[:60])
            )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("art3_requirement")
        batch_op.drop_column("in_profession")
        batch_op.drop_column("accredited_by")
        batch_op.drop_column("accreditations")
