"""Shared peer review sessions, as a participant sees them."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

from portfolio.sessions import views  # noqa: E402, F401  (registers the routes)
