"""The supervisor's area: the teams they lead."""

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/team")

# Each module registers its own routes on `bp`.
from portfolio.supervisor import (  # noqa: E402, F401
    assessment,
    evaluation,
    members,
    views,
)
