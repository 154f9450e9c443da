"""Security headers, session lifetime and the route access rule, on every request."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portfolio import access, clock

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Environments where cookies may travel over plain HTTP (the same set `config.check` allows).
NON_PRODUCTION_ENVS = frozenset({"development", "test"})


def init_app(app: Flask) -> None:
    """Register the hooks; order matters: expire sessions before checking access."""
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
    session["seen_at"] = now
    return None


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
