"""What the log-in views and the admin's sign-in page share."""

from __future__ import annotations

from flask import current_app, url_for


def callback_url() -> str:
    """The redirect URI registered at the provider (one for every organisation)."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for("auth.sso_callback")
