"""Development activities as plain values, and strict parsing of the JSON input format."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from competencies.catalogue import (
    OTHER_ACTIVITY_TYPE_CODES,
    REFLECTION_FORM_CODES,
    REGISTER_CODES,
)
from competencies.records import ENTRY_KINDS

MAX_HOURS_PER_DAY = Decimal(24)
MAX_HOURS_PER_WEEK = Decimal(80)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """Bad norm input; the message names the activity (1-based) and what is wrong."""


@dataclass(frozen=True)
class Accreditation:
    """A course's accreditation by one register: its code and the register's course id.

    `register` None = not known (an id recorded before accreditations named their register):
    it counts as accredited nowhere until the worker says which register issued it.
    """

    register: str | None
    id: str


@dataclass(frozen=True)
class Activity:
    """One development activity or work period, as the norm rules see it.

    `hours` are net hours (breaks, travel, meals excluded); work periods have hours 0 and use
    `start`, `end` (None = ongoing) and `hours_per_week`; `in_profession` says whether the
    work was in the registered profession. A training may span days (`end_date`). `ref` is
    opaque: callers use it to link a status back to their own entry.
    """

    kind: str
    date: date | None = None
    hours: Decimal = Decimal(0)
    accreditations: tuple[Accreditation, ...] = ()
    form: str | None = None
    type: str | None = None
    start: date | None = None
    end: date | None = None
    hours_per_week: Decimal | None = None
    in_profession: bool = True
    end_date: date | None = None
    ref: Any = None

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS:
            raise ValueError(f"unknown activity kind {self.kind!r}; expected one of {ENTRY_KINDS}")

    @property
    def registers(self) -> frozenset[str]:
        """The registers that accredited this activity (an unknown register is none)."""
        return frozenset(a.register for a in self.accreditations if a.register is not None)


@dataclass(frozen=True)
class NormInput:
    """Parsed norm input: the (re)registration date and the activities."""

    registered_on: date
    activities: tuple[Activity, ...]


# The keys each kind of activity may have in the JSON input; anything else is refused, so a
# typo such as "acreditation_id" can never silently change a result.
_COMMON_KEYS = ("kind", "ref")
ALLOWED_KEYS: dict[str, tuple[str, ...]] = {
    "work": (*_COMMON_KEYS, "start", "end", "hours_per_week", "in_profession"),
    "training": (*_COMMON_KEYS, "date", "end", "hours", "accreditations"),
    "peer_review": (*_COMMON_KEYS, "date", "hours", "form"),
    "other": (*_COMMON_KEYS, "date", "hours", "type"),
    "reflection": (*_COMMON_KEYS, "date", "hours"),
}
# Keys that were valid once: refused with a message that names what replaced them.
RENAMED_KEYS = {
    "accreditation_id": '"accreditation_id" is no longer accepted; use "accreditations": '
    '[{"register": "skj", "id": "123456"}] (registers: ' + ", ".join(REGISTER_CODES) + ")",
}
TOP_LEVEL_KEYS = ("registered_on", "activities")


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

    def check_keys(self) -> None:
        allowed = ALLOWED_KEYS[self.kind]
        for key in self.raw:
            if key in allowed:
                continue
            if key in RENAMED_KEYS:
                raise self.fail(RENAMED_KEYS[key])
            raise self.fail(f'unknown key "{key}"; allowed: {", ".join(allowed)}')

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f'"{name}" must be true or false, got {_fmt(value)}')
        return value

    def accreditations(self) -> tuple[Accreditation, ...]:
        value = self.raw.get("accreditations")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(f'"accreditations" must be a list, got {_fmt(value)}')
        result = []
        for i, item in enumerate(value, start=1):
            where = f'"accreditations" item {i}'
            if not isinstance(item, dict):
                raise self.fail(f"{where} must be an object, got {_fmt(item)}")
            unknown = [k for k in item if k not in ("register", "id")]
            if unknown:
                raise self.fail(f'{where}: unknown key "{unknown[0]}"; allowed: register, id')
            register, code = item.get("register"), item.get("id")
            if register not in REGISTER_CODES:
                raise self.fail(
                    f'{where}: unknown "register" {_fmt(register)}; expected one of: '
                    + ", ".join(REGISTER_CODES)
                )
            if not isinstance(code, str) or not code.strip():
                raise self.fail(f'{where}: "id" must be non-empty text, got {_fmt(code)}')
            result.append(Accreditation(register, code.strip()))
        return tuple(result)

    def number(self, name: str, maximum: Decimal, why: str) -> Decimal:
        value = self.required(name)
        if isinstance(value, str):
            raise self.fail(
                f'"{name}" must be a number, not text: write {value.strip()} '
                f"without quotes, got {_fmt(value)}"
            )
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
    if isinstance(value, bool) or not isinstance(value, int | float):
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
    item.check_keys()
    ref = raw.get("ref")
    if kind == "work":
        start = item.iso_date("start")
        end = item.iso_date("end", optional=True)
        if end is not None and start is not None and end < start:
            raise item.fail(f'"end" {end.isoformat()} is before "start" {start.isoformat()}')
        per_week = item.number("hours_per_week", MAX_HOURS_PER_WEEK, "hours a week")
        in_profession = item.boolean("in_profession", True)
        return Activity(
            "work",
            start=start,
            end=end,
            hours_per_week=per_week,
            in_profession=in_profession,
            ref=ref,
        )
    on = item.iso_date("date")
    if kind == "training":
        last = item.iso_date("end", optional=True)
        if last is not None and last < on:
            raise item.fail(f'"end" {last.isoformat()} is before "date" {on.isoformat()}')
        days = (last - on).days + 1 if last is not None else 1
        why = (
            f"for a training of {days} days (24 a day)"
            if days > 1
            else "for an activity on a single day"
        )
        hours = item.number("hours", MAX_HOURS_PER_DAY * days, why)
        return Activity(
            kind,
            date=on,
            hours=hours,
            accreditations=item.accreditations(),
            end_date=last,
            ref=ref,
        )
    hours = item.number("hours", MAX_HOURS_PER_DAY, "for an activity on a single day")
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
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(f'unknown key "{key}"; allowed: {", ".join(TOP_LEVEL_KEYS)}')
    raw_activities = data.get("activities", [])
    if not isinstance(raw_activities, list):
        raise InputError(f'"activities" must be a list, got {_fmt(raw_activities)}')
    activities = tuple(_parse_activity(i, raw) for i, raw in enumerate(raw_activities, start=1))
    return NormInput(registered_on=registered_on, activities=activities)
