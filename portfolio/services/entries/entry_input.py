"""What a worker typed: converted by the form, checked here against the catalogue and the
privacy scan of `competencies` before anything is saved (PRODUCT.md, privacy)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import competencies
from portfolio.models import EntryKind

TEXT_FIELDS = (
    "title",
    "body",
    "case_description",
    "learning_points",
    "method",
    "external_participants",
    "provider",
    "facilitator",
    "employer",
    "role_title",
)
MAX_HOURS_PER_DAY = Decimal(24)
MAX_HOURS_PER_WEEK = Decimal(80)
# A sanity bound, not a register norm: one entry holds at most this many hours (a long course
# is logged in parts), which also keeps the value inside the NUMERIC(7, 2) column.
MAX_HOURS_PER_ENTRY = Decimal(1000)
FUTURE_LIMIT = timedelta(days=366)
# "LVSC 12345", "NRVT-4711", "Registerplein 123456": a register's name, then a number.
REGISTRATION = re.compile(r"[^\W\d_][^\d]*?\s*[:#-]?\s*\d[\d .-]*")
OPTIONAL_CODES = {
    "level": {t.code for t in competencies.SOCIAL_WORK_LEVELS},
    "dilemma_category": {t.code for t in competencies.DILEMMA_CATEGORIES},
    "art3_requirement": {r.code for r in competencies.ART3_REQUIREMENTS},
}
KNOWLEDGE_AREA_CODES = frozenset(t.code for t in competencies.KNOWLEDGE_AREAS)
# Fields that hold professionals' names by design (the facilitator, colleagues who took part,
# the course provider, the employer): a name there is not a client's.
NAME_FIELDS = frozenset(
    {"facilitator", "external_participants", "provider", "employer", "role_title"}
)


@dataclass
class EntryInput:
    """What a worker typed, already converted by the form."""

    kind: str
    title: str
    occurred_on: date | None
    end_on: date | None = None
    hours: Decimal | None = None
    fields: dict = field(default_factory=dict)  # kind-specific columns
    competencies: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    knowledge_areas: list[str] = field(default_factory=list)


def validate(data: EntryInput, *, today: date) -> dict[str, str]:
    """{field name: message} for everything wrong; empty when the input is fine."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in EntryKind}:
        errors["kind"] = "unknown kind"
    if data.occurred_on and data.occurred_on > today + FUTURE_LIMIT:
        errors["occurred_on"] = "date_far_future"
    if data.end_on and data.occurred_on and data.end_on < data.occurred_on:
        errors["end_on"] = "end_before_start"
    elif data.end_on and data.end_on > today + FUTURE_LIMIT:
        errors["end_on"] = "date_far_future"
    hours_error = _hours_error(data)
    if hours_error:
        errors["hours"] = hours_error
    per_week = data.fields.get("hours_per_week")
    if per_week is not None and not (
        per_week.is_finite() and Decimal(0) < per_week <= MAX_HOURS_PER_WEEK
    ):
        errors["hours_per_week"] = "hours_per_week"
    codes = {
        "form": {t.code for t in competencies.REFLECTION_FORMS},
        "activity_type": {t.code for t in competencies.OTHER_ACTIVITY_TYPES},
    }
    for name, known in codes.items():
        if name in data.fields and data.fields[name] not in known:
            errors[name] = "unknown_choice"
    for name, known in OPTIONAL_CODES.items():
        if data.fields.get(name) and data.fields[name] not in known:
            errors[name] = "unknown_choice"
    unknown = [c for c in data.competencies if not competencies.is_known_competency(c)]
    if unknown:
        errors["competencies"] = "unknown_competency"
    if any(not 1 <= n <= len(competencies.ARTICLES) for n in data.articles):
        errors["articles"] = "unknown_article"
    if not set(data.knowledge_areas) <= KNOWLEDGE_AREA_CODES:
        errors["knowledge_areas"] = "unknown_knowledge_area"
    if data.kind == EntryKind.PEER_REVIEW and data.fields.get("form") == "supervisie":
        errors.update(_supervisor_errors(data.fields))
    return errors


def _hours_error(data: EntryInput) -> str | None:
    """What is wrong with the net hours, if anything ("NaN" and "inf" parse as decimals)."""
    hours = data.hours
    if hours is None:
        return None
    if not hours.is_finite():
        return "not_a_number"
    if hours < 0:
        return "negative"
    if hours > MAX_HOURS_PER_ENTRY:
        return "too_many_hours_entry"
    start = data.occurred_on
    days = ((data.end_on or start) - start).days + 1 if start else 1
    if data.kind != EntryKind.WORK and hours > MAX_HOURS_PER_DAY * max(days, 1):
        return "too_many_hours"
    return None


def _supervisor_errors(fields: dict) -> dict[str, str]:
    """Supervisie counts only with a registered supervisor: their name, register and number."""
    errors = {}
    if not (fields.get("facilitator") or "").strip():
        errors["facilitator"] = "supervisor_name"
    registration = (fields.get("facilitator_registration") or "").strip()
    if not registration:
        errors["facilitator_registration"] = "supervisor_registration"
    elif not REGISTRATION.fullmatch(registration):
        errors["facilitator_registration"] = "registration_format"
    return errors


def privacy_findings(data: EntryInput) -> dict[str, list]:
    """{field name: findings} of the privacy scan over every free-text field."""
    texts = {"title": data.title, **{k: v for k, v in data.fields.items() if isinstance(v, str)}}
    texts = {name: text for name, text in texts.items() if name in TEXT_FIELDS}
    sections = data.fields.get("sections") or {}
    for phase, text in (sections.get("phases") or {}).items():
        texts[f"{sections['template']}_{phase}"] = text  # named like the form's phase field
    found = {}
    for name, text in texts.items():
        if text:
            findings = competencies.scan_text(text)
            if name in NAME_FIELDS:
                findings = [f for f in findings if f.kind != "person_name"]
            if findings:
                found[name] = findings
    return found
