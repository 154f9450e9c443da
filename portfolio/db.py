"""Database engine, the request-scoped SQLModel session and the one place a unit of work commits.

Services add and flush; they never commit. A request commits once, after its view returned a
response that is not a server error (`_commit_request`); a CLI command or a scheduler job commits
once through `unit_of_work()`. A failure anywhere rolls the whole unit back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache

from flask import Flask, Response, current_app, g
from sqlalchemy import Table, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.sql import Executable
from sqlmodel import Session, create_engine

_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open on the connection


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; nothing connects until the first query."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, echo=echo, pool_size=5, max_overflow=10)
    _ping_when_idle(engine)
    _begin_at_first_write(engine)
    return engine


# A pooled connection idle for this long is tested before use (one round trip); one in steady
# use is not (SQLAlchemy's pool_pre_ping would test it on every request: a round trip each).
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a connection at checkout only when it sat idle in the pool (a restarted or
    failed-over server, a firewall dropping idle connections). A connection that breaks while in
    steady use fails its request once; SQLAlchemy then replaces every connection of the pool
    opened before it."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("idle_since")  # none on a new connection: nothing to test
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("idle connection lost") from error


# A request's session on PostgreSQL opens its transaction at its first statement that is not a
# plain read. PostgreSQL runs every statement of a READ COMMITTED transaction (the default, and
# the only level this app uses) on a snapshot of its own, so reads outside a transaction see
# exactly what they would see inside one. What a transaction adds is atomicity of the writes and
# locks held to its end: both start with the first write, a locking read or a savepoint, which
# opens the transaction before it runs. A page that only reads saves two round trips (BEGIN and
# COMMIT) of its three or four. SQLite's driver already begins only at the first write.
DEFERRED_BEGIN = "deferred_begin"
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b|advisory", re.I)


@lru_cache(maxsize=1024)
def plain_read(statement: str) -> bool:
    """A SELECT that neither locks nor takes an advisory lock. Kept per statement: a request
    sends the same few statements (SQLAlchemy's compiled cache hands out the same strings), and
    searching a long SELECT for a locking clause costs tens of microseconds each time."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _LOCKING.search(statement)


@event.listens_for(Session, "after_begin")
def _defer_begin(db_session, _transaction, connection) -> None:
    """A session marked `DEFERRED_BEGIN` on PostgreSQL reads in autocommit until its first write."""
    if not db_session.info.get(DEFERRED_BEGIN) or connection.dialect.name != "postgresql":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.info.transaction_status == _IDLE:
        dbapi_connection.autocommit = True
        connection.info[DEFERRED_BEGIN] = True


def _begin_at_first_write(engine: Engine) -> None:
    """Open the deferred transaction before the first statement that is not a plain read."""

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_write(connection, _cursor, statement, _parameters, context, _many) -> None:
        if not connection.info.get(DEFERRED_BEGIN) or connection.info.get(ALONE):
            return
        # A server-side cursor (stream_results) exists only inside a transaction.
        streamed = context is not None and context.execution_options.get("stream_results")
        if streamed or not plain_read(statement):
            connection.info[DEFERRED_BEGIN] = False
            connection.connection.dbapi_connection.autocommit = False  # BEGIN goes before it

    @event.listens_for(engine, "checkin")
    def _transactions_again(dbapi_connection, record) -> None:
        if record.info.pop(DEFERRED_BEGIN, None) is not None and dbapi_connection is not None:
            with suppress(Exception):  # a broken connection is discarded by the pool anyway
                dbapi_connection.autocommit = False


# The last statement of a unit of work that wrote nothing before it is sent alone, without
# BEGIN and COMMIT: a single statement is atomic by itself (`insert_at_commit`).
ALONE = "alone"
INSERT_AT_COMMIT = "insert_at_commit"


def insert_at_commit(db_session: Session, table: Table, row: dict) -> None:
    """Insert `row` into `table` when `db_session` commits, after everything else it wrote; a
    rollback drops it. A request that wrote nothing else sends it as a lone INSERT (on
    PostgreSQL in autocommit: no BEGIN and COMMIT round trips), which is what the audit row of a
    page that only shows someone's data costs (services.privacy.audit.record_view)."""
    db_session.info.setdefault(INSERT_AT_COMMIT, []).append((table, row))


@event.listens_for(Session, "before_commit")
def _insert_queued_rows(db_session) -> None:
    queued = db_session.info.pop(INSERT_AT_COMMIT, None)
    if not queued:
        return
    db_session.flush()  # what the unit of work wrote goes first
    connection = db_session.connection()
    connection.info[ALONE] = len(queued) == 1 and bool(connection.info.get(DEFERRED_BEGIN))
    try:
        for table, row in queued:
            connection.execute(insert(table), row)
    finally:
        connection.info.pop(ALONE, None)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued_rows(db_session, previous_transaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback keeps what came before it
        db_session.info.pop(INSERT_AT_COMMIT, None)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach the engine (lazy), the portfolio-revision hooks, and the request's commit."""
    from portfolio.infra import portfolio_revision

    portfolio_revision.install()
    app.extensions["db_engine"] = make_engine(
        app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"]
    )
    app.after_request(_commit_request)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of this request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False, info={DEFERRED_BEGIN: True})
    return g.db_session


def _commit_request(response: Response) -> Response:
    """Commit the request's unit of work once; a server error rolls it back instead.

    Runs before a streamed body is sent, so what a streaming view wrote (an export's audit row)
    is committed before the first byte.
    """
    db_session = g.get("db_session")
    if db_session is None:
        return response
    if response.status_code >= 500:
        db_session.rollback()
    elif not _wrote_nothing(db_session):
        db_session.commit()
    return response


def _wrote_nothing(db_session: Session) -> bool:
    """True when a commit would send nothing: no object is pending, no row is queued, and the
    database connection has no transaction open (PostgreSQL still reading in autocommit, SQLite
    before its first write). Closing the session then ends the request as a commit would, without
    the session's commit machinery (about a tenth of a page that is read from the cache)."""
    if db_session.new or db_session.dirty or db_session.deleted:
        return False
    if db_session.info.get(INSERT_AT_COMMIT):
        return False
    if not db_session.in_transaction():
        return True
    dbapi_connection = db_session.connection().connection.dbapi_connection
    if dbapi_connection is None:
        return False
    if hasattr(dbapi_connection, "in_transaction"):  # sqlite3
        return not dbapi_connection.in_transaction
    return dbapi_connection.info.transaction_status == _IDLE


def read_rows(db_session: Session, statement: Executable, parameters: dict | None = None) -> list:
    """The rows of a SELECT of columns (no ORM entities), run on the session's connection.

    `Session.execute` runs a select of ORM attributes through the ORM's execution, which sets up
    the loading of entities that are not there: about 0.2 ms a statement, as much as a short
    query costs in PostgreSQL. On the connection it costs what a Core select costs. What the
    session holds unflushed is flushed first, as the session itself would."""
    db_session.flush()
    return list(db_session.connection().execute(statement, parameters or {}).all())


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def discard_session() -> None:
    """Give up this request's session after a failure: detach what it loaded (the objects keep
    their values), roll back and close it, ignoring whatever the broken connection says. Pages
    rendered afterwards (the error page) must not read the database (`without_database`)."""
    g.without_database = True
    db_session = g.pop("db_session", None)
    if db_session is None:
        return
    # The connection may be gone: whatever these say, the error page must still render.
    with suppress(Exception):
        db_session.expunge_all()
        db_session.rollback()
    with suppress(Exception):
        db_session.close()


def without_database() -> bool:
    """True on a page rendered after the session was given up (no query may run)."""
    return bool(g.get("without_database"))


@contextmanager
def standalone_session(bind: Engine | None = None) -> Iterator[Session]:
    """A session outside any request (tests, steps that commit explicitly)."""
    with Session(bind or engine(), expire_on_commit=False) as db_session:
        yield db_session


@contextmanager
def unit_of_work(bind: Engine | None = None) -> Iterator[Session]:
    """A session for one CLI command or scheduler job: commits once at the end, or rolls back."""
    with standalone_session(bind) as db_session:
        try:
            yield db_session
        except BaseException:
            db_session.rollback()
            raise
        db_session.commit()
