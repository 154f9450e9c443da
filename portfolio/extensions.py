"""Flask extensions, each bound with its own init_app."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from portfolio import db
from portfolio.services.accounts.accounts import load_session_user

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def select_locale() -> str:
    """The user's language, else the one chosen in this session, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    if db.without_database():  # an error page: only what is already in memory
        chosen = g.get("user_locale") or (session.get("lang") if request else None)
        return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


@login_manager.user_loader
def _load_user(identity: str):
    found = load_session_user(db.session(), identity)
    if found is None:
        return None
    user, g.unread_notifications, kinds = found  # for the header (templating)
    g.signoff_kinds = {user.organisation_id: kinds}  # for entry statuses (templating)
    g.user_locale = user.locale  # for an error page that may not read the database
    return user


def init_app(app: Flask) -> None:
    """Bind login, CSRF and Babel to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
