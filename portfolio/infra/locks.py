"""A lock that lets exactly one scheduler run a sweep at a time (PostgreSQL advisory lock)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name."""
    return zlib.crc32(name.encode())


@contextmanager
def try_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Yield True when this process holds the lock, False when another one does.

    On PostgreSQL this is `pg_try_advisory_lock` on a connection kept for the duration. Other
    databases have no such lock; there the per-row claims of the sweep still prevent doubles.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with engine.connect() as connection:
        acquired = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        connection.commit()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
