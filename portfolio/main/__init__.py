"""Start page, the catalogue and the language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portfolio.main import pwa, views  # noqa: E402, F401  (registers the routes)
