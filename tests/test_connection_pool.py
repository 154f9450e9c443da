"""The PostgreSQL pool tests a connection only after it sat idle (no round trip per request)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from portfolio import db as database
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="the pool's ping is PostgreSQL's")


def test_a_connection_in_steady_use_is_not_pinged(database_url, monkeypatch):
    engine = database.make_engine(database_url)
    pings = []
    monkeypatch.setattr(
        type(engine.dialect), "do_ping", lambda self, connection: pings.append(1) or True
    )
    try:
        for _ in range(3):
            with engine.connect() as connection:
                assert connection.scalar(text("SELECT 1")) == 1
        assert pings == []
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as connection:
            connection.scalar(text("SELECT 1"))
        assert pings == [1]
    finally:
        engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(database_url, monkeypatch):
    engine = database.make_engine(database_url)
    admin = create_engine(database_url)
    try:
        with engine.connect() as connection:
            lost = connection.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as other:  # the server drops the pooled, idle connection
            assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as connection:  # pinged, found lost, replaced: no error
            assert connection.scalar(text("SELECT pg_backend_pid()")) != lost
    finally:
        engine.dispose()
        admin.dispose()
