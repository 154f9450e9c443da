"""Registration-period arithmetic (NORMS.md: "period 5 years from the (re)registration date;
apply at the latest one day before the end date; only activities inside the period count")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """A registration period: `start` inclusive, `end` exclusive, `deadline` = end − 1 day."""

    start: date
    end: date
    deadline: date

    def contains(self, day: date) -> bool:
        """True when `day` lies inside the period (start <= day < end)."""
        return self.start <= day < self.end

    @property
    def last_day(self) -> date:
        """The last day that still belongs to the period."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days


def add_years(day: date, years: int) -> date:
    """The same calendar date `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=2, day=28)


def registration_period(registered_on: date, years: int = 5) -> Period:
    """Period of `years` from the (re)registration date (SKJ and Registerplein: 5 years).

    The end is the same date `years` later (exclusive); the deadline to apply is one day
    before the end date, as SKJ requires (NORMS.md).
    """
    if years < 1:
        raise ValueError(f"a period lasts at least one year, got {years}")
    end = add_years(registered_on, years)
    return Period(start=registered_on, end=end, deadline=end - timedelta(days=1))
