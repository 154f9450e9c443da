"""Issue 14, computed by hand: per-register accreditation, forecasts that respect caps, the
current pace of work, the average-per-week work rule, overridden register numbers, strict
threshold files and Dutch numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from competencies import Activity, Shortfall, load_norm, norm_status
from competencies.activities import Accreditation
from competencies.numbers import NumberError, format_number, parse_number
from tests.competencies.factories import make_other, make_peer_review, make_work

START = date(2020, 1, 1)  # period 2020-01-01 .. 2024-12-31 (1827 days), deadline 2024-12-31
RP = "registerplein-sociaal-werker"
JGP = "skj-jeugd-gezinsprofessional"
JZW = "skj-jeugdzorgwerker"


def training(on: str, hours: int, *accreditations: tuple[str | None, str]) -> Activity:
    return Activity(
        "training",
        date=date.fromisoformat(on),
        hours=Decimal(hours),
        accreditations=tuple(Accreditation(r, i) for r, i in accreditations),
    )


# 1. Accreditation is per register -----------------------------------------------------------

RP_SET = {"geaccrediteerd": {"min": 10}, "reflectie": {"min": 10}, "overig": {"max": 20}}


def test_one_course_with_two_accreditations_counts_differently_for_skj_and_registerplein():
    course = training("2021-03-01", 6, ("skj", "SKJ-1"), ("nip", "NIP-9"))
    rp = norm_status(load_norm(RP).with_thresholds(RP_SET), START, [course], date(2021, 6, 1))
    skj = norm_status(load_norm(JGP), START, [course], date(2021, 6, 1))
    # Registerplein: no course-agenda id of its own, so "overige" (NORMS.md).
    assert rp.category("geaccrediteerd").earned == 0 and rp.category("overig").earned == 6
    # SKJ: accredited (by SKJ; the NIP one would count too).
    assert skj.category("scholing").earned == 6
    assert load_norm(JGP).counting_accreditation(course) == Accreditation("skj", "SKJ-1")
    assert load_norm(RP).counting_accreditation(course) is None


def test_skj_accepts_nvo_but_registerplein_wants_its_own_id():
    nvo = training("2021-03-01", 4, ("nvo", "NVO-1"))
    both = training("2021-03-02", 3, ("registerplein", "RP-7"), ("nvo", "NVO-2"))
    rp = norm_status(load_norm(RP).with_thresholds(RP_SET), START, [nvo, both], date(2021, 6, 1))
    skj = norm_status(load_norm(JGP), START, [nvo, both], date(2021, 6, 1))
    assert rp.category("geaccrediteerd").earned == 3 and rp.category("overig").earned == 4
    assert skj.category("scholing").earned == 7
    assert load_norm(RP).counting_accreditation(both) == Accreditation("registerplein", "RP-7")


def test_an_id_of_an_unknown_register_counts_as_accredited_nowhere():
    old = training("2021-03-01", 5, (None, "OLD-ID"))
    skj = norm_status(load_norm(JZW), START, [old], date(2021, 6, 1))
    assert skj.category("scholing").earned == 0 and skj.category("vrije_ruimte").earned == 5


# 2. Forecasts respect caps ----------------------------------------------------------------


def test_a_capped_category_at_its_cap_adds_nothing_to_the_total_forecast():
    # overig capped at 20 and already at it (30 earned); geaccrediteerd 10, reflectie 10.
    # as_of 2020-12-31 = day 366; 1461 days left. Total needed 100.
    # geaccrediteerd: 10 + 10 × 1461 / 366 = 49.92; reflectie the same; overig stays 20.
    # Projected total 119.84 >= 100: reached when 20 + 2 × (10 + 10d/366) >= 100,
    # i.e. d >= 30 × 366 / 10 = 1098 days -> 2024-01-03.
    norm = load_norm(RP).with_thresholds({**RP_SET, "total": {"min": 100}})
    norm = norm.with_thresholds({"work_hours": {"min": None}})
    activities = [
        training("2020-03-01", 10, ("registerplein", "RP-1")),
        make_peer_review("2020-04-01", 10),
        make_other("2020-05-01", 30),
    ]
    result = norm_status(norm, START, activities, date(2020, 12, 31))
    assert result.category("overig").counted == 20
    assert result.total is not None and result.total.counted == 40
    assert result.forecast.met_on == date(2024, 1, 3)
    assert result.forecast.on_track is True


def test_when_only_capped_categories_grow_the_total_is_off_track_with_a_shortfall():
    # Only "overig" (cap 20) grows; the total of 100 can never be filled: before issue 14
    # the total was projected at its average pace (30 × 1827 / 366 = 149.8) and on track.
    norm = load_norm(RP).with_thresholds(
        {"geaccrediteerd": {"min": 0}, "reflectie": {"min": 0}, "overig": {"max": 20}}
    )
    norm = norm.with_thresholds({"total": {"min": 100}, "work_hours": {"min": None}})
    result = norm_status(norm, START, [make_other("2020-05-01", 30)], date(2020, 12, 31))
    assert result.forecast.on_track is False and result.forecast.met_on is None
    assert result.forecast.shortfalls == (
        Shortfall("total", Decimal("20.00"), Decimal(100), Decimal("80.00")),
    )
    assert result.to_dict()["forecast"]["shortfalls"][0]["short_by"] == 80


def test_a_job_that_ended_adds_nothing_to_the_future():
    # 36 h a week in 2020 only (ended 2020-12-31); as_of 2021-12-31.
    # Earned: 36 × 366 / 7 = 1882.29. Average since the start would project 1882.29 × 1827/731
    # = 4704 hours (on track); the current weekly hours are 0, so nothing more comes.
    norm = load_norm(JGP).with_thresholds(
        {"work_hours": {"avg_per_week": None, "profession_avg_per_week": None}}
    )
    result = norm_status(
        norm, START, [make_work("2020-01-01", "2020-12-31", 36)], date(2021, 12, 31)
    )
    assert result.work_hours is not None
    assert result.work_hours.earned.quantize(Decimal("0.01")) == Decimal("1882.29")
    assert result.work_hours.current_per_week == 0
    shortfall = next(s for s in result.forecast.shortfalls if s.requirement == "work_hours")
    assert shortfall.projected == Decimal("1882.29") and shortfall.short_by == Decimal("1485.71")
    assert result.forecast.on_track is False


def test_work_hours_pace_is_the_current_weekly_hours():
    # 8 h a week in 2020, then 32 h a week from 2021 (ongoing); as_of 2021-12-31.
    # Earned 8 × 366/7 + 32 × 365/7 = 418.29 + 1668.57 = 2086.86; 1096 days left at 32/7 a
    # day = 5010.29 more. 3368 reached after ceil((3368 − 2086.857) × 7 / 32) = 281 days.
    norm = load_norm(JGP).with_thresholds(
        {
            "work_hours": {"avg_per_week": None, "profession_avg_per_week": None},
            "scholing": {"min": None},
            "reflectie": {"min": None},
        }
    )
    work = [make_work("2020-01-01", "2020-12-31", 8), make_work("2021-01-01", None, 32)]
    result = norm_status(norm, START, work, date(2021, 12, 31))
    assert result.work_hours is not None and result.work_hours.current_per_week == 32
    assert "work_hours" not in {s.requirement for s in result.forecast.shortfalls}
    # 2021-12-31 + 281 days = 2022-10-08 (the average since the start, 2086.86 / 731 a day,
    # would say ceil(1281.14 × 731 / 2086.86) = 449 days: 2023-03-25).
    assert result.forecast.met_on == date(2022, 10, 8)


# 3. The register's work-hours rule --------------------------------------------------------


def test_13_hours_a_week_all_period_does_not_meet_skj():
    # 13 × 1827 / 7 = 3393 hours >= 3,368, yet the average is 13 < 16 hours a week.
    result = norm_status(
        load_norm(JGP), START, [make_work("2020-01-01", None, 13)], date(2025, 1, 1)
    )
    work = result.work_hours
    assert work is not None and work.earned >= 3368
    assert work.average_per_week == 13 and work.met is False
    assert result.met is False


def test_16_hours_a_week_of_which_8_in_the_profession():
    activities = [
        make_work("2020-01-01", None, 8),
        make_work("2020-01-01", None, 8, in_profession=False),
    ]
    work = norm_status(load_norm(JGP), START, activities, date(2025, 1, 1)).work_hours
    assert work is not None
    assert (work.average_per_week, work.profession_average_per_week) == (16, 8)
    assert work.met is True  # 16 × 1827 / 7 = 4176 hours too
    less = [
        make_work("2020-01-01", None, 10),
        make_work("2020-01-01", None, 7, in_profession=False),
    ]
    assert norm_status(load_norm(JGP), START, less, date(2025, 1, 1)).work_hours.met is True
    short = [
        make_work("2020-01-01", None, 7),
        make_work("2020-01-01", None, 10, in_profession=False),
    ]
    result = norm_status(load_norm(JGP), START, short, date(2025, 1, 1))
    assert result.work_hours.profession_average_per_week == 7 and result.work_hours.met is False


def test_13_hours_a_week_is_off_track_mid_period():
    result = norm_status(
        load_norm(JGP), START, [make_work("2020-01-01", None, 13)], date(2022, 1, 1)
    )
    assert Shortfall("work_hours_average", Decimal("13.00"), Decimal(16), Decimal("3.00")) in (
        result.forecast.shortfalls
    )
    assert result.forecast.on_track is False


# 4. "verified" means the register's numbers -------------------------------------------------


def test_a_confirmed_threshold_overridden_is_no_longer_verified():
    norm = load_norm(JGP).with_thresholds({"reflectie": {"min": 40}})
    result = norm_status(norm, START, [], date(2021, 1, 1))
    assert result.verified is False and result.overridden == ("reflectie.min",)
    assert result.to_dict()["verified"] is False
    assert result.to_dict()["overridden"] == ["reflectie.min"]


def test_the_same_number_again_or_an_unconfirmed_one_set_is_not_an_override():
    same = load_norm(JGP).with_thresholds({"reflectie": {"min": 60}})
    assert same.is_verified and same.overridden == ()
    rp = load_norm(RP).with_thresholds({"reflectie": {"min": 40}})
    assert rp.overridden == () and rp.organisation_set == ("reflectie.min",)
    assert norm_status(rp, START, [], date(2021, 1, 1)).verified is False  # never confirmed


# 7. Strict threshold files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reflectie": {"min": "40"}}, "reflectie.min: must be a number or null, got '40'"),
        ({"reflectie": {"minimum": 40}}, "reflectie: unknown field 'minimum'"),
        ({"reflecite": {"min": 40}}, "unknown category 'reflecite'"),
        ({"work_hours": {"avg": 16}}, "work_hours: unknown field 'avg'"),
    ],
)
def test_threshold_files_are_strict(overrides, message):
    with pytest.raises(ValueError, match=message):
        load_norm(JGP).with_thresholds(overrides)


# 8. Dutch numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "maximum", "expected"),
    [
        ("1,5", 24, Decimal("1.5")),
        ("1.5", 24, Decimal("1.5")),
        (" 7,25 ", 24, Decimal("7.25")),
        ("3.000", 100_000, Decimal(3000)),  # a threshold: three thousand
        ("3.368", 100_000, Decimal(3368)),
        ("12.500,5", None, Decimal("12500.5")),
        ("1,500", 24, Decimal("1.5")),  # 1500 cannot be hours in a day: one and a half
        ("0.500", 24, Decimal("0.5")),
        ("", 24, None),
    ],
)
def test_dutch_numbers_parse(text, maximum, expected):
    assert parse_number(text, maximum=maximum) == expected


@pytest.mark.parametrize(
    ("text", "maximum", "code", "suggestions"),
    [
        ("1.500", 24, "too_large", (Decimal("1.5"),)),  # probably 1,5 hours
        ("3,000", 100_000, "ambiguous", (Decimal(3), Decimal(3000))),
        ("1,555", 24, "too_many_decimals", (Decimal("1.56"),)),
        ("-2", 24, "negative", ()),
        ("twee", 24, "invalid", ()),
        ("1,2,3", None, "invalid", ()),
        ("25", 24, "too_large", ()),
    ],
)
def test_dutch_numbers_refused_with_a_suggestion(text, maximum, code, suggestions):
    with pytest.raises(NumberError) as caught:
        parse_number(text, maximum=maximum)
    assert (caught.value.code, caught.value.suggestions) == (code, suggestions)


def test_numbers_are_shown_the_dutch_way():
    assert format_number(Decimal("1.5"), "nl") == "1,5"
    assert format_number(Decimal(3368), "nl") == "3.368"
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert format_number(Decimal("2.00"), "nl") == "2"
