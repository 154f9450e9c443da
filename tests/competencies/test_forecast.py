"""The forecast, computed by hand: pace since the start, met_on, on_track and shortfalls."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from competencies import Shortfall, load_norm, norm_status
from tests.competencies.factories import make_other, make_peer_review, make_training, make_work

START = date(2020, 1, 1)


def test_forecast_on_track_takes_the_latest_requirement_date():
    # as_of 2020-04-09 is day 100 of the period (31 + 29 + 31 + 9 days).
    activities = [
        make_training("2020-02-01", 12),  # scholing 12/60: 48 × 100 / 12 = 400 days
        make_peer_review("2020-03-01", 8),  # reflectie 8/50: 42 × 100 / 8 = 525 days
        make_other("2020-04-01", 30),  # vrije ruimte 30/50: 20 × 100 / 30 = 66.7 → 67 days
    ]
    result = norm_status(load_norm("skj-jeugdzorgwerker"), START, activities, date(2020, 4, 9))
    # 2020-04-09 + 525 days = 2021-09-16 (365 days to 2021-04-09, then 160 more)
    assert result.forecast.met_on == date(2021, 9, 16)
    assert result.forecast.on_track is True
    assert result.forecast.shortfalls == ()
    assert result.to_dict()["forecast"] == {
        "met_on": "2021-09-16",
        "on_track": True,
        "shortfalls": [],
    }


def test_forecast_rounds_a_partial_day_up():
    activities = [
        make_training("2020-02-01", 60),
        make_peer_review("2020-03-01", 50),
        make_other("2020-04-01", 30),  # 20 × 100 / 30 = 66.7 → 67 days after 2020-04-09
    ]
    result = norm_status(load_norm("skj-jeugdzorgwerker"), START, activities, date(2020, 4, 9))
    assert result.forecast.met_on == date(2020, 6, 15)


def test_forecast_whole_day_count_is_exact():
    # as_of 2022-07-01 is day 913; scholing 30/60 needs exactly 913 more days: 2024-12-30.
    activities = [
        make_training("2020-02-01", 30),
        make_peer_review("2020-03-01", 50),
        make_other("2020-04-01", 50),
    ]
    result = norm_status(load_norm("skj-jeugdzorgwerker"), START, activities, date(2022, 7, 1))
    assert result.forecast.met_on == date(2024, 12, 30)
    assert result.forecast.on_track is True  # deadline 2024-12-31


def test_forecast_off_track_lists_the_shortfall():
    # as_of 2020-12-31 is day 366; 1461 days remain until the deadline 2024-12-31.
    activities = [
        make_training("2020-06-01", 6),  # 6 + 6 × 1461 / 366 = 29.95 by the deadline
        make_peer_review("2020-06-02", 24),
        make_peer_review("2020-06-03", 24),
        make_peer_review("2020-06-04", 13),  # reflectie 61: met
        make_work("2020-01-01", None, 16),  # 16 × 1827 / 7 = 4176 by the deadline: fine
    ]
    result = norm_status(
        load_norm("skj-jeugd-gezinsprofessional"), START, activities, date(2020, 12, 31)
    )
    # scholing: 54 × 366 / 6 = 3294 days after 2020-12-31 = 2030-01-07
    assert result.forecast.met_on == date(2030, 1, 7)
    assert result.forecast.on_track is False
    assert result.forecast.shortfalls == (
        Shortfall("scholing", Decimal("29.95"), Decimal(60), Decimal("30.05")),
    )


def test_forecast_without_any_progress_has_no_date_and_is_off_track():
    norm = (
        load_norm("registerplein-sociaal-werker")
        .with_thresholds(
            {"geaccrediteerd": {"min": 10}, "reflectie": {"min": 4}, "overig": {"max": 5}},
        )
        .with_thresholds({"total": {"min": None}, "work_hours": {"min": None}})
    )
    result = norm_status(norm, START, [make_training("2020-01-05", 12)], date(2020, 6, 30))
    assert result.forecast.met_on is None
    assert result.forecast.on_track is False
    assert result.forecast.shortfalls == (
        Shortfall("reflectie", Decimal("0.00"), Decimal(4), Decimal("4.00")),
    )


def test_forecast_when_everything_is_met_is_as_of():
    activities = [
        make_training("2020-02-01", 60),
        make_peer_review("2020-03-01", 50),
        make_other("2020-04-01", 50),
    ]
    result = norm_status(load_norm("skj-jeugdzorgwerker"), START, activities, date(2020, 5, 1))
    assert (result.forecast.met_on, result.forecast.on_track) == (date(2020, 5, 1), True)


def test_forecast_is_unknown_while_a_threshold_is_unconfirmed():
    norm = load_norm("registerplein-sociaal-werker")
    result = norm_status(norm, START, [make_training("2020-01-05", 12)], date(2020, 6, 30))
    assert (result.forecast.met_on, result.forecast.on_track) == (None, None)


def test_forecast_before_the_period_starts_has_no_pace():
    norm = load_norm("skj-jeugdzorgwerker")
    result = norm_status(norm, START, [], date(2019, 12, 1))
    assert (result.forecast.met_on, result.forecast.on_track) == (None, False)
