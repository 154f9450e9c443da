"""Frozen record types of the catalogue. Every record names its source."""

from __future__ import annotations

from dataclasses import dataclass

ENTRY_KINDS: tuple[str, ...] = ("reflection", "training", "peer_review", "other", "work")


@dataclass(frozen=True)
class Source:
    """Where a record comes from: a seed file name (or "NORMS.md") and a place in it."""

    seed: str
    where: str


@dataclass(frozen=True)
class Theme:
    """A theme of the Handreiking professioneel ondersteunen."""

    code: str
    title: str
    summary: str
    summary_en: str
    source: Source


@dataclass(frozen=True)
class Competency:
    """One of the ten Wmo competencies, with its two perspectives."""

    code: str
    number: int
    title: str
    theme: str
    summary: str
    summary_en: str
    perspective_individual: str
    perspective_individual_en: str
    perspective_society: str
    perspective_society_en: str
    source: Source
    short: str = ""  # one or two words for a chart axis (our own, from the title)
    short_en: str = ""


@dataclass(frozen=True)
class Level:
    """A ranked level (proficiency or work level); rank 1 is the lowest."""

    code: str
    rank: int
    title: str
    summary: str
    summary_en: str
    source: Source


@dataclass(frozen=True)
class Tag:
    """A simple coded term: a core value, chapter, knowledge area, form, type, …"""

    code: str
    title: str
    summary: str
    summary_en: str
    source: Source


@dataclass(frozen=True)
class Article:
    """An article of the Beroepscode voor de sociaal werker."""

    number: int
    chapter: str
    title: str
    summary: str
    summary_en: str
    source: Source

    @property
    def code(self) -> str:
        """The article number as text, so articles work with `by_code`."""
        return str(self.number)


@dataclass(frozen=True)
class Art3Requirement:
    """One check of Beroepscode art. 3 (Vakbekwaamheid) and the entry kinds that show it."""

    code: str
    title: str
    summary: str
    summary_en: str
    entry_kinds: tuple[str, ...]
    source: Source
    related_articles: tuple[int, ...] = ()


@dataclass(frozen=True)
class QualityNorm:
    """A norm of the Kwaliteitslabel Sociaal Werk (area vakmanschap or organisatie)."""

    code: str
    area: str
    number: int
    title: str
    summary: str
    summary_en: str
    source: Source
