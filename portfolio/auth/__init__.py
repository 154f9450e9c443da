"""Log-in (password, second factor, the organisation's provider), log-out, password change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portfolio.auth import factor, sso, views  # noqa: E402, F401  (registers the routes)
