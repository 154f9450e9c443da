"""The HR area: people and teams of the organisation."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

from portfolio.hr import (  # noqa: E402, F401  (registers the routes)
    exports,
    import_views,
    people_views,
    views,
)
