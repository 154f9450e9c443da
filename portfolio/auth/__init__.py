"""Log-in, log-out, password change and reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portfolio.auth import views  # noqa: E402, F401  (registers the routes)
