"""Throw-away databases for the benchmarks: a migrated SQLite file, or a PostgreSQL database.

PostgreSQL is used when VAKBEKWAAM_BENCH_POSTGRES names a server
(e.g. postgresql://postgres@127.0.0.1:5432/test); each database is created for one
measurement and dropped afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from portfolio import create_app, migrate
from portfolio.config import normalise_database_url
from portfolio.db import make_engine, standalone_session

SQLITE = "sqlite"
POSTGRES = "postgresql"
BENCH_SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - bench only


def postgres_server() -> URL | None:
    """The PostgreSQL server named by VAKBEKWAAM_BENCH_POSTGRES, if any."""
    server = os.environ.get("VAKBEKWAAM_BENCH_POSTGRES", "").strip()
    return make_url(normalise_database_url(server)) if server else None


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when a server is named."""
    return [SQLITE, POSTGRES] if postgres_server() else [SQLITE]


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """The URL of a new, migrated, empty database, removed on exit."""
    if backend == SQLITE:
        with tempfile.TemporaryDirectory(prefix="vakbekwaam-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            migrate.upgrade(url)
            yield url
        return
    server = postgres_server()
    name = f"vakbekwaam_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def demo_database(backend: str, *, workers: int, years: int) -> Iterator[str]:
    """A fresh database filled by the demo-data service (the demo log-ins plus `workers`)."""
    from portfolio import demo
    from portfolio.services.norms import standings

    with fresh_database(backend) as url:
        engine = make_engine(url)
        with standalone_session(engine) as session:
            demo.create(session, workers=workers, years=years, today=date.today())
            # What the scheduler's daily job leaves for the day: every standing current.
            standings.refresh_all(session, today=date.today())
            session.commit()
        # PostgreSQL: what autovacuum leaves on a database in use after a bulk load (since
        # PostgreSQL 13 it vacuums insert-only tables too): planner statistics and the
        # visibility map that lets an index-only scan skip the table. A page measured right
        # after the load would otherwise be planned without statistics, and counted row by row
        # in the heap. SQLite gathers no statistics by itself, so none there (with them its
        # planner chose worse plans for the uncached dashboard).
        if backend == POSTGRES:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        engine.dispose()
        yield url


@contextmanager
def bench_app(url: str) -> Iterator[Flask]:
    """The product app on `url`, configured as in production apart from the secret."""
    # No request log lines in the in-process benchmarks (P8 keeps them, as in production).
    app = create_app(
        {"ENV_NAME": "test", "SECRET_KEY": BENCH_SECRET, "DATABASE_URL": url, "LOG_REQUESTS": False}
    )
    try:
        yield app
    finally:
        app.extensions["db_engine"].dispose()
