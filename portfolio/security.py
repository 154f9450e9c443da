"""Security headers, session lifetime and the route access rule, on every request."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, UnicodeConverter

from portfolio import access, clock

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Environments where cookies may travel over plain HTTP (the same set `config.check` allows).
NON_PRODUCTION_ENVS = frozenset({"development", "test"})


# The session's last-seen time is written (and the cookie sent again) at most this often: the
# idle timeout ends a session between SESSION_IDLE_MINUTES minus this and SESSION_IDLE_MINUTES
# after its last request; the page's warning timer counts from the stored time (idle_seconds_left).
SEEN_AT_RESOLUTION_SECONDS = 60


# Every id column is a 32-bit integer: a larger id in a URL names nothing (404, not a 500).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` for the whole app: 0 … 2^31 − 1; anything larger does not match (404)."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int = 0, max: int = MAX_ID) -> None:
        # A route may narrow the bounds, never widen them past a 32-bit id.
        super().__init__(
            url_map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max > MAX_ID else max
        )


class TextConverter(UnicodeConverter):
    """`<…>` and `<string:…>`: one path segment without control characters (else 404)."""

    def __init__(self, url_map, minlength: int = 1, maxlength: int | None = None, length=None):
        super().__init__(url_map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = r"[^/\x00-\x1f\x7f]" + self.regex.removeprefix("[^/]")


def install_request_handling(app: Flask) -> None:
    """Before any route exists: the cleaned request, bounded converters, trusted proxies."""
    from portfolio.requests import CleanRequest

    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        # Only behind that many proxies of our own may X-Forwarded-For/-Proto be believed;
        # by default (0) nothing a client sends changes the address the throttle sees.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_app(app: Flask) -> None:
    """Register the hooks; order matters: expire sessions before checking access."""
    install_request_handling(app)
    if app.config["ENV_NAME"] not in NON_PRODUCTION_ENVS:
        # The defaults follow VAKBEKWAAM_ENV only; an ENV_NAME given to create_app must not
        # leave cookies without Secure outside development.
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    from portfolio.web import kept_forms as keeping

    app.before_request(expire_session)
    app.before_request(keeping.keep_anonymous_post)
    app.before_request(access.enforce_route_rule)
    keeping.init_app(app)
    app.after_request(set_security_headers)
    app.add_template_global(idle_seconds_left)


def expire_session():
    """End a session that was idle too long or is older than its absolute lifetime."""
    if not current_user.is_authenticated:
        return None

    now = clock.now().timestamp()
    started = session.get("auth_at", 0)
    seen = session.get("seen_at", started)
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if now - started > absolute or now - seen > idle:
        from portfolio.web import kept_forms as keeping

        user_id = current_user.id
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        keeping.remember_ended_session(user_id)
        if keeping.wants_keeping():  # a form posted too late is kept, not thrown away
            return keeping.keep_and_send_to_login(user_id)
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if now - seen >= SEEN_AT_RESOLUTION_SECONDS:
        # Not on every request: an unchanged session is not signed and sent again.
        session["seen_at"] = now
    return None


def renew_idle_timer() -> None:
    """ "Stay logged in": the idle timeout counts from now (not rounded to the minute)."""
    session["seen_at"] = clock.now().timestamp()


def idle_seconds_left() -> int:
    """Seconds until the idle timeout ends this session, counted from the stored last-seen time
    (the page's warning timer, drafts.js)."""
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    seen = session.get("seen_at", session.get("auth_at", 0))
    return max(int(idle - (clock.now().timestamp() - seen)), 0)


def start_session(when: datetime) -> None:
    """A fresh session at log-in (no data carried over from before)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["auth_at"] = session["seen_at"] = when.timestamp()
    session.permanent = True


def set_security_headers(response):
    """CSP without inline script, nosniff, no framing, referrer policy; no-store when logged in."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # Hashed static files and content-hashed charts set their own, long-lived Cache-Control.
    if current_user and current_user.is_authenticated and not g.get("long_lived_response"):
        headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Only a local path is accepted as a redirect target (no scheme, host or '//')."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target
