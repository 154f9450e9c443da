"""Rendered pages through Flask-Caching: per process by default, shared in the real Redis at
127.0.0.1:6379 when CACHE_REDIS_URL is set, and never older than the portfolio revision, even
when the change was written by another process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from datetime import date
from decimal import Decimal

import pytest
import redis
from sqlalchemy import event

from portfolio import create_app
from portfolio.models import Entry
from tests.conftest import app_config, login, without_csrf_tokens
from tests.factories import PASSWORD, make_organisation, make_user

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def prefix():
    """A key prefix of this test run only; its keys are removed afterwards."""
    name = f"vakbekwaam-test-{uuid.uuid4().hex[:12]}:"
    yield name
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _redis_app(database_url: str, prefix: str):
    return create_app(app_config(database_url, CACHE_REDIS_URL=REDIS, CACHE_KEY_PREFIX=prefix))


def _worker(db):
    worker = make_user(db, make_organisation(db), locale="en")
    db.add(
        Entry(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            kind="training",
            title="Eerste scholing",
            occurred_on=date(2025, 2, 1),
            hours=Decimal(3),
            catalogue_version="t",
        )
    )
    db.commit()
    return worker


def test_the_default_cache_is_per_process_and_needs_no_server(app, client, db, count_queries):
    worker = _worker(db)
    login(client, worker.email, PASSWORD)
    first = client.get("/portfolio/").get_data(as_text=True)
    with count_queries() as counter:
        again = client.get("/portfolio/").get_data(as_text=True)
    assert without_csrf_tokens(again) == without_csrf_tokens(first) and "Eerste scholing" in again
    assert counter.count <= 3  # the user and the session; the content from the cache
    with app.app_context():
        assert type(app.extensions["page_caches"][""].cache).__name__ == "SimpleCache"


def test_two_app_processes_share_pages_in_redis(database_url, db, prefix):
    worker = _worker(db)
    first_app, second_app = _redis_app(database_url, prefix), _redis_app(database_url, prefix)
    first, second = first_app.test_client(), second_app.test_client()
    login(first, worker.email, PASSWORD)
    login(second, worker.email, PASSWORD)
    page = first.get("/portfolio/").get_data(as_text=True)
    assert list(redis.Redis.from_url(REDIS).scan_iter(f"{prefix}page:dashboard:*"))

    statements = []
    engine = second_app.extensions["db_engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        shared = second.get("/portfolio/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert without_csrf_tokens(shared) == without_csrf_tokens(page)
    assert len(statements) <= 3  # the second process rendered nothing: the page came from Redis
    for app in (first_app, second_app):
        app.extensions["db_engine"].dispose()


def test_a_change_by_another_process_is_shown_at_once(database_url, db, prefix):
    worker = _worker(db)
    app = _redis_app(database_url, prefix)
    client = app.test_client()
    login(client, worker.email, PASSWORD)
    assert "Tweede scholing" not in client.get("/portfolio/").get_data(as_text=True)

    # Another process (the way a second gunicorn worker or machine would) adds an entry.
    script = textwrap.dedent(
        f"""
        from datetime import date
        from decimal import Decimal
        from portfolio import create_app
        from portfolio.db import standalone_session
        from portfolio.models import Entry
        app = create_app({{"ENV_NAME": "test", "SECRET_KEY": "x" * 40,
                          "DATABASE_URL": {database_url!r}}})
        with app.app_context(), standalone_session() as db:
            db.add(Entry(organisation_id={worker.organisation_id}, owner_id={worker.id},
                         kind="training", title="Tweede scholing", occurred_on=date(2025, 2, 2),
                         hours=Decimal(2), catalogue_version="t"))
            db.commit()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)

    assert "Tweede scholing" in client.get("/portfolio/").get_data(as_text=True)
    app.extensions["db_engine"].dispose()


def test_an_unreachable_redis_only_costs_time(database_url, db, prefix):
    worker = _worker(db)
    app = create_app(app_config(database_url, CACHE_REDIS_URL="redis://127.0.0.1:9/0"))
    client = app.test_client()
    login(client, worker.email, PASSWORD)
    response = client.get("/portfolio/")
    assert response.status_code == 200
    assert "Eerste scholing" in response.get_data(as_text=True)
    app.extensions["db_engine"].dispose()
