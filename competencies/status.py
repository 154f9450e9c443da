"""Where a worker stands against a norm on a given date (NORMS.md, "What the rule model must
express": per category earned / required / capped surplus, met or not, total, work hours and a
forecast). Pure: every input, including `as_of`, is a parameter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from competencies.activities import Activity
from competencies.forecast import CENT, Forecast, Requirement, days_elapsed, linear_gain
from competencies.forecast import forecast as project
from competencies.norms import Category, Norm
from competencies.period import Period, registration_period

ZERO = Decimal(0)


@dataclass(frozen=True)
class CategoryStatus:
    """Points in one category: earned (before the cap), counted (after it), and whether met."""

    id: str
    title: str
    earned: Decimal
    counted: Decimal
    required: Decimal | None
    met: bool | None
    unconfirmed: bool
    refs: tuple[Any, ...] = ()
    cap: Decimal | None = None


@dataclass(frozen=True)
class TotalStatus:
    """The sum over the categories against the norm's total minimum."""

    earned: Decimal
    counted: Decimal
    required: Decimal | None
    met: bool | None
    unconfirmed: bool


@dataclass(frozen=True)
class WorkHoursStatus:
    """Work hours inside the period up to `as_of`, against the norm's minimum and averages.

    `average_per_week` is the hours a week averaged over the weeks worked so far (the days
    covered by a job); `profession_average_per_week` the same for work in the profession.
    """

    earned: Decimal
    required: Decimal | None
    met: bool | None
    unconfirmed: bool
    refs: tuple[Any, ...] = ()
    average_per_week: Decimal | None = None
    required_average_per_week: Decimal | None = None
    profession_average_per_week: Decimal | None = None
    required_profession_average_per_week: Decimal | None = None
    current_per_week: Decimal = ZERO


@dataclass(frozen=True)
class NormStatus:
    """The status of one norm on `as_of`."""

    norm: str
    title: str
    verified: bool
    as_of: date
    period: Period
    categories: tuple[CategoryStatus, ...]
    total: TotalStatus | None
    work_hours: WorkHoursStatus | None
    met: bool | None
    forecast: Forecast
    overridden: tuple[str, ...] = ()

    def category(self, category_id: str) -> CategoryStatus:
        """The status of one category; raise KeyError for an unknown id."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(f"no category {category_id!r} in norm {self.norm!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, numbers as int when whole, else 2-decimal floats."""
        total = self.total
        work = self.work_hours
        return {
            "norm": self.norm,
            "verified": self.verified,
            "overridden": list(self.overridden),
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "deadline": self.period.deadline.isoformat(),
            },
            "categories": [
                {
                    "id": c.id,
                    "earned": json_number(c.earned),
                    "counted": json_number(c.counted),
                    "required": json_number(c.required),
                    "met": c.met,
                }
                for c in self.categories
            ],
            "total": None
            if total is None
            else {
                "earned": json_number(total.earned),
                "counted": json_number(total.counted),
                "required": json_number(total.required),
                "met": total.met,
            },
            "work_hours": None
            if work is None
            else {
                "earned": json_number(work.earned),
                "required": json_number(work.required),
                "average_per_week": json_number(work.average_per_week),
                "required_average_per_week": json_number(work.required_average_per_week),
                "profession_average_per_week": json_number(work.profession_average_per_week),
                "required_profession_average_per_week": json_number(
                    work.required_profession_average_per_week
                ),
                "current_per_week": json_number(work.current_per_week),
                "met": work.met,
            },
            "met": self.met,
            "forecast": {
                "met_on": self.forecast.met_on.isoformat() if self.forecast.met_on else None,
                "on_track": self.forecast.on_track,
                "shortfalls": [
                    {
                        "requirement": s.requirement,
                        "projected": json_number(s.projected),
                        "required": json_number(s.required),
                        "short_by": json_number(s.short_by),
                    }
                    for s in self.forecast.shortfalls
                ],
            },
        }


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: int when whole, else a float rounded to 2 decimals."""
    if value is None:
        return None
    rounded = value.quantize(CENT, ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def _met(value: Decimal, required: Decimal | None, has_requirement: bool) -> bool | None:
    """True without a requirement; None when required but unset; else value >= required."""
    if not has_requirement:
        return True
    if required is None:
        return None
    return value >= required


def _category_status(norm: Norm, category: Category, activities: list[Activity]) -> CategoryStatus:
    """Sum net hours × points per hour; skip sessions shorter than the category minimum."""
    counted_activities = [
        a
        for a in activities
        if category.min_session_hours is None or a.hours >= category.min_session_hours
    ]
    earned = sum((a.hours * norm.points_per_hour for a in counted_activities), ZERO)
    return _capped(category, earned, tuple(a.ref for a in counted_activities))


def _capped(category: Category, earned: Decimal, refs: tuple[Any, ...]) -> CategoryStatus:
    """The category's status from its earned points: cap, minimum, met."""
    counted = min(earned, category.max) if category.max is not None else earned
    return CategoryStatus(
        id=category.id,
        title=category.title,
        earned=earned,
        counted=counted,
        required=category.min,
        met=_met(counted, category.min, category.has_min),
        unconfirmed=category.is_unconfirmed,
        refs=refs,
        cap=category.max,
    )


def _total_status(norm: Norm, categories: tuple[CategoryStatus, ...]) -> TotalStatus:
    """Total of the counted points; with an unconfirmed cap, decide only when bounds agree."""
    earned = sum((c.earned for c in categories), ZERO)
    counted = sum((c.counted for c in categories), ZERO)
    met = _met(counted, norm.total_min, norm.has_total)
    uncapped = {c.id for c in norm.categories if c.max_unconfirmed}
    if met is not None and uncapped and norm.total_min is not None:
        # An unknown cap could cut the uncapped categories to anything between 0 and earned.
        lower = sum((c.counted for c in categories if c.id not in uncapped), ZERO)
        if lower < norm.total_min <= counted:
            met = None
    return TotalStatus(earned, counted, norm.total_min, met, norm.total_unconfirmed)


@dataclass(frozen=True)
class WorkTally:
    """Work between two days: hours, hours in the profession, and days covered by a job."""

    hours: Decimal
    profession_hours: Decimal
    days: int


def work_tally(work: Iterable[Activity], first: date, last: date) -> WorkTally:
    """Hours a week × days ÷ 7 of each job between `first` and `last` (inclusive), and the
    number of days on which at least one job ran."""
    hour_days = profession_days = ZERO
    spans: list[tuple[date, date]] = []
    for activity in work:
        if activity.start is None or not activity.hours_per_week:
            continue
        begin = max(activity.start, first)
        end = min(activity.end or last, last)
        if end < begin:
            continue
        days = (end - begin).days + 1
        hour_days += activity.hours_per_week * days
        if activity.in_profession:
            profession_days += activity.hours_per_week * days
        spans.append((begin, end))
    covered, reach = 0, None
    for begin, end in sorted(spans):
        if reach is not None and begin <= reach:
            if end > reach:
                covered += (end - reach).days
                reach = end
            continue
        covered += (end - begin).days + 1
        reach = end
    return WorkTally(hour_days / 7, profession_days / 7, covered)


def _per_week(hours: Decimal, days: int) -> Decimal | None:
    return hours * 7 / days if days else None


def current_weekly_hours(work: Iterable[Activity], as_of: date) -> Decimal:
    """The hours a week of the jobs running on `as_of` (an ended job adds nothing)."""
    return sum(
        (
            a.hours_per_week or ZERO
            for a in work
            if a.start is not None and a.start <= as_of and (a.end is None or a.end >= as_of)
        ),
        ZERO,
    )


def _work_status(
    norm: Norm, work: list[Activity], period: Period, as_of: date, with_refs: bool
) -> WorkHoursStatus:
    last = min(period.last_day, as_of)
    tally = work_tally(work, period.start, last)
    average = _per_week(tally.hours, tally.days)
    profession = _per_week(tally.profession_hours, tally.days)
    checks = [_met(tally.hours, norm.work_hours_min, norm.has_work_hours)]
    if norm.work_avg_per_week is not None:
        checks.append(average is not None and average >= norm.work_avg_per_week)
    if norm.work_profession_avg_per_week is not None:
        checks.append(profession is not None and profession >= norm.work_profession_avg_per_week)
    refs: tuple[Any, ...] = ()
    if with_refs:
        refs = tuple(a.ref for a in work if work_tally([a], period.start, last).hours > 0)
    return WorkHoursStatus(
        earned=tally.hours,
        required=norm.work_hours_min,
        met=_combine(checks),
        unconfirmed=norm.work_hours_unconfirmed,
        refs=refs,
        average_per_week=average,
        required_average_per_week=norm.work_avg_per_week,
        profession_average_per_week=profession,
        required_profession_average_per_week=norm.work_profession_avg_per_week,
        current_per_week=current_weekly_hours(work, as_of),
    )


def _work_requirements(
    norm: Norm, status: WorkHoursStatus, work: tuple[Activity, ...], period: Period, as_of: date
) -> list[Requirement]:
    """Work hours ahead come from the jobs as recorded (ongoing ones at their current weekly
    hours, to the end of the period): never from the average since the period began."""
    start = max(as_of + timedelta(days=1), period.start)
    so_far = work_tally(work, period.start, min(period.last_day, as_of))

    def ahead(days: int) -> WorkTally:
        last = min(as_of + timedelta(days=days), period.last_day)
        if last < start:
            return WorkTally(ZERO, ZERO, 0)
        return work_tally(work, start, last)

    result = []
    if status.required is not None:
        result.append(
            Requirement("work_hours", status.earned, status.required, gain=lambda d: ahead(d).hours)
        )
    for requirement_id, required, field in (
        ("work_hours_average", norm.work_avg_per_week, "hours"),
        ("work_hours_profession_average", norm.work_profession_avg_per_week, "profession_hours"),
    ):
        if required is None:
            continue
        now = _per_week(getattr(so_far, field), so_far.days) or ZERO

        def gain(days: int, field=field, now=now) -> Decimal:
            more = ahead(days)
            total_days = so_far.days + more.days
            hours = getattr(so_far, field) + getattr(more, field)
            return (_per_week(hours, total_days) or ZERO) - now

        result.append(Requirement(requirement_id, now, required, gain=gain, at_deadline=True))
    return result


def work_hours_earned(work: Iterable[Activity], period: Period, as_of: date) -> Decimal:
    """Σ hours_per_week × days worked ÷ 7, days clipped to the period and `as_of` (inclusive)."""
    hour_days = ZERO
    for activity in work:
        if activity.start is None or not activity.hours_per_week:
            continue
        first = max(activity.start, period.start)
        last = min(activity.end or period.last_day, period.last_day, as_of)
        if last >= first:
            hour_days += activity.hours_per_week * ((last - first).days + 1)
    return hour_days / 7


def _combine(values: Iterable[bool | None]) -> bool | None:
    """False if any is False; else None if any is None; else True."""
    values = list(values)
    if False in values:
        return False
    return None if None in values else True


def norm_status(
    norm: Norm, registered_on: date, activities: Iterable[Activity], as_of: date
) -> NormStatus:
    """Status of `norm` for a worker (re)registered on `registered_on`, as of `as_of`.

    Only activities inside the period (NORMS.md: "only activities inside the period count")
    and not after `as_of` count; 1 net hour = `norm.points_per_hour` points.
    """
    period = registration_period(registered_on, norm.period_years)
    activities = tuple(activities)
    by_category: dict[str, list[Activity]] = {c.id: [] for c in norm.categories}
    for activity in activities:
        if activity.kind == "work" or activity.date is None:
            continue
        if not period.contains(activity.date) or activity.date > as_of:
            continue
        category = norm.category_for(activity)
        if category is not None:
            by_category[category.id].append(activity)
    categories = tuple(_category_status(norm, c, by_category[c.id]) for c in norm.categories)
    work = tuple(a for a in activities if a.kind == "work")
    work_hours = (
        _work_status(norm, list(work), period, as_of, True) if norm.has_work_hours else None
    )
    return _norm_status(norm, period, as_of, categories, work_hours, work)


def norm_status_from_hours(
    norm: Norm,
    registered_on: date,
    hours: Mapping[str, Decimal],
    work: Iterable[Activity],
    as_of: date,
) -> NormStatus:
    """The status `norm_status` gives, from net hours already summed per category, without refs.

    `hours` maps a category id to the net hours of the activities that count toward it: dated
    inside the period up to `as_of`, mapped to it by `norm.category_for`, each session at least
    the category's `min_session_hours`. `work` holds the work periods (clipped here).
    """
    period = registration_period(registered_on, norm.period_years)
    categories = tuple(
        # Σ(hours × points) = (Σ hours) × points exactly: Decimal products and sums of a few
        # thousand two-decimal numbers never round (28 digits).
        _capped(c, hours[c.id] * norm.points_per_hour if c.id in hours else ZERO, ())
        for c in norm.categories
    )
    work = tuple(work)
    work_hours = (
        _work_status(norm, list(work), period, as_of, False) if norm.has_work_hours else None
    )
    return _norm_status(norm, period, as_of, categories, work_hours, work)


def _norm_status(
    norm: Norm,
    period: Period,
    as_of: date,
    categories: tuple[CategoryStatus, ...],
    work_hours: WorkHoursStatus | None,
    work: tuple[Activity, ...] = (),
) -> NormStatus:
    """Total, met and forecast from the categories and work hours (both paths share it)."""
    total = _total_status(norm, categories) if norm.has_total else None
    requirements = [
        Requirement(c.id, c.counted, c.required, c.cap)
        for c in categories
        if c.required is not None
    ]
    if total is not None and total.required is not None:
        requirements.append(
            Requirement(
                "total", total.counted, total.required, gain=_total_gain(categories, period, as_of)
            )
        )
    if work_hours is not None:
        requirements.extend(_work_requirements(norm, work_hours, work, period, as_of))
    met = _combine(
        [c.met for c in categories]
        + ([total.met] if total else [])
        + ([work_hours.met] if work_hours else [])
    )
    return NormStatus(
        norm=norm.id,
        title=norm.title,
        verified=norm.is_verified,
        as_of=as_of,
        period=period,
        categories=categories,
        total=total,
        work_hours=work_hours,
        met=met,
        forecast=project(tuple(requirements), period, as_of, unconfirmed=norm.has_unconfirmed),
        overridden=norm.overridden,
    )


def _total_gain(categories: tuple[CategoryStatus, ...], period: Period, as_of: date):
    """What the total gains in `days`: each category at its own pace, a capped one only up
    to its cap (a category at its cap adds nothing more)."""
    elapsed = days_elapsed(period, as_of)
    gains = [
        linear_gain(c.earned, elapsed, (c.cap - c.counted) if c.cap is not None else None)
        for c in categories
    ]

    def gain(days: int) -> Decimal:
        return sum((max(g(days), ZERO) for g in gains), ZERO)

    return gain
