"""The supervisor's area: the teams they lead."""

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/team")

from portfolio.supervisor import views  # noqa: E402, F401  (registers the routes)
