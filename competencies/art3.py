"""Yearly coverage of Beroepscode art. 3 (Vakbekwaamheid), seed 000_7844ec742a717a9e.txt:
"Hij onderhoudt zijn beroepskennis, beroepscompetenties en professionele houding op
aantoonbare wijze" — each requirement needs evidence every year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from competencies.catalogue import ART3_REQUIREMENTS
from competencies.records import Art3Requirement

ARTICLE_3 = 3


@dataclass(frozen=True)
class Evidence:
    """A portfolio entry as evidence: its kind, date, tagged code articles, its activity type
    (kind "other") and the one art. 3 requirement the worker linked it to, if any."""

    ref: Any
    kind: str
    date: date | None
    articles: tuple[int, ...] = ()
    type: str | None = None
    requirement: str | None = None


@dataclass(frozen=True)
class Art3Coverage:
    """One art. 3 requirement in one year: the evidence that shows it and whether it is covered."""

    requirement: Art3Requirement
    refs: tuple[Any, ...]
    covered: bool


def shows(requirement: Art3Requirement, item: Evidence) -> bool:
    """True when `item` can demonstrate `requirement` (the catalogue's mapping, seed 000).

    An entry shows a requirement when its kind fits (and, for kind "other", its activity type);
    an entry the worker linked to one requirement shows that one as well. A tag "article 3"
    alone shows nothing more: it does not say which of the six checks the entry is evidence of.
    """
    if item.requirement == requirement.code:
        return True
    if item.kind not in requirement.entry_kinds:
        return False
    if item.kind == "other" and requirement.activity_types:
        return item.type in requirement.activity_types
    return True


def art3_coverage(evidence: Iterable[Evidence], year: int) -> tuple[Art3Coverage, ...]:
    """For each art. 3 requirement (seed 000, art. 3), the evidence dated in `year` showing it."""
    in_year = [e for e in evidence if e.date is not None and e.date.year == year]
    result = []
    for requirement in ART3_REQUIREMENTS:
        refs = tuple(e.ref for e in in_year if shows(requirement, e))
        result.append(Art3Coverage(requirement=requirement, refs=refs, covered=bool(refs)))
    return tuple(result)
