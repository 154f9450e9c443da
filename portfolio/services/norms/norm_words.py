"""Norm requirements in words that pages, reminders and exports share (issue 14)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _


def number(value: Decimal) -> str:
    """A number the way the current language writes it (1,5 in Dutch)."""
    return format_decimal(value, "#,##0.##")


# The work-hours requirements that are averages per week, not totals (SKJ: on average at
# least 16 hours a week, of which 8 in the profession; NORMS.md).
AVERAGE_REQUIREMENTS = ("work_hours_average", "work_hours_profession_average")


def average_shortfall_text(status, requirement: str, short_by: Decimal) -> str:
    """ "At your current hours you will work on average 13 hours a week; the register asks
    at least 16." """
    work = status.work_hours
    required = (
        work.required_average_per_week
        if requirement == "work_hours_average"
        else work.required_profession_average_per_week
    )
    projected = required - short_by
    if requirement == "work_hours_average":
        return _(
            "At your current hours you will work on average %(hours)s hours a week in this "
            "period; the register asks at least %(required)s.",
            hours=number(projected),
            required=number(required),
        )
    return _(
        "At your current hours you will work on average %(hours)s hours a week in the "
        "registered profession; the register asks at least %(required)s.",
        hours=number(projected),
        required=number(required),
    )
