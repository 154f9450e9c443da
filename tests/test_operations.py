"""Health checks for the load balancer, the request id and one log line per request."""

from __future__ import annotations

import json
import logging

from sqlalchemy import create_engine

from tests.conftest import app_config


def test_healthz_and_readyz_answer_without_a_log_in_and_reveal_nothing(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "ok\n"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers


def test_readyz_says_unavailable_when_the_database_does_not_answer(app, client):
    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        response = client.get("/readyz")
    finally:
        app.extensions["db_engine"] = working
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable\n"
    assert client.get("/healthz").status_code == 200


def test_readyz_asks_redis_when_a_cache_is_configured(database_url):
    from portfolio import create_app

    for redis_url, status in (("redis://127.0.0.1:9/0", 503), ("redis://127.0.0.1:6379/15", 200)):
        app = create_app(app_config(database_url, CACHE_REDIS_URL=redis_url))
        try:
            assert app.test_client().get("/readyz").status_code == status
        finally:
            app.extensions["db_engine"].dispose()


def test_every_request_logs_one_line_with_its_id(app, client, caplog):
    app.config["LOG_FORMAT"] = "json"
    with caplog.at_level(logging.INFO, logger="vakbekwaam.requests"):
        logger = logging.getLogger("vakbekwaam.requests")
        logger.addHandler(caplog.handler)
        try:
            response = client.get("/login", headers={"X-Request-ID": "abc-123-def"})
            client.get("/does-not-exist")
        finally:
            logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == logger.name]
    assert response.headers["X-Request-ID"] == "abc-123-def"
    assert lines[0] == {
        "request_id": "abc-123-def",
        "method": "GET",
        "route": "/login",
        "status": 200,
        "duration_ms": lines[0]["duration_ms"],
    }
    assert lines[1]["status"] == 404 and lines[1]["route"] == "-"
    assert len(lines) == 2


def test_error_pages_show_the_request_id(client):
    response = client.get("/does-not-exist", headers={"X-Request-ID": "<script>x</script>"})
    html = response.get_data(as_text=True)
    made = response.headers["X-Request-ID"]
    assert response.status_code == 404
    assert made != "<script>x</script>" and len(made) == 32
    assert f"<code>{made}</code>" in html
