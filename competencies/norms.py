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

from competencies.activities import Accreditation, Activity
from competencies.catalogue import REGISTER_CODES
from competencies.records import ENTRY_KINDS, Source

NORMS_DIR = Path(__file__).resolve().parent / "norms"
UNCONFIRMED = "unconfirmed"


class UnknownNormError(KeyError):
    """No ruleset with this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown norm"


@dataclass(frozen=True)
class Rule:
    """Maps activities to a category by kind and fields (None = any value).

    `accredited` with `registers`: True = accredited by one of these registers, False = by none
    of them (NORMS.md: Registerplein counts a course as accredited only with its own course id;
    without it the course is "overige").
    """

    kind: str
    accredited: bool | None = None
    forms: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    registers: tuple[str, ...] = ()

    def matches(self, activity: Activity) -> bool:
        """True when `activity` falls under this rule."""
        return self.covers(activity.kind, activity.registers, activity.form, activity.type)

    def accepts(self, registers: frozenset[str]) -> bool:
        """True when an accreditation by one of `registers` is one this rule accepts."""
        return not registers.isdisjoint(self.registers)

    def covers(
        self, kind: str, registers: frozenset[str], form: str | None, type_: str | None
    ) -> bool:
        """True when an activity with these fields (its accrediting registers) is covered."""
        if kind != self.kind:
            return False
        if self.accredited is not None and self.accepts(registers) != self.accredited:
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
    # Average-per-week work requirements (SKJ: on average >= 16 h a week, of which >= 8 in
    # the profession): hours a week averaged over every week of the period.
    work_avg_per_week: Decimal | None = None
    work_profession_avg_per_week: Decimal | None = None
    # Thresholds the register confirmed that an organisation's override changed ("total.min",
    # "reflectie.min", ...): the status is then no longer the register's ("verified" false).
    overridden: tuple[str, ...] = ()
    # Thresholds an organisation set (ids as in `overridden`), confirmed or not.
    organisation_set: tuple[str, ...] = ()

    @property
    def has_total(self) -> bool:
        """True when the norm requires a total number of points."""
        return self.total_min is not None or self.total_unconfirmed

    @property
    def has_work_hours(self) -> bool:
        """True when the norm has any work-hours requirement (total or average per week)."""
        return (
            self.work_hours_min is not None
            or self.work_hours_unconfirmed
            or self.work_avg_per_week is not None
            or self.work_profession_avg_per_week is not None
        )

    @property
    def is_verified(self) -> bool:
        """The register's confirmed numbers, unchanged by an organisation."""
        return self.verified and not self.overridden

    def counting_accreditation(self, activity: Activity) -> Accreditation | None:
        """The accreditation that made `activity` count in an accredited category, or None."""
        category = self.category_for(activity)
        if category is None:
            return None
        for rule in category.rules:
            if rule.accredited and rule.matches(activity):
                return next(
                    (a for a in activity.accreditations if a.register in rule.registers), None
                )
        return None

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
            activity.kind, activity.registers, activity.form, activity.type
        )

    def category_for_fields(
        self, kind: str, registers: frozenset[str], form: str | None, type_: str | None
    ) -> Category | None:
        """The first category whose rules cover an activity with these fields, or None."""
        # Rules read only these four fields, so the answer is remembered per combination:
        # a portfolio holds a handful of them and an export asks for each a million times.
        key = (kind, registers, form, type_)
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
        Unknown ids or fields and negative or non-numeric values (a number written as text
        too) raise ValueError naming the key. A change to a number the register confirmed is
        listed in `overridden`.
        """
        if not isinstance(overrides, dict):
            raise ValueError(f"thresholds must be an object, got {type(overrides).__name__}")
        categories = {c.id: c for c in self.categories}
        changes: dict[str, Any] = {}
        overridden = list(self.overridden)
        organisation_set = list(self.organisation_set)
        for key, spec in overrides.items():
            allowed = _THRESHOLD_FIELDS.get(key, ("min", "max"))
            if key not in categories and key not in _THRESHOLD_FIELDS:
                known = ", ".join([*categories, *_THRESHOLD_FIELDS])
                raise ValueError(f"unknown category {key!r} for norm {self.id!r}; known: {known}")
            if not isinstance(spec, dict):
                raise ValueError(f'{key}: expected an object like {{"min": 40}}, got {spec!r}')
            for field, value in spec.items():
                if field not in allowed:
                    raise ValueError(
                        f"{key}: unknown field {field!r}; allowed: {', '.join(allowed)}"
                    )
                number = _override_value(f"{key}.{field}", value)
                old, unconfirmed = self._threshold(key, field)
                threshold_id = f"{key}.{field}"
                organisation_set.append(threshold_id)
                if self.verified and not unconfirmed and number != old:
                    overridden.append(threshold_id)
                if key in _THRESHOLD_FIELDS:
                    attribute = _THRESHOLD_ATTRIBUTES[threshold_id]
                    changes[attribute] = number
                    if key == "total" or attribute == "work_hours_min":
                        changes[f"{key}_unconfirmed"] = False
                else:
                    categories[key] = replace(
                        categories[key], **{field: number, f"{field}_unconfirmed": False}
                    )
        return replace(
            self,
            categories=tuple(categories.values()),
            overridden=tuple(dict.fromkeys(overridden)),
            organisation_set=tuple(dict.fromkeys(organisation_set)),
            **changes,
        )

    def _threshold(self, key: str, field: str) -> tuple[Decimal | None, bool]:
        """The current value of a threshold and whether it is unconfirmed."""
        if key in _THRESHOLD_FIELDS:
            attribute = _THRESHOLD_ATTRIBUTES[f"{key}.{field}"]
            unconfirmed = attribute in ("total_min", "work_hours_min") and getattr(
                self, attribute.replace("_min", "_unconfirmed")
            )
            return getattr(self, attribute), bool(unconfirmed)
        category = self.category(key)
        return getattr(category, field), getattr(category, f"{field}_unconfirmed")


_THRESHOLD_FIELDS: dict[str, tuple[str, ...]] = {
    "total": ("min",),
    "work_hours": ("min", "avg_per_week", "profession_avg_per_week"),
}
_THRESHOLD_ATTRIBUTES = {
    "total.min": "total_min",
    "work_hours.min": "work_hours_min",
    "work_hours.avg_per_week": "work_avg_per_week",
    "work_hours.profession_avg_per_week": "work_profession_avg_per_week",
}


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


def _strict(where: str, raw: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse keys a norm file may not have: a typo must not silently drop a rule."""
    for key in raw:
        if key not in allowed:
            raise ValueError(f"{where}: unknown key {key!r}; allowed: {', '.join(allowed)}")


_NORM_KEYS = (
    "id",
    "register",
    "title",
    "version",
    "valid_from",
    "period_years",
    "verified",
    "points_per_hour",
    "sources",
    "total",
    "work_hours",
    "categories",
)
_CATEGORY_KEYS = ("id", "title", "min", "max", "min_session_hours", "rules")
_RULE_KEYS = ("kind", "accredited", "registers", "forms", "types")


def _rule(norm_id: str, raw: dict[str, Any]) -> Rule:
    _strict(f"{norm_id} rule", raw, _RULE_KEYS)
    if raw.get("kind") not in ENTRY_KINDS:
        raise ValueError(f"{norm_id}: rule with unknown kind {raw.get('kind')!r}")
    forms, types = raw.get("forms"), raw.get("types")
    registers = tuple(raw.get("registers", ()))
    if raw.get("accredited") is not None and not registers:
        raise ValueError(f"{norm_id}: an 'accredited' rule must name the 'registers' it accepts")
    unknown = [r for r in registers if r not in REGISTER_CODES]
    if unknown:
        raise ValueError(f"{norm_id}: unknown register {unknown[0]!r}")
    return Rule(
        kind=raw["kind"],
        accredited=raw.get("accredited"),
        forms=tuple(forms) if forms is not None else None,
        types=tuple(types) if types is not None else None,
        registers=registers,
    )


def _category(norm_id: str, raw: dict[str, Any]) -> Category:
    where = f"{norm_id}.{raw['id']}"
    _strict(where, raw, _CATEGORY_KEYS)
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
    _strict(norm_id, raw, _NORM_KEYS)
    _strict(f"{norm_id}.total", raw.get("total", {}), ("min",))
    work_raw = raw.get("work_hours", {})
    _strict(f"{norm_id}.work_hours", work_raw, _THRESHOLD_FIELDS["work_hours"])
    total, total_unconfirmed = _threshold(f"{norm_id}.total", raw.get("total", {}).get("min"))
    work, work_unconfirmed = _threshold(f"{norm_id}.work_hours", work_raw.get("min"))
    avg, _ = _threshold(f"{norm_id}.work_hours.avg_per_week", work_raw.get("avg_per_week"))
    profession, _ = _threshold(
        f"{norm_id}.work_hours.profession_avg_per_week", work_raw.get("profession_avg_per_week")
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
        work_avg_per_week=avg,
        work_profession_avg_per_week=profession,
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
