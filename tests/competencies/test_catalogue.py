"""The catalogue: counts, codes, lookups, sources and own-words summaries."""

from __future__ import annotations

import dataclasses
import re

import pytest

import competencies as c
from competencies.catalogue import ALL_RECORD_GROUPS
from tests.competencies.conftest import NORMS_MD

SUMMARY_FIELDS = (
    "summary",
    "summary_en",
    "perspective_individual",
    "perspective_individual_en",
    "perspective_society",
    "perspective_society_en",
)


def all_records():
    """Every catalogue record of every group."""
    for records in ALL_RECORD_GROUPS.values():
        yield from records


def words(text: str) -> list[str]:
    """Lower-case words of `text`."""
    text = re.sub(r"-\s*\n\s*", "", text)  # join words hyphenated across lines
    return re.findall(r"\w+", text.lower())


def shingles(tokens: list[str], n: int = 8) -> set[tuple[str, ...]]:
    """All runs of `n` consecutive words."""
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_catalogue_counts_match_the_seeds():
    assert len(c.COMPETENCIES) == 10
    assert len(c.THEMES) == 5
    assert len(c.PROFICIENCY_LEVELS) == 4
    assert len(c.WORK_LEVELS) == 4
    assert len(c.SOCIAL_WORK_LEVELS) == 3
    assert len(c.CORE_VALUES) == 8
    assert len(c.CHAPTERS) == 6
    assert len(c.ARTICLES) == 29
    assert len(c.ART3_REQUIREMENTS) == 6
    assert len(c.QUALITY_NORMS) == 7
    assert len(c.KNOWLEDGE_AREAS) == 6
    assert len(c.DILEMMA_CATEGORIES) == 4
    assert len(c.REFLECTION_FORMS) == 8
    assert len(c.OTHER_ACTIVITY_TYPES) == 6


def test_competencies_are_wmo1_to_wmo10_two_per_theme():
    assert [x.code for x in c.COMPETENCIES] == [f"WMO{i}" for i in range(1, 11)]
    assert [x.number for x in c.COMPETENCIES] == list(range(1, 11))
    for theme in c.THEMES:
        assert len([x for x in c.COMPETENCIES if x.theme == theme.code]) == 2


def test_articles_are_numbered_1_to_29_in_six_chapters():
    assert [a.number for a in c.ARTICLES] == list(range(1, 30))
    chapters = {
        ch.code: [a.number for a in c.ARTICLES if a.chapter == ch.code] for ch in c.CHAPTERS
    }
    assert chapters == {
        "H1": [1, 2, 3, 4],
        "H2": list(range(5, 17)),
        "H3": [17, 18, 19, 20],
        "H4": [21, 22, 23],
        "H5": [24, 25, 26],
        "H6": [27, 28, 29],
    }


def test_levels_are_ranked_one_to_four():
    assert [(lv.code, lv.rank) for lv in c.PROFICIENCY_LEVELS] == [
        ("beginner", 1),
        ("gevorderd-beginner", 2),
        ("vakbekwaam", 3),
        ("vakvolwassen", 4),
    ]
    assert [lv.code for lv in c.WORK_LEVELS] == [
        "assisteren",
        "uitvoeren",
        "ontwerpen-en-uitvoeren",
        "regievoeren",
    ]
    assert [lv.rank for lv in c.WORK_LEVELS] == [1, 2, 3, 4]


def test_codes_of_forms_types_and_quality_norms():
    assert {f.code for f in c.REFLECTION_FORMS} == {
        "supervisie",
        "intervisie",
        "moreel-beraad",
        "casuistiekbespreking",
        "werkgerichte-coaching",
        "mentorschap",
        "collegiale-consultatie",
        "werkbegeleiding",
    }
    assert [t.code for t in c.OTHER_ACTIVITY_TYPES] == [
        "vakliteratuur",
        "presentatie",
        "publicatie",
        "stagebegeleiding",
        "onderzoek",
        "overig",
    ]
    assert [(q.code, q.area, q.number) for q in c.QUALITY_NORMS] == [
        ("1.1", "vakmanschap", 1),
        ("1.12", "vakmanschap", 12),
        ("1.13", "vakmanschap", 13),
        ("1.15", "vakmanschap", 15),
        ("3.9", "organisatie", 9),
        ("3.10", "organisatie", 10),
        ("3.15", "organisatie", 15),
    ]
    assert [s.code for s in c.SOCIAL_WORK_LEVELS] == ["micro", "meso", "macro"]


def test_art3_requirements_name_entry_kinds_and_links():
    assert c.ENTRY_KINDS == ("reflection", "training", "peer_review", "other", "work")
    by = {r.code: r for r in c.ART3_REQUIREMENTS}
    assert by["vakliteratuur"].entry_kinds == ("other",)
    assert set(by["reflectie"].entry_kinds) == {"reflection", "peer_review"}
    assert set(by["eigen-grenzen"].entry_kinds) == {"reflection", "peer_review"}
    assert set(by["actuele-kennis"].entry_kinds) == {"training", "other"}
    assert by["bijdrage-beroep"].entry_kinds == ("other",)
    assert by["reflectie"].related_articles == (24,)
    assert by["bijdrage-beroep"].related_articles == (26,)
    for req in c.ART3_REQUIREMENTS:
        assert set(req.entry_kinds) <= set(c.ENTRY_KINDS)


def test_lookups_find_records_and_raise_key_error_for_unknown_codes():
    assert c.competency("WMO3").title == "Is zichtbaar en gaat op mensen af"
    assert c.article(24).title == "Collegiale toetsing en beroepsethische reflectie"
    assert c.article(3).chapter == "H1"
    assert c.level("vakbekwaam").rank == 3
    assert c.level("regievoeren").rank == 4
    assert c.by_code(c.THEMES, "integraal").title == "Integraal werken"
    assert c.by_code(c.ARTICLES, "26").number == 26
    assert c.is_known_competency("WMO10")
    assert not c.is_known_competency("WMO11")
    with pytest.raises(KeyError, match="WMO11"):
        c.competency("WMO11")
    with pytest.raises(KeyError):
        c.article(30)
    with pytest.raises(KeyError):
        c.level("expert")
    with pytest.raises(KeyError):
        c.by_code(c.REFLECTION_FORMS, "yoga")


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.COMPETENCIES[0].title = "x"  # type: ignore[misc]


def test_every_record_has_dutch_and_english_summaries():
    for record in all_records():
        assert record.summary.strip(), record
        assert record.summary_en.strip(), record
        assert record.summary != record.summary_en, record
    for comp in c.COMPETENCIES:
        for field in SUMMARY_FIELDS:
            assert getattr(comp, field).strip(), (comp.code, field)


def test_every_source_names_an_existing_seed_or_norms_md(seeds_dir):
    seeds = {p.name for p in seeds_dir.glob("*.txt")}
    sources = [r.source for r in all_records()]
    sources += [s for norm in c.all_norms() for s in norm.sources]
    for source in sources:
        assert source.where.strip(), source
        if source.seed == "NORMS.md":
            assert NORMS_MD.is_file()
        else:
            assert source.seed in seeds, source


def test_titles_of_articles_and_competencies_appear_in_the_seeds(seed_texts):
    code = " ".join(seed_texts["000_7844ec742a717a9e.txt"].split())
    wmo = " ".join(seed_texts["004_29a24e411e76179a.txt"].split())
    for a in c.ARTICLES:
        assert a.title in code, a.number
    for comp in c.COMPETENCIES:
        assert comp.title.split()[0] in wmo and comp.title.split()[-1] in wmo
    for cat in c.DILEMMA_CATEGORIES:
        assert " ".join(cat.title.split()) in wmo, cat.code


def test_summaries_are_not_copied_from_the_seeds(seed_texts):
    seed_shingles: set[tuple[str, ...]] = set()
    for text in seed_texts.values():
        seed_shingles |= shingles(words(text))
    copied = []
    for record in all_records():
        for field in SUMMARY_FIELDS:
            value = getattr(record, field, None)
            if value and shingles(words(value)) & seed_shingles:
                copied.append((record.code, field))
    assert copied == []
