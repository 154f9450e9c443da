"""Feedback requests: ask colleagues or outside people, and answer requests."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

from portfolio.feedback import views  # noqa: E402, F401  (registers the routes)
