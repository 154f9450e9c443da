"""A registration's standing in one word, for team and organisation overviews.

Derived from the norm status and its forecast (NORMS.md: status as of a date, and whether the
norm will be met before the deadline at the current pace). A missed deadline without renewal
makes the registration expire (NORMS.md, Registerplein and SKJ).
"""

from __future__ import annotations

from datetime import date

from competencies.reminders import months_before
from competencies.status import NormStatus

ON_TRACK = "on_track"
BEHIND = "behind"
AT_RISK = "at_risk"
EXPIRED = "expired"
UNKNOWN = "unknown"
STANDINGS = (ON_TRACK, BEHIND, AT_RISK, EXPIRED, UNKNOWN)
AT_RISK_MONTHS = 6


def standing(status: NormStatus, today: date) -> str:
    """on_track, behind, at_risk (deadline within 6 months and off pace), expired or unknown."""
    if status.met:
        return ON_TRACK
    if today > status.period.deadline:
        return EXPIRED
    if status.forecast.on_track is None:
        return UNKNOWN
    if status.forecast.on_track:
        return ON_TRACK
    if today >= months_before(status.period.deadline, AT_RISK_MONTHS):
        return AT_RISK
    return BEHIND
