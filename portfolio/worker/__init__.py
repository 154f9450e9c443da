"""The worker's portfolio: entries, evidence, registrations, dashboard, development, exports."""

from flask import Blueprint

bp = Blueprint("worker", __name__, url_prefix="/portfolio")

# Each module registers its own routes on `bp`.
from portfolio.worker import (  # noqa: E402, F401
    capture,
    dashboard,
    development,
    entries,
    erasure,
    evaluation,
    evidence,
    exports,
    registrations,
)
