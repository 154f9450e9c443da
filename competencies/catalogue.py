"""The development-model catalogue, read from the TOML files in `competencies/data/`.

Every record carries its `Source`; titles are kept as written in the seeds, summaries are our
own words (see `/work/shared/seeds/README.md`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from competencies.records import (
    ENTRY_KINDS,
    Art3Requirement,
    Article,
    Competency,
    Level,
    QualityNorm,
    Source,
    Tag,
    Theme,
)

CATALOGUE_VERSION = "2026.1"

DATA_DIR = Path(__file__).resolve().parent / "data"

R = TypeVar("R")


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


def _record(cls: type[R], row: dict[str, Any]) -> R:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {sorted(unknown)} in {row!r}")
    values = {
        key: Source(**value)
        if key == "source"
        else tuple(value)
        if isinstance(value, list)
        else value
        for key, value in row.items()
    }
    return cls(**values)


def _records(cls: type[R], rows: Iterable[dict[str, Any]]) -> tuple[R, ...]:
    return tuple(_record(cls, row) for row in rows)


_competencies = _load("competencies.toml")
_code = _load("beroepscode.toml")
_practice = _load("practice.toml")
_context = _load("context.toml")

THEMES: tuple[Theme, ...] = _records(Theme, _competencies["themes"])
COMPETENCIES: tuple[Competency, ...] = _records(Competency, _competencies["competencies"])
PROFICIENCY_LEVELS: tuple[Level, ...] = _records(Level, _competencies["proficiency_levels"])
WORK_LEVELS: tuple[Level, ...] = _records(Level, _competencies["work_levels"])

CORE_VALUES: tuple[Tag, ...] = _records(Tag, _code["core_values"])
CHAPTERS: tuple[Tag, ...] = _records(Tag, _code["chapters"])
ARTICLES: tuple[Article, ...] = _records(Article, _code["articles"])
# The Beroepscode edition the catalogue follows (2018, seed 000) and the joint code in force
# since 1 January 2022 (seed 001), whose numbering is still to be checked against ours.
CODE_EDITION, CODE_SUCCESSOR = _records(Tag, _code["editions"])

ART3_REQUIREMENTS: tuple[Art3Requirement, ...] = _records(
    Art3Requirement, _practice["art3_requirements"]
)
REFLECTION_FORMS: tuple[Tag, ...] = _records(Tag, _practice["reflection_forms"])
OTHER_ACTIVITY_TYPES: tuple[Tag, ...] = _records(Tag, _practice["other_activity_types"])
# The registers that accredit courses (a training's accreditations name one of these).
REGISTERS: tuple[Tag, ...] = _records(Tag, _load("registers.toml")["registers"])

SOCIAL_WORK_LEVELS: tuple[Tag, ...] = _records(Tag, _context["social_work_levels"])
QUALITY_NORMS: tuple[QualityNorm, ...] = _records(QualityNorm, _context["quality_norms"])
KNOWLEDGE_AREAS: tuple[Tag, ...] = _records(Tag, _context["knowledge_areas"])
DILEMMA_CATEGORIES: tuple[Tag, ...] = _records(Tag, _context["dilemma_categories"])

del _competencies, _code, _practice, _context

REFLECTION_FORM_CODES: tuple[str, ...] = tuple(f.code for f in REFLECTION_FORMS)
OTHER_ACTIVITY_TYPE_CODES: tuple[str, ...] = tuple(t.code for t in OTHER_ACTIVITY_TYPES)
REGISTER_CODES: tuple[str, ...] = tuple(r.code for r in REGISTERS)

ALL_RECORD_GROUPS: dict[str, tuple[Any, ...]] = {
    "THEMES": THEMES,
    "COMPETENCIES": COMPETENCIES,
    "PROFICIENCY_LEVELS": PROFICIENCY_LEVELS,
    "WORK_LEVELS": WORK_LEVELS,
    "SOCIAL_WORK_LEVELS": SOCIAL_WORK_LEVELS,
    "CORE_VALUES": CORE_VALUES,
    "CHAPTERS": CHAPTERS,
    "ARTICLES": ARTICLES,
    "ART3_REQUIREMENTS": ART3_REQUIREMENTS,
    "QUALITY_NORMS": QUALITY_NORMS,
    "KNOWLEDGE_AREAS": KNOWLEDGE_AREAS,
    "DILEMMA_CATEGORIES": DILEMMA_CATEGORIES,
    "REFLECTION_FORMS": REFLECTION_FORMS,
    "OTHER_ACTIVITY_TYPES": OTHER_ACTIVITY_TYPES,
    "REGISTERS": REGISTERS,
}


def _check_integrity() -> None:
    """Fail at import when the data contradicts itself (cheap, runs once)."""
    theme_codes = {t.code for t in THEMES}
    chapter_codes = {c.code for c in CHAPTERS}
    for group, records in ALL_RECORD_GROUPS.items():
        codes = [r.code for r in records]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{group}: duplicate codes")
    for c in COMPETENCIES:
        if c.theme not in theme_codes:
            raise ValueError(f"{c.code}: unknown theme {c.theme!r}")
    for a in ARTICLES:
        if a.chapter not in chapter_codes:
            raise ValueError(f"article {a.number}: unknown chapter {a.chapter!r}")
    for req in ART3_REQUIREMENTS:
        if not set(req.entry_kinds) <= set(ENTRY_KINDS):
            raise ValueError(f"{req.code}: unknown entry kind in {req.entry_kinds}")


_check_integrity()


def by_code(records: Iterable[R], code: str) -> R:
    """Return the record whose `code` equals `code`; raise KeyError for an unknown code."""
    records = tuple(records)
    for record in records:
        if record.code == code:  # type: ignore[attr-defined]
            return record
    known = ", ".join(str(r.code) for r in records)  # type: ignore[attr-defined]
    raise KeyError(f"unknown code {code!r}; known codes: {known}")


def competency(code: str) -> Competency:
    """Return the Wmo competency with this code ("WMO1" … "WMO10")."""
    return by_code(COMPETENCIES, code)


def is_known_competency(code: str) -> bool:
    """True when `code` is one of the ten Wmo competency codes."""
    return any(c.code == code for c in COMPETENCIES)


def article(number: int) -> Article:
    """Return Beroepscode article `number` (1–29); raise KeyError otherwise."""
    for a in ARTICLES:
        if a.number == number:
            return a
    raise KeyError(f"unknown Beroepscode article {number!r}; articles are numbered 1–29")


def level(code: str) -> Level:
    """Return a proficiency level or work level by code; raise KeyError otherwise."""
    return by_code(PROFICIENCY_LEVELS + WORK_LEVELS, code)
