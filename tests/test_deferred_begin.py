"""A request on PostgreSQL opens its transaction at its first write (reads need none).

Under READ COMMITTED every statement reads its own snapshot, inside a transaction or not, so a
page that only reads is answered without BEGIN and COMMIT. What a transaction is for must still
hold: everything a request writes is one unit, a server error rolls all of it back, and a locking
read holds its lock to the end of the request.
"""

from __future__ import annotations

import pytest
from flask_login import current_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portfolio import access, create_app
from portfolio import db as database
from portfolio.db import plain_read
from portfolio.models import AuditEvent, Role, Team, User
from portfolio.services.privacy import audit
from tests.conftest import app_config, is_postgres, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

IDLE, INTRANS = 0, 2  # psycopg.pq.TransactionStatus


def test_only_plain_selects_count_as_reads():
    assert plain_read("SELECT user_account.id FROM user_account WHERE id = %(id)s")
    assert plain_read("  select count(*) from entry")
    assert not plain_read("SELECT entry.id FROM entry WHERE entry.id = 1 FOR UPDATE")
    assert not plain_read("SELECT entry.id FROM entry FOR NO KEY UPDATE OF entry")
    assert not plain_read("SELECT id FROM entry FOR SHARE")
    assert not plain_read("SELECT pg_try_advisory_xact_lock(7)")
    assert not plain_read("INSERT INTO audit_event (action) VALUES ('x')")
    assert not plain_read("UPDATE user_account SET name = 'x'")
    assert not plain_read("WITH gone AS (DELETE FROM entry RETURNING id) SELECT count(*) FROM gone")
    assert not plain_read('SAVEPOINT "sa_savepoint_1"')


needs_postgres = pytest.mark.skipif(not is_postgres(), reason="SQLite's driver already does this")


class TransactionStates:
    """(statement, the connection's transaction status when it ran) of each statement."""

    def __init__(self, engine) -> None:
        self.seen: list[tuple[str, int]] = []
        event.listen(engine, "after_cursor_execute", self)

    def __call__(self, connection, _cursor, statement, *_args) -> None:
        status = connection.connection.dbapi_connection.info.transaction_status
        self.seen.append((statement.split()[0].upper(), int(status)))


@pytest.fixture
def application(database_url):
    application = create_app(app_config(database_url))
    application.testing = False  # a server error is answered as in production

    @access.authenticated
    def two_writes_then_fail():
        session = database.session()
        session.get(User, current_user.id)
        session.add(Team(organisation_id=current_user.organisation_id, name="Eerste"))
        session.flush()
        session.add(Team(organisation_id=current_user.organisation_id, name="Tweede"))
        session.flush()
        raise RuntimeError("after two writes")

    @access.authenticated
    def two_writes():
        session = database.session()
        session.add(Team(organisation_id=current_user.organisation_id, name="Derde"))
        session.flush()
        session.add(Team(organisation_id=current_user.organisation_id, name="Vierde"))
        return "ok"

    @access.authenticated
    def locking_read():
        session = database.session()
        session.execute(select(User.id).where(User.id == current_user.id).with_for_update())
        return "ok"

    @access.authenticated
    def streamed_read():
        rows = database.session().execute(
            select(User.id).execution_options(stream_results=True, yield_per=2)
        )
        return str(sum(1 for _ in rows))

    @access.authenticated
    def seen_then_fail():
        viewer = current_user._get_current_object()
        audit.record_view(
            database.session(), actor=viewer, action="view_person", subject_user_id=viewer.id
        )
        raise RuntimeError("after the audit row was queued")

    @access.authenticated
    def write_and_seen():
        session, viewer = database.session(), current_user._get_current_object()
        audit.record_view(session, actor=viewer, action="view_person", subject_user_id=viewer.id)
        session.add(Team(organisation_id=viewer.organisation_id, name="Vijfde"))
        return "ok"

    @access.authenticated
    def core_write():
        database.session().execute(
            update(User).where(User.id == current_user.id).values(name="Geschreven met Core")
        )
        return "ok"

    application.add_url_rule("/_test/core-write", "core_write", core_write)
    application.add_url_rule("/_test/seen-fail", "seen_then_fail", seen_then_fail)
    application.add_url_rule("/_test/write-seen", "write_and_seen", write_and_seen)
    application.add_url_rule("/_test/stream", "streamed_read", streamed_read)
    application.add_url_rule("/_test/fail", "two_writes_then_fail", two_writes_then_fail)
    application.add_url_rule("/_test/write", "two_writes", two_writes)
    application.add_url_rule("/_test/lock", "locking_read", locking_read)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def worker_client(application, db):
    organisation = make_organisation(db)
    worker = make_user(db, organisation, team=make_team(db, organisation))
    client = application.test_client()
    login(client, worker.email, PASSWORD)
    client.get("/notifications")  # the first visit may record things (nothing is pending)
    return client


@needs_postgres
def test_a_page_that_only_reads_opens_no_transaction(application, worker_client):
    states = TransactionStates(application.extensions["db_engine"])
    for path in ("/notifications", "/portfolio/entries", "/account"):
        assert worker_client.get(path).status_code == 200
    assert states.seen, "the pages read nothing?"
    assert {status for _, status in states.seen} == {IDLE}, states.seen


@needs_postgres
def test_writes_run_in_one_transaction_from_the_first_write(application, worker_client, db):
    states = TransactionStates(application.extensions["db_engine"])
    assert worker_client.get("/_test/write").status_code == 200
    kinds = [(kind, status) for kind, status in states.seen if kind != "SELECT"]
    assert kinds == [("INSERT", INTRANS), ("INSERT", INTRANS)]
    assert ("SELECT", IDLE) in states.seen  # the user was read before any transaction
    names = set(db.scalars(select(Team.name)))
    assert {"Derde", "Vierde"} <= names


@needs_postgres
def test_a_server_error_rolls_back_every_write_of_the_request(application, worker_client, db):
    assert worker_client.get("/_test/fail").status_code == 500
    names = set(db.scalars(select(Team.name)))
    assert not names & {"Eerste", "Tweede"}
    assert worker_client.get("/notifications").status_code == 200  # the connection is fine


@needs_postgres
def test_a_locking_read_opens_the_transaction_before_it_runs(application, worker_client):
    states = TransactionStates(application.extensions["db_engine"])
    assert worker_client.get("/_test/lock").status_code == 200
    locking = [status for kind, status in states.seen if kind == "SELECT"][-1]
    assert locking == INTRANS
    # The pooled connection is back in transaction mode for whoever uses it next.
    engine = application.extensions["db_engine"]
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False


@needs_postgres
def test_a_streamed_read_gets_the_transaction_a_server_side_cursor_needs(worker_client):
    response = worker_client.get("/_test/stream")
    assert response.status_code == 200 and int(response.get_data(as_text=True)) >= 1


def _audit_rows(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@needs_postgres
def test_the_audit_row_of_a_page_that_only_reads_is_sent_alone(application, db):
    """One INSERT is atomic by itself: no BEGIN and COMMIT around it."""
    organisation = make_organisation(db)
    team = make_team(db, organisation)
    member = make_user(db, organisation, team=team)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=team)
    client = application.test_client()
    login(client, lead.email, PASSWORD)
    states = TransactionStates(application.extensions["db_engine"])
    assert client.get(f"/team/members/{member.id}").status_code == 200
    assert {status for _, status in states.seen} == {IDLE}, states.seen
    assert [kind for kind, _ in states.seen][-1] == "INSERT"
    (row,) = _audit_rows(db, "view_member_portfolio")
    assert (row.actor_id, row.subject_user_id) == (lead.id, member.id)


@needs_postgres
def test_a_queued_audit_row_joins_the_requests_other_writes(application, worker_client, db):
    states = TransactionStates(application.extensions["db_engine"])
    assert worker_client.get("/_test/write-seen").status_code == 200
    writes = [(kind, status) for kind, status in states.seen if kind != "SELECT"]
    assert writes == [("INSERT", INTRANS), ("INSERT", INTRANS)]  # the team, then the audit row
    assert "Vijfde" in set(db.scalars(select(Team.name)))
    assert len(_audit_rows(db, "view_person")) == 1


def test_a_server_error_drops_the_queued_audit_row(application, worker_client, db):
    assert worker_client.get("/_test/seen-fail").status_code == 500
    assert _audit_rows(db, "view_person") == []


class Commits:
    """How many times a session committed while this is open."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _session) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(Session, "after_commit", self)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(Session, "after_commit", self)


def test_a_request_that_wrote_nothing_ends_without_a_commit(worker_client, db):
    with Commits() as commits:
        for path in ("/notifications", "/portfolio/entries", "/account"):
            assert worker_client.get(path).status_code == 200
    assert commits.count == 0


def test_a_write_without_orm_objects_is_still_committed(worker_client, db):
    with Commits() as commits:
        assert worker_client.get("/_test/core-write").status_code == 200
    assert commits.count == 1
    db.expire_all()
    assert "Geschreven met Core" in set(db.scalars(select(User.name)))


def test_a_queued_row_alone_is_still_committed(application, worker_client, db):
    """Nothing pending and no transaction open, but a row waits for the commit."""
    viewer = db.scalar(select(User).where(User.role == Role.WORKER.value))
    with application.test_request_context():
        session = database.session()
        audit.record_view(session, actor=viewer, action="view_person", subject_user_id=viewer.id)
        response = application.response_class("ok")
        database._commit_request(response)
        database._close_session(None)
    assert len(_audit_rows(db, "view_person")) == 1
