"""Set-based writes: COPY on PostgreSQL, executemany elsewhere; temporary tables to join with.

Never one ORM object per row. SQLite needs 3.35 or later (INSERT … RETURNING; UPDATE … FROM
since 3.33).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Column, MetaData, Table, func, select, text
from sqlmodel import Session


def next_id(db: Session, table: Table) -> int:
    """The first free primary key value of `table` (for rows inserted with explicit ids)."""
    return (db.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_rows(
    db: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    binary: bool = False,
) -> int:
    """Insert `rows` (tuples in `columns` order) set-based; returns how many were written.

    `binary`: COPY's binary format on PostgreSQL, a fraction of the client's work per row of the
    text format (long texts most of all), for values that are exactly of their column's type:
    int, str, bool, date, aware datetime or None (no JSON, no numbers as text).
    """
    if db.get_bind().dialect.name == "postgresql":
        return _copy(db, table, columns, rows, binary=binary)
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


def insert_rows_returning_ids(
    db: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    key: str,
    binary: bool = False,
) -> dict:
    """Insert `rows` like `insert_rows`; returns the new ids by the value of their column `key`
    (a unique one)."""
    if not rows:
        return {}
    at = list(columns).index(key)
    if db.get_bind().dialect.name == "postgresql":
        # COPY returns nothing: take the ids from the table's sequence first, in one query
        # (and one array: a row per id would cost more to fetch than to draw).
        ids = db.scalar(
            text(
                "SELECT array_agg(nextval(pg_get_serial_sequence(:table, 'id'))) "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": len(rows)},
        )
        with_ids = ((i, *row) for i, row in zip(ids, rows, strict=True))
        _copy(db, table, ("id", *columns), with_ids, binary=binary)
        return {row[at]: i for i, row in zip(ids, rows, strict=True)}
    # Many rows per INSERT … RETURNING (SQLAlchemy's "insertmanyvalues"), in no set order.
    statement = table.insert().returning(table.c[key], table.c.id)
    found = {}
    for start in range(0, len(rows), 5000):
        batch = [dict(zip(columns, row, strict=True)) for row in rows[start : start + 5000]]
        found.update((found_key, i) for found_key, i in db.execute(statement, batch))
    return found


def _copy(
    db: Session, table: Table, columns: Sequence[str], rows: Iterable[tuple], *, binary: bool
) -> int:
    raw = db.connection().connection.driver_connection
    column_list = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table.name}" ({column_list}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")
    count = 0
    with raw.cursor() as cursor:
        types = _column_types(cursor, table.name) if binary else {}
        with cursor.copy(sql) as copy:
            if binary:
                copy.set_types([types[c] for c in columns])
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _column_types(cursor, table_name: str) -> dict[str, int]:
    """The type oid of each column of the table as the server has it (a temporary one too)."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        (f'"{table_name}"',),
    )
    return dict(cursor.fetchall())


@contextmanager
def scratch_table(db: Session, name: str, *columns: Column) -> Iterator[Table]:
    """A temporary table for set-based work inside the current transaction (fill it with
    `insert_rows`, then join it), gone afterwards."""
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    connection = db.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # SQLite keeps a connection's temporary tables past a rollback
        connection.execute(text(f'DROP TABLE IF EXISTS temp."{name}"'))
    table.create(connection)
    yield table
    if sqlite:  # PostgreSQL drops it at commit; after an error, the rollback does
        table.drop(connection)


def sync_sequence(db: Session, table: Table) -> None:
    """After inserts with explicit ids on PostgreSQL, move the id sequence past them."""
    if db.get_bind().dialect.name != "postgresql":
        return
    highest = select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery()
    db.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest)))


def analyze(db: Session) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (a no-op elsewhere)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ANALYZE"))
