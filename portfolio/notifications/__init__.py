"""In-app notifications and the private calendar feed."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from portfolio.notifications import views  # noqa: E402, F401  (registers the routes)
