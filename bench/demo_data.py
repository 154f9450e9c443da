"""Demo data (P7): `flask demo-data --workers N` on a fresh database, beside COPY FROM STDIN.

The floor is PostgreSQL's COPY FROM STDIN of exactly the rows the demo wrote, read back out of
the demo's own database (so both sides store the same bytes, indexes and constraints included).
"""

from __future__ import annotations

import statistics
from datetime import date

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import portfolio.models  # noqa: F401  (registers the tables)
from bench.databases import POSTGRES, SQLITE, backends, fresh_database
from bench.timing import Result, timed, within_ratio
from portfolio import demo
from portfolio.db import make_engine, standalone_session

TARGET = 5.0


def _create_demo(url: str, *, workers: int, years: int) -> float:
    """Seconds `demo.create` takes on the fresh database at `url` (connection opened first)."""
    engine = make_engine(url)
    try:
        with standalone_session(engine) as session:
            session.connection()  # connect outside the timing, as the COPY floor does
            return timed(
                lambda: demo.create(session, workers=workers, years=years, today=date.today())
            )
    finally:
        engine.dispose()


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _dump(url: str) -> list[tuple[str, bytes]]:
    """Every table's rows as COPY text, in foreign-key order."""
    dumped = []
    with psycopg.connect(_conninfo(url)) as connection, connection.cursor() as cursor:
        for table in SQLModel.metadata.sorted_tables:
            with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            if data:
                dumped.append((table.name, data))
    return dumped


def _copy_floor(url: str, dumped: list[tuple[str, bytes]]) -> float:
    """Seconds COPY FROM STDIN of `dumped` into the empty database at `url` takes."""
    with psycopg.connect(_conninfo(url)) as connection:

        def load() -> None:
            with connection.cursor() as cursor:
                for name, data in dumped:
                    with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                        copy.write(data)
            connection.commit()

        return timed(load)


def _row_count(dumped: list[tuple[str, bytes]]) -> int:
    return sum(data.count(b"\n") for _name, data in dumped)


def _measure(backend: str, *, workers: int, years: int, repeats: int) -> Result:
    what = f"demo-data --workers {workers} --years {years}, {backend}"
    app_times, floor_times, dumped = [], [], []
    for _ in range(repeats):
        with fresh_database(backend) as url:
            app_times.append(_create_demo(url, workers=workers, years=years))
            if backend == POSTGRES and not dumped:
                dumped = _dump(url)
        if backend == POSTGRES:
            with fresh_database(backend) as url:
                floor_times.append(_copy_floor(url, dumped))
    app_s = statistics.median(app_times)
    if backend == SQLITE:
        return Result("P7", what, app_s, target="reported (no COPY)")
    floor_s = statistics.median(floor_times)
    return Result(
        "P7",
        f"{what} vs COPY of the same {_row_count(dumped):,} rows",
        app_s,
        floor_s,
        target=f"≤ {TARGET:g}×",
        passed=within_ratio(app_s, floor_s, TARGET),
    )


def run(*, quick: bool, workers: int = 5000) -> list[Result]:
    """Accounts only (years 0, floor: COPY user_account) and the default 5 years of history."""
    repeats = 1 if quick else 3
    results = []
    for backend in backends():
        for years in (0, 5):
            results.append(_measure(backend, workers=workers, years=years, repeats=repeats))
    return results
