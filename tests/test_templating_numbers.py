"""The template's number filter formats as babel's `#,##0.##` does, in Dutch and English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from flask_babel import force_locale

from portfolio.templating import number

VALUES = [
    0,
    1,
    -1,
    0.5,
    1.005,
    2.675,
    12.345,
    999.995,
    1000,
    1234.5,
    -1234.567,
    60,
    3368,
    1234567.891,
    Decimal("0.125"),
    Decimal("0.135"),
    Decimal("-0.004"),
    Decimal("40.00"),
    Decimal("99999.99"),
    0.1 + 0.2,
]


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_numbers_read_as_babel_writes_them(app, locale):
    with app.test_request_context(), force_locale(locale):
        for value in VALUES:
            expected = format_decimal(Decimal(str(value)), format="#,##0.##", locale=locale)
            assert number(value) == expected, value


def test_no_number_is_a_dash(app):
    with app.test_request_context():
        assert number(None) == "—"
