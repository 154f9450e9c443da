"""Yearly coverage of Beroepscode art. 3 (Vakbekwaamheid)."""

from __future__ import annotations

from datetime import date

from competencies import ART3_REQUIREMENTS, Evidence, art3_coverage


def covered(result) -> dict[str, tuple]:
    """Covered requirement codes with their evidence refs."""
    return {c.requirement.code: c.refs for c in result if c.covered}


def test_requirements_come_back_in_catalogue_order():
    result = art3_coverage([], 2024)
    assert [c.requirement for c in result] == list(ART3_REQUIREMENTS)
    assert not any(c.covered for c in result)


def test_reflection_covers_reflection_limits_and_upkeep_only():
    result = art3_coverage([Evidence("r1", "reflection", date(2024, 3, 1))], 2024)
    assert covered(result) == {
        "aantoonbaar-onderhoud": ("r1",),
        "eigen-grenzen": ("r1",),
        "reflectie": ("r1",),
    }


def test_each_kind_covers_its_requirements_and_only_in_its_year():
    evidence = [
        Evidence("t1", "training", date(2024, 1, 15)),
        Evidence("o1", "other", date(2024, 12, 31), type="vakliteratuur"),
        Evidence("p0", "peer_review", date(2023, 12, 31)),  # previous year
        Evidence("w1", "work", date(2024, 6, 1)),  # work shows nothing by itself
        Evidence("x1", "reflection", None),  # undated
    ]
    assert covered(art3_coverage(evidence, 2024)) == {
        "actuele-kennis": ("t1", "o1"),
        "aantoonbaar-onderhoud": ("t1", "o1"),
        "vakliteratuur": ("o1",),
    }
    assert set(covered(art3_coverage(evidence, 2023))) == {
        "aantoonbaar-onderhoud",
        "eigen-grenzen",
        "reflectie",
    }


def test_literature_and_contributing_need_an_activity_that_fits():
    # Seed 000, art. 3 toelichting 3 and 4, art. 26: reading shows keeping up with literature;
    # a presentation, publication, research or an intern shows contributing to the profession.
    reading = Evidence("o1", "other", date(2024, 3, 1), type="vakliteratuur")
    talk = Evidence("o2", "other", date(2024, 3, 2), type="presentatie")
    intern = Evidence("o3", "other", date(2024, 3, 3), type="stagebegeleiding")
    plain = Evidence("o4", "other", date(2024, 3, 4), type="overig")
    result = covered(art3_coverage([reading, talk, intern, plain], 2024))
    assert result["vakliteratuur"] == ("o1",)
    assert result["bijdrage-beroep"] == ("o2", "o3")
    assert result["aantoonbaar-onderhoud"] == ("o1", "o2", "o3", "o4")


def test_an_entry_tagged_with_article_3_no_longer_ticks_all_six():
    result = art3_coverage([Evidence("w1", "work", date(2024, 6, 1), articles=(3,))], 2024)
    assert not any(c.covered for c in result)


def test_a_worker_may_link_an_entry_to_one_requirement():
    linked = Evidence("w1", "work", date(2024, 6, 1), requirement="bijdrage-beroep")
    assert covered(art3_coverage([linked], 2024)) == {"bijdrage-beroep": ("w1",)}
