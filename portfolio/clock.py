"""The current time for the app, replaceable in tests through the CLOCK setting."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from portfolio.models import utcnow

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """Timezone-aware UTC now (or the test clock)."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


def today() -> date:
    """Today's date in the Netherlands."""
    return now().astimezone(AMSTERDAM).date()
