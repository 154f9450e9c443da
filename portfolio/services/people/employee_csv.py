"""Reading an employee CSV file: decode it, check it line by line. The columns: employee_import.

Nothing here looks anything up; `employee_import.preview` adds what only the database can tell.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from portfolio.models import Role
from portfolio.services.accounts import accounts
from portfolio.services.people import people_admin

COLUMNS = ("email", "name", "role", "team", "active", "start_date")
REQUIRED = ("email", "name")
ALIASES = {
    "e-mail": "email",
    "e-mailadres": "email",
    "naam": "name",
    "rol": "role",
    "actief": "active",
    "in_dienst": "start_date",
    "in dienst": "start_date",
}
TRUE = frozenset({"", "yes", "y", "ja", "j", "true", "1", "waar"})
FALSE = frozenset({"no", "n", "nee", "false", "0", "onwaar"})
FLAGS = TRUE | FALSE
ROLES = frozenset(r.value for r in Role)
MAX_ROWS = 100_000
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2024-03-01
DUTCH_DATE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")  # 01-03-2024 or 1-3-2024
YEARS = (1900, 2100)  # a start date outside these is a typo (0224, 20024)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGES = {
    "not_text": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "empty": _l("The file is empty: the first line must name the columns."),
    "columns_missing": _l("Missing column(s): %(columns)s."),
    "columns_unknown": _l("Unknown column(s): %(columns)s. Use: %(allowed)s."),
    "column_repeated": _l("The column %(column)s appears twice."),
    "no_rows": _l("The file names the columns but has nobody in it."),
    "field_count": _l("Expected %(expected)d values, found %(found)d."),
    "too_many_rows": _l("The file has more than %(max)d rows. Split it into smaller files."),
    "email_invalid": _l("“%(value)s” is not a valid e-mail address."),
    "email_repeated": _l("The e-mail address %(value)s is also on line %(first)d."),
    "email_taken": _l("The e-mail address %(value)s cannot be used; check it with the person."),
    "name_invalid": _l("Give a name of at most 200 characters."),
    "role_unknown": _l("Unknown role “%(value)s”: use worker, supervisor, hr or admin."),
    "role_not_allowed": _l("You may not give the role %(value)s."),
    "person_not_allowed": _l("You may not change the account of %(value)s."),
    "own_account": _l("You cannot change the role of your own account or deactivate it."),
    "active_invalid": _l("Active must be yes or no, not “%(value)s”."),
    "team_unknown": _l("There is no team “%(value)s”. Create it first, or correct the name."),
    "date_format": _l("“%(value)s” is not a start date: write it as YYYY-MM-DD or DD-MM-YYYY."),
    "date_month": _l("“%(value)s” is not a start date: there is no month %(month)d."),
    "date_day": _l(
        "“%(value)s” is not a start date: month %(month)d of %(year)d has %(days)d days."
    ),
    "date_year": _l(
        "“%(value)s” is not a start date: the year must lie between %(first)d and %(last)d."
    ),
}


@dataclass(frozen=True)
class LineError:
    """A problem on one line of the file (line 1 is the header)."""

    line: int
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in words, in the current language."""
        return str(MESSAGES[self.code]) % self.params


@dataclass(frozen=True)
class ImportRow:
    """One person from the file; None means the column is absent (keep what is there), and
    for the role also an empty cell.

    The start date is None both without the column and for an empty cell:
    `has_start_date` tells them apart (an empty cell clears the date).
    """

    line: int
    email: str
    name: str
    role: str | None
    team: str | None
    is_active: bool | None
    start_date: date | None = None
    has_start_date: bool = False


@dataclass(frozen=True)
class Parsed:
    """The rows that could be read, and the problems of the lines that could not."""

    rows: list[ImportRow]
    errors: list[LineError]


def decode(data: bytes) -> str:
    """The file's text; ValueError("not_text") for anything that is not UTF-8 text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("not_text") from exc
    if CONTROL_RE.search(text):  # a spreadsheet or other binary file that happens to decode
        raise ValueError("not_text")
    return text


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, values) of every non-empty record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for values in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if "".join(values).strip():  # some value is more than white space
            yield start, values


def _header(values: list[str]) -> tuple[list[str], list[LineError]]:
    names = [ALIASES.get(v.strip().lower(), v.strip().lower()) for v in values]
    errors = []
    unknown = [v.strip() for v, n in zip(values, names, strict=True) if n not in COLUMNS]
    if unknown:
        allowed = ", ".join(COLUMNS)
        errors.append(
            LineError(1, "columns_unknown", {"columns": ", ".join(unknown), "allowed": allowed})
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        errors.append(LineError(1, "columns_missing", {"columns": ", ".join(missing)}))
    errors += [
        LineError(1, "column_repeated", {"column": n}) for n in set(names) if names.count(n) > 1
    ]
    return names, errors


def parse_date(line: int, value: str) -> tuple[date | None, LineError | None]:
    """A start date written YYYY-MM-DD or DD-MM-YYYY (as Dutch HR systems export it); empty:
    None. An impossible date is an error that says why."""
    value = value.strip()
    if not value:
        return None, None
    if match := ISO_DATE_RE.match(value):
        year, month, day = map(int, match.groups())
    elif match := DUTCH_DATE_RE.match(value):
        day, month, year = map(int, match.groups())
    else:
        return None, LineError(line, "date_format", {"value": value})
    if not YEARS[0] <= year <= YEARS[1]:
        return None, LineError(
            line, "date_year", {"value": value, "first": YEARS[0], "last": YEARS[1]}
        )
    if not 1 <= month <= 12:
        return None, LineError(line, "date_month", {"value": value, "month": month})
    try:
        return date(year, month, day), None
    except ValueError:  # the day: year and month are known to be fine
        days = calendar.monthrange(year, month)[1]
        return None, LineError(
            line, "date_day", {"value": value, "month": month, "year": year, "days": days}
        )


class _Positions(NamedTuple):
    """Where each column is in a record (None: the file has no such column)."""

    email: int
    name: int
    role: int | None
    team: int | None
    active: int | None
    start_date: int | None

    @classmethod
    def of(cls, names: list[str]) -> _Positions:
        """The positions in a header's column `names`."""
        return cls(*(names.index(c) if c in names else None for c in COLUMNS))


def _row(
    line: int, values: list[str], at: _Positions, seen: dict[str, int]
) -> tuple[ImportRow | None, list]:
    errors = []
    email = accounts.normalise_email(values[at.email])
    if not people_admin.is_valid_email(email):
        errors.append(LineError(line, "email_invalid", {"value": values[at.email].strip()}))
    elif email in seen:
        errors.append(LineError(line, "email_repeated", {"value": email, "first": seen[email]}))
    else:
        seen[email] = line
    name = " ".join(values[at.name].split())
    if not name or len(name) > people_admin.NAME_MAX:
        errors.append(LineError(line, "name_invalid"))
    role = None
    if at.role is not None:  # empty: as without the column (worker when new, else unchanged)
        role = values[at.role].strip().lower() or None
        if role is not None and role not in ROLES:
            errors.append(LineError(line, "role_unknown", {"value": role}))
    is_active = None
    if at.active is not None:
        flag = values[at.active].strip().lower()
        is_active = flag in TRUE
        if flag not in FLAGS:
            errors.append(LineError(line, "active_invalid", {"value": values[at.active].strip()}))
    team = " ".join(values[at.team].split()) if at.team is not None else None
    start_date = None
    if at.start_date is not None:
        start_date, problem = parse_date(line, values[at.start_date])
        if problem is not None:
            errors.append(problem)
    if errors:
        return None, errors
    return ImportRow(
        line, email, name, role, team, is_active, start_date, at.start_date is not None
    ), []


def parse(text: str) -> Parsed:
    """Read the CSV text: rows, and per line what is wrong (nothing is looked up)."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = _records(text, delimiter)
    header = next(records, None)
    if header is None:
        return Parsed([], [LineError(1, "empty")])
    header_line, header_values = header
    names, errors = _header(header_values)
    if errors:
        return Parsed([], [LineError(header_line, e.code, e.params) for e in errors])
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}
    at = _Positions.of(names)
    for count, (line, values) in enumerate(records, start=1):
        if count > MAX_ROWS:
            errors.append(LineError(line, "too_many_rows", {"max": MAX_ROWS}))
            break
        if len(values) != len(names):
            errors.append(
                LineError(line, "field_count", {"expected": len(names), "found": len(values)})
            )
            continue
        row, problems = _row(line, values, at, seen)
        errors += problems
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(LineError(header_line, "no_rows"))
    return Parsed(rows, errors)
