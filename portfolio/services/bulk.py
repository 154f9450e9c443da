"""Set-based inserts: COPY on PostgreSQL, executemany elsewhere. Never one ORM object per row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, func, select, text
from sqlmodel import Session


def next_id(db: Session, table: Table) -> int:
    """The first free primary key value of `table` (for rows inserted with explicit ids)."""
    return (db.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_rows(db: Session, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in `columns` order) set-based; returns how many were written."""
    if db.get_bind().dialect.name == "postgresql":
        return _copy(db, table, columns, rows)
    batch: list[dict] = []
    count = 0
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == 5000:
            db.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        db.execute(table.insert(), batch)
        count += len(batch)
    return count


def _copy(db: Session, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    raw = db.connection().connection.driver_connection
    column_list = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with (
        raw.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def sync_sequence(db: Session, table: Table) -> None:
    """After inserts with explicit ids on PostgreSQL, move the id sequence past them."""
    if db.get_bind().dialect.name != "postgresql":
        return
    db.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f'(SELECT COALESCE(MAX(id), 1) FROM "{table.name}"))'
        )
    )


def analyze(db: Session) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (a no-op elsewhere)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ANALYZE"))
