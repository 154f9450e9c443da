"""Reminder dates before a deadline, computed by hand."""

from datetime import date

import pytest

from competencies.reminders import (
    deadline_reminder_dates,
    months_before,
    parse_offset,
    vog_is_due,
)


def test_default_offsets_give_five_dates_before_the_deadline():
    assert deadline_reminder_dates(date(2027, 2, 28)) == (
        date(2026, 2, 28),
        date(2026, 8, 28),
        date(2026, 11, 28),
        date(2027, 1, 28),
        date(2027, 2, 21),
    )


def test_month_arithmetic_clamps_to_the_last_day():
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2027, 1, 15), 13) == date(2025, 12, 15)


@pytest.mark.parametrize("bad", ["", "0m", "12", "3y", "-1m", "1000d"])
def test_bad_offsets_are_refused(bad):
    with pytest.raises(ValueError):
        parse_offset(bad)


def test_vog_is_due_only_in_the_last_three_months_with_an_old_vog():
    deadline = date(2027, 6, 30)
    assert not vog_is_due(deadline, None, date(2027, 3, 29))  # more than 3 months before
    assert vog_is_due(deadline, None, date(2027, 3, 30))
    assert vog_is_due(deadline, date(2026, 6, 29), date(2027, 5, 1))  # older than 12 months
    assert not vog_is_due(deadline, date(2026, 6, 30), date(2027, 5, 1))
    assert not vog_is_due(deadline, None, date(2027, 7, 1))  # after the deadline
