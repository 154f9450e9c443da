"""A norm's category rules as SQL: the category an entry counts toward (for norm_sums).

The same decision as `norm_status` makes per activity: `norm_progress.activity_for` shows the
rules an entry's kind, the registers that accredited a training (`Entry.accredited_by`), the form of
a peer review and the type of another activity; `Norm.category_for` picks the first category
with a rule that covers them (`Rule.covers`); a session shorter than that category's
`min_session_hours` counts nowhere. tests/test_norm_sums.py holds the two side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, false, func, literal, not_, null, or_
from sqlalchemy.sql.elements import ColumnElement

from competencies import Norm, Rule
from portfolio.models import Entry, EntryKind


@dataclass(frozen=True)
class RuleSet:
    """What of a norm decides where an entry counts: per category (in order) its id, session
    minimum and rules; and the period length. Thresholds (overrides) play no part."""

    norm_id: str
    period_years: int
    categories: tuple[tuple[str, Decimal | None, tuple[Rule, ...]], ...]

    @property
    def kinds(self) -> frozenset[str]:
        """The entry kinds some rule names (work periods never count toward a category)."""
        named = {rule.kind for _id, _minimum, rules in self.categories for rule in rules}
        return frozenset(named - {EntryKind.WORK.value})


def rule_set(norm: Norm) -> RuleSet:
    """The rule set of a norm (the same for every organisation's thresholds)."""
    categories = tuple((c.id, c.min_session_hours, c.rules) for c in norm.categories)
    return RuleSet(norm.id, norm.period_years, categories)


def _accredited(registers: tuple[str, ...]) -> ColumnElement[bool]:
    """A training accredited by one of `registers` (Entry.accredited_by is ",skj,nip,")."""
    by = func.coalesce(Entry.accredited_by, "")
    return and_(
        Entry.kind == EntryKind.TRAINING.value,
        or_(false(), *[by.like(f"%,{register},%") for register in registers]),
    )


_FORM = case((Entry.kind == EntryKind.PEER_REVIEW.value, Entry.form))
_TYPE = case((Entry.kind == EntryKind.OTHER.value, Entry.activity_type))
HOURS = func.coalesce(Entry.hours, 0)  # none: 0, as activity_for


def _covers(rule: Rule) -> ColumnElement[bool]:
    """Rule.covers in SQL (a form or type that is NULL is in no list, as None in Python)."""
    parts = [Entry.kind == rule.kind]
    if rule.accredited is not None:
        accredited = _accredited(rule.registers)
        parts.append(accredited if rule.accredited else not_(accredited))
    if rule.forms is not None:
        parts.append(_FORM.in_(rule.forms))
    if rule.types is not None:
        parts.append(_TYPE.in_(rule.types))
    return and_(*parts)


def _category(rules: RuleSet):
    """The id of the first category whose rules cover the entry (NULL when none does, or when
    the session is shorter than that category's minimum)."""
    whens, hours = [], HOURS
    for category_id, minimum, category_rules in rules.categories:
        counted = (
            literal(category_id)
            if minimum is None
            else case((hours >= minimum, literal(category_id)))
        )
        whens.append((or_(false(), *[_covers(rule) for rule in category_rules]), counted))
    return case(*whens) if whens else null()


def category_of(rules: Sequence[RuleSet], norm_id) -> ColumnElement:
    """The category an entry counts toward under the norm `norm_id` names (one of `rules`)."""
    return case({r.norm_id: _category(r) for r in rules}, value=norm_id)
