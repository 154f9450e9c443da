"""The admin area: organisation settings and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portfolio.admin import (  # noqa: E402, F401  (registers the routes)
    sign_in,
    thresholds,
    views,
)
