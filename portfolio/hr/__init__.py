"""The HR area: people and teams of the organisation."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

from portfolio.hr import views  # noqa: E402, F401  (registers the routes)
