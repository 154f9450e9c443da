"""Forecast: at the current pace, when is each requirement of a norm met (NORMS.md, "a forecast:
at the current pace, on which date will the norm be met, and is that before the deadline")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from competencies.period import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Requirement:
    """One requirement with a set threshold: a category minimum, the total or work hours."""

    id: str
    counted: Decimal
    required: Decimal
    cap: Decimal | None = None


@dataclass(frozen=True)
class Shortfall:
    """A requirement that, at its pace, will not be reached by the deadline."""

    requirement: str
    projected: Decimal
    required: Decimal
    short_by: Decimal


@dataclass(frozen=True)
class Forecast:
    """When the norm will be met at the current pace, and whether that is before the deadline."""

    met_on: date | None
    on_track: bool | None
    shortfalls: tuple[Shortfall, ...] = ()


def days_elapsed(period: Period, as_of: date) -> int:
    """Days from the period start up to and including `as_of`, clipped to the period."""
    return min(max((as_of - period.start).days + 1, 0), period.days)


def forecast(
    requirements: tuple[Requirement, ...], period: Period, as_of: date, *, unconfirmed: bool
) -> Forecast:
    """Project every unmet requirement at its average daily pace since the period start.

    pace = counted ÷ days elapsed (as_of inclusive); a requirement is reached on
    as_of + ceil((required − counted) ÷ pace) days; `met_on` is the latest of those dates
    (as_of when all are met). `met_on` is None when an unmet requirement has pace 0 (or a cap
    below its minimum) or when any threshold is unconfirmed; `on_track` is then None
    (unconfirmed) or False. Shortfalls list what each requirement will lack at the deadline.
    """
    elapsed = days_elapsed(period, as_of)
    days_left = max((period.deadline - as_of).days, 0)
    dates: list[date] = []
    shortfalls: list[Shortfall] = []
    blocked = False
    for req in requirements:
        if req.counted >= req.required:
            continue
        # counted × days ÷ elapsed, not pace × days: one division keeps whole results exact.
        gained = req.counted * days_left / elapsed if elapsed and req.counted else Decimal(0)
        projected = req.counted + gained
        if req.cap is not None:
            projected = min(projected, req.cap)
        if projected < req.required:
            projected = projected.quantize(CENT, ROUND_HALF_UP)
            shortfalls.append(Shortfall(req.id, projected, req.required, req.required - projected))
        if not elapsed or not req.counted or (req.cap is not None and req.cap < req.required):
            blocked = True
            continue
        needed = ((req.required - req.counted) * elapsed / req.counted).to_integral_value(
            rounding=ROUND_CEILING
        )
        dates.append(as_of + timedelta(days=int(needed)))
    if unconfirmed:
        return Forecast(None, None, tuple(shortfalls))
    if blocked:
        return Forecast(None, False, tuple(shortfalls))
    if not dates:
        return Forecast(as_of, True, ())
    met_on = max(dates)
    return Forecast(met_on, met_on <= period.deadline, tuple(shortfalls))
