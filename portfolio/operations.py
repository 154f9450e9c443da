"""What operations expect of a service: health checks, a request id and one log line per request.

`/healthz` answers while the process does; `/readyz` while the database (and Redis, when
CACHE_REDIS_URL is set) answers too: for a load balancer. Both are public, say only "ok" or
"unavailable" and are never cached. Every request gets an id (the proxy's X-Request-ID when it
is a plain token, else a new one), returned in the X-Request-ID header and shown on error pages
so a user can quote it, and one log line: request id, method, route, status and duration
(JSON lines when LOG_FORMAT=json).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, request
from sqlalchemy import text

from portfolio import access, db

bp = Blueprint("operations", __name__)
log = logging.getLogger("vakbekwaam.requests")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _plain(body: str, status: int = 200) -> Response:
    response = Response(body + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@access.public
def healthz():
    """The process answers."""
    return _plain("ok")


@bp.route("/readyz")
@access.public
def readyz():
    """The database answers (and Redis, when configured); the reason goes to the log only."""
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        if current_app.config.get("CACHE_REDIS_URL"):
            from portfolio.page_cache import redis_ping

            redis_ping()
    except Exception:
        current_app.logger.exception("readiness check failed")
        return _plain("unavailable", 503)
    return _plain("ok")


def request_id() -> str:
    """This request's id (made on first use)."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
    return g.request_id


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = request_id()
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    route = request.url_rule.rule if request.url_rule is not None else "-"
    if log.isEnabledFor(logging.INFO):
        fields = {
            "request_id": request_id(),
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(duration_ms, 1),
        }
        if current_app.config.get("LOG_FORMAT") == "json":
            log.info(json.dumps(fields))
        else:
            log.info(" ".join(f"{key}={value}" for key, value in fields.items()))
    return response


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging's last-resort handler)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def init_app(app: Flask) -> None:
    """Register first, so the id and the clock start before every other hook."""
    app.before_request(_start)
    app.after_request(_finish)
    app.context_processor(lambda: {"request_id": request_id() if request else None})
    app.register_blueprint(bp)
    if app.config.get("LOG_REQUESTS", True) and not log.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
