"""P7 (import): `flask import-employees` of N new people, and again with every name changed.

The app side is the real command line (`portfolio.cli.import_employees`, run through Flask's CLI
runner): read the file, decode, parse, preview, then `employee_import.apply` of that preview,
which writes the people (COPY; changed people: COPY into a temporary table and one UPDATE … FROM),
their invitation tokens and mails (`people_admin.invite_many`) and the audit events. The web
import does the same steps split over two requests (upload: parse and preview; confirm: parse,
preview again and apply) but takes at most
`hr.import_views.MAX_BYTES` (2 MiB) — fewer than 70,000 people; `employee_csv.MAX_ROWS`
(100,000) bounds the command line. The file is what Excel writes ("CSV UTF-8": byte-order
mark, `;`), with every column: e-mail, name, role (one in 15 a supervisor), one of 40 existing
teams, active, and the start date when the product has that column.

Floors (PostgreSQL, one connection opened beforehand), as for the demo data (bench/demo_data.py):
every row the import wrote, read back from the app's own run (every column but the id):
- new people: `COPY … FROM STDIN` of the people, their invitation tokens and mails and the audit
  events, in one transaction, into the same empty organisation;
- every name changed: `COPY` of (e-mail, new name) into a temporary table and one
  `UPDATE user_account … FROM` it, and `COPY … FROM STDIN` of the audit events the import wrote.
Beside each, as information, the narrower floor: the user rows only; the names only.

Each measurement starts from the organisation with its teams and nobody in it (TRUNCATE …
RESTART IDENTITY), app and floor by turns; every update runs on a vacuumed user table.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import portfolio.models  # noqa: F401  (registers the tables)
from bench.databases import POSTGRES, bench_app, fresh_database
from bench.timing import Result, format_table, median, timed, within_ratio
from portfolio.db import make_engine, standalone_session
from portfolio.hr.import_views import MAX_BYTES
from portfolio.services.people.employee_csv import COLUMNS, MAX_ROWS

TARGET = 5.0
SIZES = (5_000, 70_000)
QUICK_SIZES = (500, 5_000)
TEAMS = 40
DOMAIN = "zorgvoorbeeld.nl"
RESET_TABLES = ("user_account", "password_reset_token", "outbox_message", "audit_event")


def employee_file(count: int, *, renamed: bool = False) -> bytes:
    """The HR system's export of `count` people (with every name changed when `renamed`)."""
    header = ["e-mail", "naam", "rol", "team", "actief"]
    if "start_date" in COLUMNS:
        header.append("in_dienst")
    lines = [";".join(header)]
    suffix = " (gewijzigd)" if renamed else ""
    for i in range(count):
        role = "supervisor" if i % 15 == 0 else "worker"
        cells = [
            f"medewerker{i:06d}@{DOMAIN}",
            f"Medewerker {i:06d}{suffix}",
            role,
            f"Team {i % TEAMS:02d}",
            "ja",
        ]
        if "start_date" in COLUMNS:
            cells.append(f"{1 + i % 28:02d}-{1 + i % 12:02d}-{2000 + i % 25}")
        lines.append(";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _organisation(url: str) -> int:
    """An organisation with TEAMS teams and nobody in it; returns its id."""
    engine = make_engine(url)
    try:
        with standalone_session(engine) as session:
            organisation_id = session.execute(
                text(
                    "INSERT INTO organisation (name, slug, created_at) "
                    "VALUES ('Stichting Import', 'import', now()) RETURNING id"
                )
            ).scalar_one()
            session.execute(
                text(
                    "INSERT INTO team (organisation_id, name, created_at) "
                    "SELECT :o, 'Team ' || lpad(n::text, 2, '0'), now() "
                    "FROM generate_series(0, :last) AS n"
                ),
                {"o": organisation_id, "last": TEAMS - 1},
            )
            session.commit()
    finally:
        engine.dispose()
    return organisation_id


def _reset(connection: psycopg.Connection) -> None:
    """Nobody in the organisation again (the connection is in autocommit mode)."""
    connection.execute(f"TRUNCATE {', '.join(RESET_TABLES)} RESTART IDENTITY CASCADE")
    connection.execute("VACUUM ANALYZE user_account")


def _columns(table: str) -> str:
    """Every column of `table` but a generated id, quoted, in table order."""
    found = SQLModel.metadata.tables[table].columns
    return ", ".join(f'"{c.name}"' for c in found if not (c.primary_key and c.name == "id"))


def _dump(connection: psycopg.Connection, tables: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(table, rows as COPY text) of what the import wrote into `tables`."""
    dumped = []
    for table in tables:
        sql = f'COPY "{table}" ({_columns(table)}) TO STDOUT'
        with connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[arg-type]
            dumped.append((table, b"".join(bytes(chunk) for chunk in copy)))
    return dumped


def _floor_insert(connection: psycopg.Connection, dumped: list[tuple[str, bytes]]) -> None:
    """COPY FROM STDIN of the dumped rows, in one transaction."""
    with connection.transaction(), connection.cursor() as cursor:
        for table, data in dumped:
            sql = f'COPY "{table}" ({_columns(table)}) FROM STDIN'
            with cursor.copy(sql) as copy:  # type: ignore[arg-type]
                copy.write(data)


def _dump_audit_after(connection: psycopg.Connection, last_id: int) -> list[tuple[str, bytes]]:
    """The audit events after `last_id` as COPY text (what one import wrote)."""
    sql = (
        f"COPY (SELECT {_columns('audit_event')} FROM audit_event "  # noqa: S608 - our columns
        f"WHERE id > {int(last_id)} ORDER BY id) TO STDOUT"
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[arg-type]
        return [("audit_event", b"".join(bytes(chunk) for chunk in copy))]


def _last_audit_id(connection: psycopg.Connection) -> int:
    return connection.execute("SELECT COALESCE(MAX(id), 0) FROM audit_event").fetchone()[0]


def _floor_update(
    connection: psycopg.Connection,
    names: list[tuple[str, str]],
    audit: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Every name via a temporary table and one UPDATE … FROM; then COPY of `audit`."""
    with connection.transaction(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_names (email text, name text) ON COMMIT DROP")
        with cursor.copy("COPY bench_names FROM STDIN") as copy:
            for row in names:
                copy.write_row(row)
        cursor.execute(
            "UPDATE user_account u SET name = n.name FROM bench_names n WHERE u.email = n.email"
        )
        for table, data in audit:
            sql = f'COPY "{table}" ({_columns(table)}) FROM STDIN'
            with cursor.copy(sql) as copy:  # type: ignore[arg-type]
                copy.write(data)


def _names(count: int, *, renamed: bool) -> list[tuple[str, str]]:
    suffix = " (gewijzigd)" if renamed else ""
    return [(f"medewerker{i:06d}@{DOMAIN}", f"Medewerker {i:06d}{suffix}") for i in range(count)]


def _command(runner, path: Path, organisation_id: int, expect: str) -> None:
    result = runner.invoke(
        args=["import-employees", str(path), "--organisation", str(organisation_id)]
    )
    if result.exit_code != 0 or expect not in result.output:
        raise RuntimeError(f"import-employees failed ({result.exit_code}): {result.output}")


def _measure(count: int, *, repeats: int, say) -> list[Result]:
    with fresh_database(POSTGRES) as url, tempfile.TemporaryDirectory() as folder:
        organisation_id = _organisation(url)
        first, second = Path(folder) / "first.csv", Path(folder) / "second.csv"
        first.write_bytes(data := employee_file(count))
        second.write_bytes(employee_file(count, renamed=True))
        app_create, app_update = [], []
        floor_create, floor_users, floor_update, floor_names = [], [], [], []
        users: list[tuple[str, bytes]] = []
        everything: list[tuple[str, bytes]] = []
        audit: list[tuple[str, bytes]] = []
        back, again = _names(count, renamed=False), _names(count, renamed=True)
        with bench_app(url) as app, psycopg.connect(_conninfo(url), autocommit=True) as connection:
            runner = app.test_cli_runner()
            for _ in range(repeats):
                _reset(connection)
                app_create.append(
                    timed(lambda: _command(runner, first, organisation_id, f"{count} added"))
                )
                if not users:  # what the import wrote, for the floors
                    users = _dump(connection, ("user_account",))
                    everything = _dump(connection, RESET_TABLES)
                created_until = _last_audit_id(connection)
                connection.execute("VACUUM user_account")
                app_update.append(
                    timed(lambda: _command(runner, second, organisation_id, f"{count} changed"))
                )
                if not audit:
                    audit = _dump_audit_after(connection, created_until)
                # The floors change every name back, then again: the same work as the import.
                connection.execute("VACUUM user_account")
                floor_update.append(
                    timed(lambda audit=audit: _floor_update(connection, back, audit))
                )
                connection.execute("VACUUM user_account")
                floor_names.append(timed(lambda: _floor_update(connection, again)))
                _reset(connection)
                floor_create.append(timed(lambda rows=everything: _floor_insert(connection, rows)))
                _reset(connection)
                floor_users.append(timed(lambda rows=users: _floor_insert(connection, rows)))
    size = len(data)
    where = "command line only, over the web's 2 MiB" if size > MAX_BYTES else "web or CLI"
    say(f"  {count:,} people: file {size / 1e6:.1f} MB ({where}); parser limit {MAX_ROWS:,}")
    written, events = _row_count(everything), _row_count(audit)
    rows = [
        (
            f"employee import, {count:,} new people ({size / 1e6:.1f} MB, {where}) vs COPY FROM "
            f"STDIN of all {written:,} rows it wrote (people, invitation tokens and mails, audit "
            "events)",
            app_create,
            floor_create,
            True,
        ),
        (
            f"  (same import vs COPY of the {count:,} user rows only)",
            app_create,
            floor_users,
            False,
        ),
        (
            f"employee import again, {count:,} people, every name changed, vs COPY + UPDATE … FROM "
            f"of the names and COPY of the {events:,} audit events it wrote",
            app_update,
            floor_update,
            True,
        ),
        (
            "  (same re-import vs COPY + UPDATE … FROM of the names only)",
            app_update,
            floor_names,
            False,
        ),
    ]
    results = []
    for what, app_times, floor_times, is_target in rows:
        app_s, floor_s = median(app_times), median(floor_times)
        if is_target:
            results.append(
                Result(
                    "P7",
                    what,
                    app_s,
                    floor_s,
                    f"≤ {TARGET:g}×",
                    within_ratio(app_s, floor_s, TARGET),
                )
            )
        else:
            results.append(Result("P7", what, app_s, floor_s, "info"))
    return results


def _row_count(dumped: list[tuple[str, bytes]]) -> int:
    return sum(data.count(b"\n") for _table, data in dumped)


def run(*, quick: bool, say=print) -> list[Result]:
    """Both sizes on fresh PostgreSQL databases (the second size is 70,000: the sector)."""
    results = []
    for count in QUICK_SIZES if quick else SIZES:
        say(f"  P7 employee import, {count:,} people")
        results += _measure(count, repeats=1 if quick else 3, say=say)
        say("\n".join("  " + line for line in format_table(results[-4:]).splitlines()[2:]))
    return results
