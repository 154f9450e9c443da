"""When to remind a worker of a registration deadline: pure date arithmetic.

The registers themselves remind late or not at all (NORMS.md: Registerplein makes an account
inactive after a missed deadline; V&VN mails 12 weeks before expiry), so the default reminds
at 12, 6, 3 and 1 month(s) and 1 week before the submission deadline.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

DEFAULT_OFFSETS: tuple[str, ...] = ("12m", "6m", "3m", "1m", "1w")
_OFFSET = re.compile(r"^(\d{1,3})([dwm])$")
VOG_MAX_AGE_MONTHS = 12  # Registerplein: a VOG at most 12 months old when submitted (NORMS.md)
VOG_WARNING_MONTHS = 3


def parse_offset(text: str) -> tuple[int, str]:
    """'12m' → (12, 'm'); units d(ays), w(eeks), m(onths). Raises ValueError otherwise."""
    match = _OFFSET.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not an offset like 12m, 6w or 10d")
    return int(match.group(1)), match.group(2)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the 31st becomes the month's last day when needed."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def before(day: date, offset: str) -> date:
    """`day` minus an offset such as '3m' or '1w'."""
    amount, unit = parse_offset(offset)
    if unit == "m":
        return months_before(day, amount)
    return day - timedelta(days=amount * (7 if unit == "w" else 1))


def deadline_reminder_dates(deadline: date, offsets=DEFAULT_OFFSETS) -> tuple[date, ...]:
    """The dates to remind on before a submission deadline, earliest first, no duplicates."""
    return tuple(sorted({before(deadline, offset) for offset in offsets}))


def vog_is_due(deadline: date, vog_issued_on: date | None, today: date) -> bool:
    """True when the deadline is within 3 months and the VOG will be too old by then."""
    if today < months_before(deadline, VOG_WARNING_MONTHS) or today > deadline:
        return False
    return vog_issued_on is None or months_before(deadline, VOG_MAX_AGE_MONTHS) > vog_issued_on
