"""Warn before client-identifying data is saved in free text (Beroepscode art. 8 and 13, seed
000_7844ec742a717a9e.txt: keep client information confidential and secure the file).

The scan favours few false alarms: a nine-digit number is only a BSN when it passes the
elfproef, a postcode only counts together with a house number, and a date only counts as a
date of birth right after a birth cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KIND_LABELS: dict[str, dict[str, str]] = {
    "bsn": {"nl": "burgerservicenummer (BSN)", "en": "citizen service number (BSN)"},
    "email": {"nl": "e-mailadres", "en": "e-mail address"},
    "phone": {"nl": "telefoonnummer", "en": "phone number"},
    "postcode_house_number": {"nl": "postcode met huisnummer", "en": "postcode and house number"},
    "date_of_birth": {"nl": "geboortedatum", "en": "date of birth"},
}


@dataclass(frozen=True)
class Finding:
    """Something in the text that may identify a client: kind, span and the matched text."""

    kind: str
    start: int
    end: int
    excerpt: str


# Not inside a longer number: no digit (or digit + separator) directly before or after.
_NUM_START = r"(?<![\w@])(?<!\d[.\- /])"
_NUM_END = r"(?![\w@])(?![.\-/ ]?\d)"

_BSN = re.compile(
    _NUM_START + r"(?:\d{9}|\d{3}([. ])\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3})" + _NUM_END
)

_S = r"[ -]"  # separator between digit groups
_MOBILE_REST = rf"(?:{_S}?\d{{8}}|{_S}\d{{4}}{_S}?\d{{4}}|{_S}\d{{2}}(?:{_S}\d{{2}}){{3}})"
_AREA3_REST = rf"(?:{_S}?\d{{7}}|{_S}\d{{3}}{_S}?\d{{4}}|{_S}\d{{3}}{_S}\d{{2}}{_S}\d{{2}})"
_AREA4_REST = rf"(?:{_S}\d{{6}}|{_S}\d{{3}}{_S}\d{{3}}|{_S}\d{{2}}{_S}\d{{2}}{_S}\d{{2}})"
_INTL = r"(?:\+31|0031)[ -]?(?:\(0\)[ -]?)?"
_PHONE = re.compile(
    r"(?<![\w+@])(?<!\d[.\- /])(?:"
    rf"06{_MOBILE_REST}"  # 06-12345678, 06 1234 5678
    rf"|{_INTL}6{_MOBILE_REST}"  # +31 6 12345678, 0031 6 12345678
    rf"|\(?0[1-57-9]\d\)?{_AREA3_REST}"  # 020-1234567, 010 123 4567, (020) 1234567
    rf"|\(?0[1-57-9]\d{{2}}\)?{_AREA4_REST}"  # 0513-123456
    rf"|{_INTL}[1-57-9]\d{_AREA3_REST}"  # +31 20 123 4567
    rf"|{_INTL}[1-57-9]\d{{2}}{_AREA4_REST}"  # +31 513 123456
    r")(?![\w@])(?![.\-/]?\d)"  # a count after a space ("… 2 keer") is fine
)

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])"
)

# Postcode: 4 digits (no leading 0), then 2 letters (not SA, SD, SS); lowercase letters only
# when written together with the digits ("1234ab"), to avoid "2023 en 12". Then a house number.
_POSTCODE_HOUSE = re.compile(
    r"(?<![\w-])[1-9]\d{3}(?:[ ]?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})"
    r"[ ,]+\d{1,5}(?:[ -]?[A-Za-z](?![A-Za-z])|-\d{1,4})?(?![\w])"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maart", "march", "mrt", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augustus", "august", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = (
    r"(?P<d1>\d{1,2})[-/.](?P<m1>\d{1,2})[-/.](?P<y1>\d{4})"
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"
    rf"|(?P<d3>\d{{1,2}})\s+(?P<m3>{_MONTH_NAMES})\.?\s+(?P<y3>\d{{4}})"
)
_BIRTH_CUE = r"(?:geboortedatum|geboren|geb\.|date\s+of\s+birth|born|d\.?o\.?b\.?)"
# The date must follow the cue closely: at most a few words, no sentence end in between.
_DATE_OF_BIRTH = re.compile(
    rf"(?<!\w){_BIRTH_CUE}[^\n.!?\d]{{0,25}}?(?<![\w])(?P<date>{_DATE})(?!\d)",
    re.IGNORECASE,
)


def elfproef(digits: str) -> bool:
    """The BSN check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11), and not all zeros."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0


def _valid_date(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    for i in ("1", "2", "3"):
        if groups[f"y{i}"]:
            month_text = groups[f"m{i}"]
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            try:
                date(int(groups[f"y{i}"]), month, int(groups[f"d{i}"]))
            except ValueError:
                return False
            return True
    return False


def _scan(text: str) -> list[Finding]:
    findings = []
    for m in _BSN.finditer(text):
        if elfproef(re.sub(r"\D", "", m.group())):
            findings.append(Finding("bsn", m.start(), m.end(), m.group()))
    for m in _PHONE.finditer(text):
        findings.append(Finding("phone", m.start(), m.end(), m.group()))
    for m in _EMAIL.finditer(text):
        findings.append(Finding("email", m.start(), m.end(), m.group()))
    for m in _POSTCODE_HOUSE.finditer(text):
        findings.append(Finding("postcode_house_number", m.start(), m.end(), m.group()))
    for m in _DATE_OF_BIRTH.finditer(text):
        if _valid_date(m):
            start, end = m.span("date")
            findings.append(Finding("date_of_birth", start, end, m.group("date")))
    return findings


def scan_text(text: str) -> list[Finding]:
    """Findings of client-identifying data in `text`, sorted by position, without overlaps."""
    result: list[Finding] = []
    for finding in sorted(_scan(text), key=lambda f: (f.start, -(f.end - f.start))):
        if result and finding.start < result[-1].end:
            continue  # overlaps an earlier, longer finding
        result.append(finding)
    return result
