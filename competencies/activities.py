"""Development activities as plain values, and strict parsing of the JSON input format."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from competencies.catalogue import OTHER_ACTIVITY_TYPE_CODES, REFLECTION_FORM_CODES
from competencies.records import ENTRY_KINDS

MAX_HOURS_PER_DAY = Decimal(24)
MAX_HOURS_PER_WEEK = Decimal(80)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """Bad norm input; the message names the activity (1-based) and what is wrong."""


@dataclass(frozen=True)
class Activity:
    """One development activity or work period, as the norm rules see it.

    `hours` are net hours (breaks, travel, meals excluded); work periods have hours 0 and use
    `start`, `end` (None = ongoing) and `hours_per_week`. `ref` is opaque: callers use it to
    link a status back to their own entry.
    """

    kind: str
    date: date | None = None
    hours: Decimal = Decimal(0)
    accreditation_id: str | None = None
    form: str | None = None
    type: str | None = None
    start: date | None = None
    end: date | None = None
    hours_per_week: Decimal | None = None
    ref: Any = None

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS:
            raise ValueError(f"unknown activity kind {self.kind!r}; expected one of {ENTRY_KINDS}")


@dataclass(frozen=True)
class NormInput:
    """Parsed norm input: the (re)registration date and the activities."""

    registered_on: date
    activities: tuple[Activity, ...]


def _fmt(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


class _Item:
    """Reads the fields of one activity object and reports errors with its position."""

    def __init__(self, position: int, kind: str, raw: dict[str, Any]) -> None:
        self.position, self.kind, self.raw = position, kind, raw

    def fail(self, message: str) -> InputError:
        return InputError(f"activity {self.position} ({self.kind}): {message}")

    def required(self, name: str) -> Any:
        if self.raw.get(name) is None:
            raise self.fail(f'"{name}" is missing')
        return self.raw[name]

    def iso_date(self, name: str, *, optional: bool = False) -> date | None:
        if optional and self.raw.get(name) is None:
            return None
        value = self.required(name)
        try:
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                f'"{name}" must be a valid date (YYYY-MM-DD), got {_fmt(value)}'
            ) from None

    def number(self, name: str, maximum: Decimal, why: str) -> Decimal:
        value = self.required(name)
        number = _to_decimal(value)
        if number is None or number < 0:
            raise self.fail(f'"{name}" must be a number >= 0, got {_fmt(value)}')
        if number > maximum:
            raise self.fail(f'"{name}" must be at most {maximum} {why}, got {_fmt(value)}')
        return number

    def code(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.required(name)
        if value not in allowed:
            raise self.fail(
                f'unknown "{name}" {_fmt(value)}; expected one of: {", ".join(allowed)}'
            )
        return value

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f'"{name}" must be text, got {_fmt(value)}')
        return value.strip() or None


def _to_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_activity(position: int, raw: object) -> Activity:
    if not isinstance(raw, dict):
        raise InputError(f"activity {position}: must be an object, got {_fmt(raw)}")
    kind = raw.get("kind")
    if kind not in ENTRY_KINDS:
        raise InputError(
            f"activity {position}: unknown kind {_fmt(kind)}; expected one of: "
            + ", ".join(ENTRY_KINDS)
        )
    item = _Item(position, kind, raw)
    ref = raw.get("ref")
    if kind == "work":
        start = item.iso_date("start")
        end = item.iso_date("end", optional=True)
        if end is not None and start is not None and end < start:
            raise item.fail(f'"end" {end.isoformat()} is before "start" {start.isoformat()}')
        per_week = item.number("hours_per_week", MAX_HOURS_PER_WEEK, "hours a week")
        return Activity("work", start=start, end=end, hours_per_week=per_week, ref=ref)
    on = item.iso_date("date")
    hours = item.number("hours", MAX_HOURS_PER_DAY, "for an activity on a single day")
    if kind == "training":
        accreditation = item.text("accreditation_id")
        return Activity(kind, date=on, hours=hours, accreditation_id=accreditation, ref=ref)
    if kind == "peer_review":
        form = item.code("form", REFLECTION_FORM_CODES)
        return Activity(kind, date=on, hours=hours, form=form, ref=ref)
    if kind == "other":
        other_type = item.code("type", OTHER_ACTIVITY_TYPE_CODES)
        return Activity(kind, date=on, hours=hours, type=other_type, ref=ref)
    return Activity(kind, date=on, hours=hours, ref=ref)


def parse_norm_input(data: object) -> NormInput:
    """Parse `{"registered_on": "YYYY-MM-DD", "activities": [...]}`; raise InputError if bad."""
    if not isinstance(data, dict):
        raise InputError(
            f"input must be an object with registered_on and activities, got {_fmt(data)}"
        )
    registered = data.get("registered_on")
    if registered is None:
        raise InputError('"registered_on" is missing')
    try:
        if not isinstance(registered, str) or not _ISO_DATE.fullmatch(registered):
            raise ValueError
        registered_on = date.fromisoformat(registered)
    except ValueError:
        raise InputError(
            f'"registered_on" must be a valid date (YYYY-MM-DD), got {_fmt(registered)}'
        ) from None
    raw_activities = data.get("activities", [])
    if not isinstance(raw_activities, list):
        raise InputError(f'"activities" must be a list, got {_fmt(raw_activities)}')
    activities = tuple(_parse_activity(i, raw) for i, raw in enumerate(raw_activities, start=1))
    return NormInput(registered_on=registered_on, activities=activities)
