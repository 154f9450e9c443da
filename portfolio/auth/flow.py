"""The steps of a log-in shared by the password, the second factor and the provider's views."""

from __future__ import annotations

from flask import current_app, redirect, session, url_for
from flask_login import login_user

from portfolio import clock, db
from portfolio.models import User
from portfolio.security import safe_next, start_session
from portfolio.services.accounts import accounts

# The session key that remembers a sign-in through the provider (for the log-out).
SSO_SESSION_KEY = "sso"
# The session key of a log-in whose password was right and that waits for the second factor.
PENDING_KEY = "second_factor_pending"
PENDING_SECONDS = 300


def finish_login(database, user: User, next_path: str | None, *, extra: dict | None = None):
    """Start a fresh session for `user` and go to where they were heading."""
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:  # chosen before logging in: keep it
        accounts.set_locale(database, user=user, locale=chosen)
    start_session(clock.now())
    session.update(extra or {})
    login_user(user)
    return redirect(safe_next(next_path, url_for("main.home")))


def begin_second_factor(user: User, next_path: str | None):
    """Remember who gave the right password; ask the code (or set up the authenticator)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING_KEY] = {
        "user": user.id,
        "token": user.session_token,
        "next": next_path or "",
        "at": clock.now().timestamp(),
    }
    if user.totp_enabled_at is None:
        return redirect(url_for("auth.second_factor_setup"))
    return redirect(url_for("auth.second_factor_code"))


def pending_user() -> tuple[User, str] | None:
    """The person waiting for their second factor, with where they were heading; None when
    nobody waits, the wait took too long, or the account changed meanwhile."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session().get(User, pending.get("user"))
    if user is None or not user.is_active or user.session_token != pending.get("token"):
        session.pop(PENDING_KEY, None)
        return None
    return user, pending.get("next", "")
