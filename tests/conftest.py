"""Fixtures: a real database per test (SQLite file, or PostgreSQL), the app, clients, helpers.

The suite runs on SQLite by default. Set VAKBEKWAAM_TEST_POSTGRES to a server URL
(e.g. postgresql://postgres@127.0.0.1:5432/test) to run it on PostgreSQL instead: a database
is created for the run and dropped afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import portfolio.models  # noqa: F401  (registers the tables)
from portfolio import create_app, migrate
from portfolio.config import normalise_database_url

pytest_plugins = ["tests.smtp", "tests.oidc_provider"]

POSTGRES_SERVER = os.environ.get("VAKBEKWAAM_TEST_POSTGRES", "").strip()
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def is_postgres() -> bool:
    """True when this run uses PostgreSQL."""
    return bool(POSTGRES_SERVER)


def pytest_report_header(config) -> str:
    if is_postgres():
        url = make_url(normalise_database_url(POSTGRES_SERVER))
        return f"database: PostgreSQL at {url.host}:{url.port or 5432} (a fresh database)"
    return "database: SQLite (a fresh file per test)"


def pytest_terminal_summary(terminalreporter) -> None:
    terminalreporter.write_line(
        "This run used "
        + (
            "PostgreSQL."
            if is_postgres()
            else "SQLite (set VAKBEKWAAM_TEST_POSTGRES for PostgreSQL)."
        )
    )


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory) -> Iterator[str]:
    """A migrated database made once per run: a template file (SQLite) or a database (PG)."""
    if not is_postgres():
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        migrate.upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    server = make_url(normalise_database_url(POSTGRES_SERVER))
    name = f"vakbekwaam_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(_database_template, tmp_path) -> Iterator[str]:
    """An empty, migrated database for one test."""
    if not is_postgres():
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(_database_template, path)
        yield f"sqlite:///{path}"
        return
    yield _database_template
    engine = create_engine(_database_template)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def app_config(database_url: str, **overrides) -> dict:
    """The configuration every test app starts from."""
    return {
        "TESTING": True,
        "ENV_NAME": "test",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 9,  # nothing listens: mail stays queued unless a test starts a server
        "SMTP_TIMEOUT": 2,
        "SERVER_NAME": None,
        # The suite's organisations ask no second factor unless a test chooses one
        # (tests/test_second_factor.py); the instance's default is "hr_admin".
        "SECOND_FACTOR_DEFAULT": "none",
        **overrides,
    }


@pytest.fixture
def app(database_url):
    """The app on this test's database."""
    application = create_app(app_config(database_url))
    yield application
    application.extensions["db_engine"].dispose()


CLOCK_START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Clock:
    """A settable clock for app.config["CLOCK"]."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app) -> Clock:
    """The app's clock, starting at CLOCK_START."""
    app.config["CLOCK"] = Clock(CLOCK_START)
    return app.config["CLOCK"]


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def db(app):
    """A session for arranging and checking data directly.

    It pushes no app context: one left open would be shared by every test-client request.
    Services only flush: as in the app, the caller ends the unit of work. Here that is the
    test, and its arrangement ends when the app is used: the session commits before every
    test-client request, and the test commits itself before anything else (a CLI command).
    """
    from portfolio.db import standalone_session

    with standalone_session(app.extensions["db_engine"]) as session:

        def commit_the_arrangement() -> None:
            if session.in_transaction():
                session.commit()
                session.expire_all()  # what the test reads next comes from the database again

        app.before_request_funcs.setdefault(None, []).insert(0, commit_the_arrangement)
        yield session


class QueryCounter:
    """Counts SQL statements sent through an engine."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        """How many statements were counted."""
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Use as `with count_queries() as counter:`; counter.count after the block."""
    from contextlib import contextmanager

    engine = app.extensions["db_engine"]

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


FLASH_RE = re.compile(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', re.S)


def flashes(response) -> list[tuple[str, str]]:
    """(category, text) of the flashed messages on a page."""
    return FLASH_RE.findall(response.get_data(as_text=True))


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """A CSRF token for this client's session, read from a page as a browser would."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def without_csrf_tokens(html: str) -> str:
    """A page without its CSRF tokens, whose timestamp differs between renders a second apart."""
    return re.sub(r'name="csrf[_-]token"[^>]*>', "", html)


def post_form(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a form with a valid CSRF token taken from `token_from` (default: the same path)."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def login(client, email: str, password: str):
    """Log in through the real form."""
    return post_form(client, "/login", {"email": email, "password": password})


@pytest.fixture
def seeds_dir() -> Path:
    """The shared source documents."""
    return Path(__file__).resolve().parents[2] / "shared" / "seeds"


def without_labels(html: str) -> str:
    """A page without the data-label attributes of its table cells (the phone layout's column
    names), for tests that look for a cell's exact markup."""
    return re.sub(r' data-label="[^"]*"', "", html)
