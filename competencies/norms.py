"""Registration norms as versioned data: one TOML file per ruleset in `competencies/norms/`.

See NORMS.md for what is confirmed. A threshold is either absent by design (no requirement),
set (a number), or required but unconfirmed (value None and the matching `*_unconfirmed`
flag True) — an unconfirmed number is never shipped as if it were a fact.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from competencies.activities import Activity
from competencies.records import ENTRY_KINDS, Source

NORMS_DIR = Path(__file__).resolve().parent / "norms"
UNCONFIRMED = "unconfirmed"


class UnknownNormError(KeyError):
    """No ruleset with this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown norm"


@dataclass(frozen=True)
class Rule:
    """Maps activities to a category by kind and fields (None = any value)."""

    kind: str
    accredited: bool | None = None
    forms: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None

    def matches(self, activity: Activity) -> bool:
        """True when `activity` falls under this rule."""
        return self.covers(
            activity.kind, activity.accreditation_id is not None, activity.form, activity.type
        )

    def covers(self, kind: str, accredited: bool, form: str | None, type_: str | None) -> bool:
        """True when an activity with these fields falls under this rule."""
        if kind != self.kind:
            return False
        if self.accredited is not None and accredited != self.accredited:
            return False
        if self.forms is not None and form not in self.forms:
            return False
        return self.types is None or type_ in self.types


@dataclass(frozen=True)
class Category:
    """A category of a norm: minimum and maximum (cap) in points, and its mapping rules."""

    id: str
    title: str
    min: Decimal | None = None
    max: Decimal | None = None
    min_unconfirmed: bool = False
    max_unconfirmed: bool = False
    min_session_hours: Decimal | None = None
    rules: tuple[Rule, ...] = ()

    @property
    def has_min(self) -> bool:
        """True when the category has a minimum requirement (set or unconfirmed)."""
        return self.min is not None or self.min_unconfirmed

    @property
    def is_unconfirmed(self) -> bool:
        """True when a required threshold of this category has no confirmed number."""
        return self.min_unconfirmed or self.max_unconfirmed

    def matches(self, activity: Activity) -> bool:
        """True when any of the category's rules covers `activity`."""
        return any(rule.matches(activity) for rule in self.rules)


@dataclass(frozen=True)
class Norm:
    """A register's ruleset for one period: categories, total, work hours."""

    id: str
    register: str
    title: str
    version: str
    valid_from: date
    period_years: int
    verified: bool
    sources: tuple[Source, ...]
    categories: tuple[Category, ...]
    total_min: Decimal | None = None
    total_unconfirmed: bool = False
    work_hours_min: Decimal | None = None
    work_hours_unconfirmed: bool = False
    points_per_hour: Decimal = Decimal(1)

    @property
    def has_total(self) -> bool:
        """True when the norm requires a total number of points."""
        return self.total_min is not None or self.total_unconfirmed

    @property
    def has_work_hours(self) -> bool:
        """True when the norm requires a number of work hours in the period."""
        return self.work_hours_min is not None or self.work_hours_unconfirmed

    @property
    def has_unconfirmed(self) -> bool:
        """True when any required threshold is still unconfirmed (te verifiëren)."""
        return (
            self.total_unconfirmed
            or self.work_hours_unconfirmed
            or any(c.is_unconfirmed for c in self.categories)
        )

    def category(self, category_id: str) -> Category:
        """Return the category with this id; raise KeyError otherwise."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(f"norm {self.id!r} has no category {category_id!r}")

    def category_for(self, activity: Activity) -> Category | None:
        """The first category whose rules cover `activity`, or None (counts nowhere)."""
        return self.category_for_fields(
            activity.kind, activity.accreditation_id is not None, activity.form, activity.type
        )

    def category_for_fields(
        self, kind: str, accredited: bool, form: str | None, type_: str | None
    ) -> Category | None:
        """The first category whose rules cover an activity with these fields, or None."""
        # Rules read only these four fields, so the answer is remembered per combination:
        # a portfolio holds a handful of them and an export asks for each a million times.
        key = (kind, accredited, form, type_)
        found = self._categories_by_fields.get(key, False)
        if found is False:
            found = next((c for c in self.categories if any(r.covers(*key) for r in c.rules)), None)
            self._categories_by_fields[key] = found
        return found

    @cached_property
    def _categories_by_fields(self) -> dict[tuple, Category | None]:
        # In the instance's own __dict__: a norm with an organisation's thresholds is another
        # instance (dataclasses.replace), so it never reads the file norm's answers.
        return {}

    def with_thresholds(self, overrides: dict[str, Any]) -> Norm:
        """Apply organisation overrides, e.g. {"reflectie": {"min": 40}, "total": {"min": 200}}.

        A number sets a threshold and clears its unconfirmed flag; null clears it to "not set".
        Unknown ids or fields and negative or non-numeric values raise ValueError.
        """
        if not isinstance(overrides, dict):
            raise ValueError(f"thresholds must be an object, got {type(overrides).__name__}")
        categories = {c.id: c for c in self.categories}
        changes: dict[str, Any] = {}
        for key, spec in overrides.items():
            allowed = ("min",) if key in ("total", "work_hours") else ("min", "max")
            if key not in categories and key not in ("total", "work_hours"):
                known = ", ".join([*categories, "total", "work_hours"])
                raise ValueError(f"unknown category {key!r} for norm {self.id!r}; known: {known}")
            if not isinstance(spec, dict):
                raise ValueError(f'{key}: expected an object like {{"min": 40}}, got {spec!r}')
            for field, value in spec.items():
                if field not in allowed:
                    raise ValueError(
                        f"{key}: unknown field {field!r}; allowed: {', '.join(allowed)}"
                    )
                number = _override_value(f"{key}.{field}", value)
                if key in ("total", "work_hours"):
                    changes[f"{key}_min"] = number
                    changes[f"{key}_unconfirmed"] = False
                else:
                    categories[key] = replace(
                        categories[key], **{field: number, f"{field}_unconfirmed": False}
                    )
        return replace(self, categories=tuple(categories.values()), **changes)


def _override_value(where: str, value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: must be a number or null, got {value!r}")
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError(f"{where}: must be a number >= 0, got {value!r}")
    return number


def _threshold(where: str, value: object) -> tuple[Decimal | None, bool]:
    """TOML threshold: absent -> (None, False); "unconfirmed" -> (None, True); n -> (n, False)."""
    if value is None:
        return None, False
    if value == UNCONFIRMED:
        return None, True
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{where}: threshold must be a number >= 0 or {UNCONFIRMED!r}")
    return Decimal(str(value)), False


def _rule(norm_id: str, raw: dict[str, Any]) -> Rule:
    if raw.get("kind") not in ENTRY_KINDS:
        raise ValueError(f"{norm_id}: rule with unknown kind {raw.get('kind')!r}")
    forms, types = raw.get("forms"), raw.get("types")
    return Rule(
        kind=raw["kind"],
        accredited=raw.get("accredited"),
        forms=tuple(forms) if forms is not None else None,
        types=tuple(types) if types is not None else None,
    )


def _category(norm_id: str, raw: dict[str, Any]) -> Category:
    where = f"{norm_id}.{raw['id']}"
    low, low_unconfirmed = _threshold(f"{where}.min", raw.get("min"))
    high, high_unconfirmed = _threshold(f"{where}.max", raw.get("max"))
    session = raw.get("min_session_hours")
    return Category(
        id=raw["id"],
        title=raw["title"],
        min=low,
        max=high,
        min_unconfirmed=low_unconfirmed,
        max_unconfirmed=high_unconfirmed,
        min_session_hours=Decimal(str(session)) if session is not None else None,
        rules=tuple(_rule(norm_id, r) for r in raw["rules"]),
    )


def _norm(raw: dict[str, Any]) -> Norm:
    norm_id = raw["id"]
    total, total_unconfirmed = _threshold(f"{norm_id}.total", raw.get("total", {}).get("min"))
    work, work_unconfirmed = _threshold(
        f"{norm_id}.work_hours", raw.get("work_hours", {}).get("min")
    )
    return Norm(
        id=norm_id,
        register=raw["register"],
        title=raw["title"],
        version=raw["version"],
        valid_from=raw["valid_from"],
        period_years=raw["period_years"],
        verified=raw["verified"],
        sources=tuple(Source(**s) for s in raw["sources"]),
        categories=tuple(_category(norm_id, c) for c in raw["categories"]),
        total_min=total,
        total_unconfirmed=total_unconfirmed,
        work_hours_min=work,
        work_hours_unconfirmed=work_unconfirmed,
        points_per_hour=Decimal(str(raw.get("points_per_hour", 1))),
    )


def _load_all() -> dict[str, Norm]:
    norms: dict[str, Norm] = {}
    for path in sorted(NORMS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            norm = _norm(tomllib.load(fh))
        if norm.id != path.stem:
            raise ValueError(f"{path.name}: id {norm.id!r} must match the file name")
        norms[norm.id] = norm
    return norms


_NORMS = _load_all()
NORM_IDS: tuple[str, ...] = tuple(_NORMS)


def load_norm(norm_id: str) -> Norm:
    """Return the ruleset with this id; raise UnknownNormError listing the known ids."""
    try:
        return _NORMS[norm_id]
    except KeyError:
        raise UnknownNormError(
            f"unknown norm {norm_id!r}; known norms: {', '.join(NORM_IDS)}"
        ) from None


def all_norms() -> tuple[Norm, ...]:
    """All shipped rulesets, ordered by id."""
    return tuple(_NORMS.values())
