"""Forecast: at the current pace, when is each requirement of a norm met (NORMS.md, "a forecast:
at the current pace, on which date will the norm be met, and is that before the deadline")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from competencies.period import Period

CENT = Decimal("0.01")
ZERO = Decimal(0)
# Further than this many days ahead, a requirement counts as never reached.
HORIZON_DAYS = 100 * 366


@dataclass(frozen=True)
class Requirement:
    """One requirement with a set threshold: a category minimum, the total or work hours.

    `gain(days)` is what the requirement adds in `days` more days; None = the average daily
    pace since the period start, stopped at `cap` (a capped category no longer adds).
    """

    id: str
    counted: Decimal
    required: Decimal
    cap: Decimal | None = None
    gain: Callable[[int], Decimal] | None = None
    # An average can fall again: checked at the deadline even when it is met today.
    at_deadline: bool = False


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


def linear_gain(counted: Decimal, elapsed: int, cap_room: Decimal | None = None):
    """Average pace since the start: counted × days ÷ elapsed, at most `cap_room` more."""

    def gain(days: int) -> Decimal:
        if not elapsed or not counted:
            return ZERO
        # counted × days ÷ elapsed, not pace × days: one division keeps whole results exact.
        more = counted * days / elapsed
        return more if cap_room is None else min(more, cap_room)

    return gain


def _first_day(req: Requirement, gain: Callable[[int], Decimal]) -> int | None:
    """The fewest whole days after which counted + gain reaches required (gain never falls)."""
    if req.gain is None and req.cap is None and req.counted:
        return None  # the caller uses the exact formula
    if req.counted + gain(HORIZON_DAYS) < req.required:
        return None
    low, high = 0, HORIZON_DAYS
    while low < high:
        middle = (low + high) // 2
        if req.counted + gain(middle) >= req.required:
            high = middle
        else:
            low = middle + 1
    return low


def forecast(
    requirements: tuple[Requirement, ...], period: Period, as_of: date, *, unconfirmed: bool
) -> Forecast:
    """Project every unmet requirement at its pace.

    By default pace = counted ÷ days elapsed (as_of inclusive) and a requirement is reached on
    as_of + ceil((required − counted) ÷ pace) days; a requirement with its own `gain` (the total
    from what can still count, work hours from the current weekly hours) is reached on the
    first day its projection gets there. `met_on` is the latest of those dates (as_of when all
    are met); None when an unmet requirement never gets there or when any threshold is
    unconfirmed; `on_track` is then None (unconfirmed) or False. Shortfalls list what each
    requirement will lack at the deadline.
    """
    elapsed = days_elapsed(period, as_of)
    days_left = max((period.deadline - as_of).days, 0)
    dates: list[date] = []
    shortfalls: list[Shortfall] = []
    blocked = False
    for req in requirements:
        if req.counted >= req.required:
            if req.at_deadline and req.gain is not None:
                projected = req.counted + req.gain(days_left)
                if projected < req.required:
                    projected = projected.quantize(CENT, ROUND_HALF_UP)
                    short = req.required - projected
                    shortfalls.append(Shortfall(req.id, projected, req.required, short))
                    blocked = True
            continue
        if req.gain is not None:
            gain = req.gain
        else:
            room = req.cap - req.counted if req.cap is not None else None
            gain = linear_gain(req.counted, elapsed, room)
        projected = req.counted + gain(days_left)
        if projected < req.required:
            projected = projected.quantize(CENT, ROUND_HALF_UP)
            shortfalls.append(Shortfall(req.id, projected, req.required, req.required - projected))
        if req.gain is None and req.cap is None and elapsed and req.counted:
            needed = ((req.required - req.counted) * elapsed / req.counted).to_integral_value(
                rounding=ROUND_CEILING
            )
            dates.append(as_of + timedelta(days=int(needed)))
            continue
        first = _first_day(req, gain)
        if first is None:
            blocked = True
            continue
        dates.append(as_of + timedelta(days=first))
    if unconfirmed:
        return Forecast(None, None, tuple(shortfalls))
    if blocked:
        return Forecast(None, False, tuple(shortfalls))
    if not dates:
        return Forecast(as_of, True, ())
    met_on = max(dates)
    return Forecast(met_on, met_on <= period.deadline, tuple(shortfalls))
