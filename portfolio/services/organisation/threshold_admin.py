"""An organisation's threshold overrides per norm: what the norm file says, what applies, history.

NORMS.md: "an organisation may override thresholds (with a note of who changed what and when)
— needed because some official numbers are unconfirmed and registers change their rules".
Overrides are rows in `threshold_override`; every save appends one and the newest applies
(`norm_progress.newest_overrides`, the same function the dashboard uses). An empty value means
"use the norm file", so a saved override holds only the numbers the organisation set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

import competencies
from competencies import Norm
from portfolio.models import ThresholdOverride, User
from portfolio.services.norms.norm_progress import apply_override, newest_overrides
from portfolio.services.privacy import audit

TOTAL, WORK_HOURS = "total", "work_hours"
# A sane upper bound per year of the period: typing errors (30000 for 300) are refused.
MAX_POINTS_PER_YEAR = Decimal(200)
MAX_WORK_HOURS_PER_YEAR = Decimal(2080)  # 40 hours a week, 52 weeks: full-time all year


@dataclass(frozen=True)
class Threshold:
    """One threshold of a norm: the file's number, and the organisation's override if any."""

    requirement: str  # a category id, "total" or "work_hours"
    field: str  # "min" or "max"
    title: str  # the category's title in the norm file ("" for the total and work hours)
    file_value: Decimal | None
    file_unconfirmed: bool  # the norm file requires it but has no confirmed number
    is_overridden: bool
    value: Decimal | None  # what applies now (the override, else the file's number)
    upper_bound: Decimal

    @property
    def key(self) -> str:
        """'reflectie.min', 'total.min': the threshold's name in the override format."""
        return f"{self.requirement}.{self.field}"

    @property
    def is_hours(self) -> bool:
        """True for work hours, which are hours rather than points."""
        return self.requirement == WORK_HOURS

    @property
    def to_verify(self) -> bool:
        """True when no number applies: the file's is unconfirmed and no override is set."""
        return self.file_unconfirmed and not self.is_overridden


@dataclass(frozen=True)
class Change:
    """One threshold in one saved override, against the override before it."""

    key: str
    before: Decimal | None
    after: Decimal | None
    was_overridden: bool  # False: before this save the norm file applied
    is_overridden: bool  # False: after this save the norm file applies


@dataclass(frozen=True)
class HistoryRow:
    """One saved override: who, when, what changed and why."""

    id: int
    changed_at: datetime
    changed_by: str | None
    changes: tuple[Change, ...]
    note: str | None


@dataclass(frozen=True)
class NormThresholds:
    """A norm's thresholds for one organisation, with the history of its overrides."""

    norm: Norm  # the norm file, without the override
    thresholds: tuple[Threshold, ...]
    history: tuple[HistoryRow, ...]  # newest first

    @property
    def has_override(self) -> bool:
        """True when the organisation has set at least one number for this norm."""
        return any(t.is_overridden for t in self.thresholds)

    @property
    def to_verify(self) -> bool:
        """True when a threshold still has no number ("te verifiëren")."""
        return any(t.to_verify for t in self.thresholds)

    def threshold(self, key: str) -> Threshold:
        """The threshold with this key; KeyError otherwise."""
        for threshold in self.thresholds:
            if threshold.key == key:
                return threshold
        raise KeyError(key)


def _number(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _file_threshold(norm: Norm, requirement: str, field: str) -> tuple[Decimal | None, bool]:
    """(number, unconfirmed) of one threshold in `norm`."""
    if requirement == TOTAL:
        return norm.total_min, norm.total_unconfirmed
    if requirement == WORK_HOURS:
        return norm.work_hours_min, norm.work_hours_unconfirmed
    category = norm.category(requirement)
    return getattr(category, field), getattr(category, f"{field}_unconfirmed")


def threshold_keys(norm: Norm) -> list[tuple[str, str, str]]:
    """(requirement, field, title) of every threshold the norm file has, set or unconfirmed."""
    keys = []
    for category in norm.categories:
        if category.has_min:
            keys.append((category.id, "min", category.title))
        if category.max is not None or category.max_unconfirmed:
            keys.append((category.id, "max", category.title))
    if norm.has_total:
        keys.append((TOTAL, "min", ""))
    if norm.has_work_hours:
        keys.append((WORK_HOURS, "min", ""))
    return keys


def upper_bound(norm: Norm, requirement: str) -> Decimal:
    """The largest number a threshold of this requirement may be set to."""
    per_year = MAX_WORK_HOURS_PER_YEAR if requirement == WORK_HOURS else MAX_POINTS_PER_YEAR
    return per_year * norm.period_years


def thresholds_of(norm: Norm, override: dict | None) -> tuple[Threshold, ...]:
    """The norm file's thresholds with the override applied as the dashboard applies it."""
    effective = apply_override(norm, override)
    # An override the norm rejects is ignored by apply_override: then nothing is overridden.
    overridden = (override or {}) if effective is not norm else {}
    rows = []
    for requirement, field, title in threshold_keys(norm):
        file_value, file_unconfirmed = _file_threshold(norm, requirement, field)
        is_overridden = field in overridden.get(requirement, {})
        rows.append(
            Threshold(
                requirement=requirement,
                field=field,
                title=title,
                file_value=file_value,
                file_unconfirmed=file_unconfirmed,
                is_overridden=is_overridden,
                value=_file_threshold(effective, requirement, field)[0],
                upper_bound=upper_bound(norm, requirement),
            )
        )
    return tuple(rows)


def _flat(thresholds: dict | None) -> dict[str, Decimal | None]:
    """{'reflectie.min': 20} from {'reflectie': {'min': 20}}."""
    return {
        f"{requirement}.{field}": _number(value)
        for requirement, spec in (thresholds or {}).items()
        if isinstance(spec, dict)
        for field, value in spec.items()
    }


def changes_between(before: dict | None, after: dict | None) -> tuple[Change, ...]:
    """What one override changed against the one before it (None: the norm file)."""
    old, new = _flat(before), _flat(after)
    return tuple(
        Change(key, old.get(key), new.get(key), key in old, key in new)
        for key in sorted(old.keys() | new.keys())
        if (key in old) != (key in new) or old.get(key) != new.get(key)
    )


def _history(
    db: Session, *, organisation_id: int, norm_ids: Sequence[str]
) -> dict[str, list[HistoryRow]]:
    """{norm id: saved overrides, newest first} of one organisation (one statement)."""
    rows = db.execute(
        select(ThresholdOverride, User.name)
        .outerjoin(User, User.id == ThresholdOverride.changed_by_id)
        .where(
            ThresholdOverride.organisation_id == organisation_id,
            ThresholdOverride.norm_id.in_(norm_ids),
        )
        .order_by(ThresholdOverride.changed_at, ThresholdOverride.id)
    )
    previous: dict[str, dict | None] = {}
    history: dict[str, list[HistoryRow]] = defaultdict(list)
    for override, name in rows:
        changes = changes_between(previous.get(override.norm_id), override.thresholds)
        previous[override.norm_id] = override.thresholds
        history[override.norm_id].insert(
            0,
            HistoryRow(
                id=override.id,
                changed_at=override.changed_at,
                changed_by=name,
                changes=changes,
                note=override.note,
            ),
        )
    return history


def _for_norms(db: Session, *, organisation_id: int, norms: Sequence[Norm]) -> list[NormThresholds]:
    """The norms' thresholds for one organisation, with history (two statements)."""
    norm_ids = [norm.id for norm in norms]
    # The same newest override the dashboard applies (norm_progress.newest_overrides).
    current = newest_overrides(db, organisation_ids=[organisation_id], norm_ids=norm_ids)
    history = _history(db, organisation_id=organisation_id, norm_ids=norm_ids)
    return [
        NormThresholds(
            norm=norm,
            thresholds=thresholds_of(norm, current.get((organisation_id, norm.id))),
            history=tuple(history.get(norm.id, ())),
        )
        for norm in norms
    ]


def overview(db: Session, *, organisation_id: int) -> list[NormThresholds]:
    """Every norm's thresholds for the organisation, with the history of its overrides."""
    return _for_norms(db, organisation_id=organisation_id, norms=competencies.all_norms())


def for_norm(db: Session, *, organisation_id: int, norm_id: str) -> NormThresholds:
    """One norm's thresholds for the organisation; UnknownNormError for an unknown norm."""
    norms = [competencies.load_norm(norm_id)]
    return _for_norms(db, organisation_id=organisation_id, norms=norms)[0]


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def override_from(values: dict[str, Decimal | None]) -> dict:
    """{'reflectie.min': 20, 'total.min': None} → {'reflectie': {'min': 20}} (None: the file)."""
    thresholds: dict[str, dict] = {}
    for key, value in values.items():
        if value is not None:
            requirement, field = key.split(".")
            thresholds.setdefault(requirement, {})[field] = _json_number(value)
    return thresholds


def save_override(
    db: Session,
    *,
    admin: User,
    norm_id: str,
    values: dict[str, Decimal | None],
    note: str | None,
    now: datetime,
) -> ThresholdOverride | None:
    """Append the organisation's new thresholds for a norm, audited.

    `values` maps threshold keys to a number, or None to use the norm file. Returns None (and
    writes nothing) when the numbers are those already in force. Raises ValueError when the
    norm rejects them (the form checks first) and UnknownNormError for an unknown norm.
    """
    norm = competencies.load_norm(norm_id)
    thresholds = override_from(values)
    norm.with_thresholds(thresholds)  # raises ValueError for numbers the norm cannot take
    key = (admin.organisation_id, norm_id)
    current = newest_overrides(db, organisation_ids=[key[0]], norm_ids=[norm_id]).get(key)
    if not changes_between(current, thresholds):
        return None
    override = ThresholdOverride(
        organisation_id=admin.organisation_id,
        norm_id=norm_id,
        thresholds=thresholds,
        note=(note or "").strip() or None,
        changed_by_id=admin.id,
        changed_at=now,
    )
    db.add(override)
    numbers = " ".join(f"{k}={v}" for k, v in sorted(_flat(thresholds).items()))
    audit.record(
        db,
        actor=admin,
        action="thresholds_changed",
        subject_type="norm",
        detail=f"norm={norm_id} {numbers or 'norm file'}",
    )
    db.flush()
    return override
