"""Template helpers and error pages."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, render_template
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "worker": _l("Social worker"),
    "supervisor": _l("Supervisor"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}

AUDIT_ACTIONS = {
    "login": _l("Logged in"),
    "password_changed": _l("Changed password"),
    "view_person": _l("Viewed a person's record"),
    "export_my_data": _l("Downloaded own data"),
    "privacy_override": _l("Saved despite a privacy warning"),
    "settings_changed": _l("Changed organisation settings"),
}

STANDINGS = {
    "on_track": _l("on track"),
    "behind": _l("behind"),
    "at_risk": _l("at risk of missing the deadline"),
    "expired": _l("expired"),
    "unknown": _l("unknown: thresholds to be verified"),
}

MAIL_STATUSES = {"queued": _l("waiting"), "sent": _l("sent"), "failed": _l("failed")}

ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("No access"), _l("You do not have access to this page.")),
    404: (_l("Not found"), _l("This page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    413: (
        _l("File too large"),
        _l("The file is larger than allowed. Choose a smaller file and try again."),
    ),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("Please try again. The error has been logged.")),
}


def current_locale() -> str:
    """The language of this request, as a code."""
    return str(get_locale() or "nl")


def localized(record, field: str) -> str:
    """A record's text in the current language (Dutch is the source, English where present)."""
    if current_locale() == "en":
        english = getattr(record, f"{field}_en", None)
        if english:
            return english
    return getattr(record, field)


def number(value) -> str:
    """A number in the current locale, decimals only when needed."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    return format_decimal(value, format="#,##0.##")


def init_app(app: Flask) -> None:
    """Register globals, filters and error handlers."""
    app.jinja_env.globals.update(
        current_locale=current_locale,
        localized=localized,
        role_label=lambda role: ROLE_LABELS.get(role, role),
        audit_action_label=lambda action: AUDIT_ACTIONS.get(action, action),
        mail_status_label=lambda status: MAIL_STATUSES.get(status, status),
        standing_label=lambda value: STANDINGS.get(value, value),
    )
    app.jinja_env.filters["number"] = number
    app.context_processor(_unread_notifications)
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, "short")
    app.jinja_env.filters["date"] = lambda value: format_date(value, "medium") if value else "—"
    for code in ERRORS:
        app.register_error_handler(code, _error_page)


def _unread_notifications() -> dict:
    """The unread count for the header (one query, logged-in pages only)."""
    from flask_login import current_user

    from portfolio import db
    from portfolio.services.notifications import unread_count

    if not current_user or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(db.session(), user_id=current_user.id)}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    return render_template("errors/error.html", title=title, message=message), code
