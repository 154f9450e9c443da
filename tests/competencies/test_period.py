"""Registration-period arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from competencies import registration_period


def test_period_is_five_years_with_deadline_one_day_before_the_end():
    period = registration_period(date(2021, 3, 15))
    assert (period.start, period.end, period.deadline) == (
        date(2021, 3, 15),
        date(2026, 3, 15),
        date(2026, 3, 14),
    )
    assert period.days == 1826  # includes 29 Feb 2024


def test_leap_day_registration_ends_on_28_february():
    period = registration_period(date(2024, 2, 29))
    assert period.end == date(2029, 2, 28)
    assert period.deadline == date(2029, 2, 27)


def test_leap_day_registration_into_a_leap_year_keeps_29_february():
    assert registration_period(date(2024, 2, 29), years=4).end == date(2028, 2, 29)


def test_start_is_inside_and_end_is_outside():
    period = registration_period(date(2020, 1, 1))
    assert period.contains(date(2020, 1, 1))
    assert period.contains(date(2024, 12, 31))
    assert not period.contains(date(2025, 1, 1))
    assert not period.contains(date(2019, 12, 31))


def test_other_period_lengths_and_invalid_length():
    assert registration_period(date(2020, 6, 1), years=1).end == date(2021, 6, 1)
    with pytest.raises(ValueError):
        registration_period(date(2020, 6, 1), years=0)
