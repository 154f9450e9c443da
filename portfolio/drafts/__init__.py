"""Drafts saved while typing, the keep-alive, and forms kept over a log-in."""

from flask import Blueprint

bp = Blueprint("drafts", __name__, url_prefix="/drafts")

from portfolio.drafts import views  # noqa: E402, F401  (registers the routes)
