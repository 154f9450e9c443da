"""Warn before client-identifying data is saved in free text (Beroepscode art. 8 and 13, seed
000_7844ec742a717a9e.txt: keep client information confidential and secure the file).

The field's own libraries do the work (issue 14): `deduce` (de-identification of Dutch text)
finds names, street addresses and ages; `python-stdnum` checks BSNs (elfproef) and IBANs;
`phonenumbers` finds Dutch phone numbers in every way they are written. A few patterns of our
own add what those leave out: e-mail addresses, postcode with house number, a date of birth
after a birth cue, initials with an age ("J. (15)") and case numbers after a cue.

The scan favours few false alarms: a nine-digit number is only a BSN when it passes the
elfproef, a postcode only counts together with a house number, a date only counts as a date of
birth right after a birth cue, a place name alone is not an address, and a first name right
after a colleague's role ("collega Anouk", "teamleider Sandra") is a colleague, not a client.

`deduce` loads its lookup lists once, on the first scan (about 20-30 s here; the very first
run after installing builds them, about 2 minutes): `warm_up()` does it ahead of time.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from competencies import catalogue

KIND_LABELS: dict[str, dict[str, str]] = {
    "bsn": {"nl": "burgerservicenummer (BSN)", "en": "citizen service number (BSN)"},
    "email": {"nl": "e-mailadres", "en": "e-mail address"},
    "phone": {"nl": "telefoonnummer", "en": "phone number"},
    "postcode_house_number": {"nl": "postcode met huisnummer", "en": "postcode and house number"},
    "date_of_birth": {"nl": "geboortedatum", "en": "date of birth"},
    "iban": {"nl": "rekeningnummer (IBAN)", "en": "bank account number (IBAN)"},
    "address": {"nl": "adres", "en": "address"},
    "person_name": {"nl": "naam", "en": "name"},
    "age": {"nl": "leeftijd", "en": "age"},
    "case_number": {"nl": "dossiernummer", "en": "case number"},
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
    """The BSN check (python-stdnum): 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    from stdnum.nl import bsn as stdnum_bsn  # where used (about 8 MB a process)

    return bool(stdnum_bsn.is_valid(digits))


_BSN_DASHED = re.compile(_NUM_START + r"\d{3}-\d{3}-\d{3}" + _NUM_END)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"
)
_CASE_NUMBER = re.compile(
    r"(?i)(?:dossier|zaak|cli[eë]nt|registratie|case|BSN-?loos\s)[- ]?(?:nummer|nr\.?)"
    r"(?:\s+(?:is|was|:))?\s*:?\s*(?P<number>[A-Z]{0,4}[-/]?\d[\d/-]{3,}\w*)"
)
_INITIALS_AGE = re.compile(r"(?<![\w.])(?P<name>(?:[A-Z]\.){1,3})\s*\((?P<age>\d{1,3})\)")
_NAME_AGE = re.compile(r"(?<=\S)\s*\((?P<age>\d{1,3})\)")
# "16-jarige", "82 jaar oud", "is 82 jaar", "(82 jaar)"; never "voor 2 jaar" or "sinds 3 jaar".
_AGE = re.compile(
    r"(?i)(?<![\w-])(?P<age>\d{1,3}[- ]jarige?|\d{1,3}\s+jaar\s+oud)"
    r"|(?:\b(?:is|was|wordt|werd|van|bijna|ruim)\s+|\()(?P<age2>\d{1,3}\s+jaar)(?=\W)"
)
_NAME_WITH_AGE = re.compile(r"(?<![\w.])(?P<name>[A-Z][a-zà-ÿ]{2,})\s*\((?P<age>\d{1,3})\)")
_TEAM_CONTEXT = re.compile(
    r"(?i)\b(?:intervisie|supervisie|moreel beraad|werkbegeleiding|teamoverleg|"
    r"teamvergadering|ons team|mijn team|collega)"
)
_CLIENT_CONTEXT = re.compile(r"(?i)\b(?:cli[eë]nt|mevrouw|meneer|moeder|vader|jongen|meisje|gezin)")
# A first name right after one of these is a colleague (team context), not a client.
_COLLEAGUE = re.compile(
    r"(?i)(?<!\w)(?:collega|collega's|teamleider|leidinggevende|supervisor|intervisor|"
    r"werkbegeleider|begeleider|stagiaire?|coach|mentor|manager|teamgenoot)\s*,?\s*$"
)
_HONORIFIC = re.compile(r"(?i)(?:mevrouw|meneer|mevr\.|dhr\.|mw\.|familie|cliënt|client)\s*$")
# A street and a number ("Dorpsstraat 14", "Lange Nieuwstraat 88"), not a postcode alone.
_STREET_NUMBER = re.compile(r"[^\W\d_]{3,}\s+\d")
# "voor 2 jaar", "sinds 3 jaar": a duration, not an age.
_DURATION = re.compile(
    r"(?i)\b(?:voor|sinds|over|na|binnen|per|al|elke|ieder|laatste|afgelopen|komende|ruim)\s+$"
)

# Words of the trade that deduce's surname list also holds ("Scholing", "Training", ...): as a
# lone name without "mevrouw"/"meneer" before it they are the word, not a person. From the
# catalogue's own titles plus a short list of our own.
_TRADE_WORDS = frozenset(
    {
        word.lower()
        for record in (
            *catalogue.REFLECTION_FORMS,
            *catalogue.OTHER_ACTIVITY_TYPES,
            *catalogue.KNOWLEDGE_AREAS,
            *catalogue.THEMES,
            *catalogue.COMPETENCIES,
            *catalogue.ART3_REQUIREMENTS,
        )
        for word in re.findall(r"[^\W\d_]{3,}", record.title)
    }
    | {
        "scholing",
        "training",
        "cursus",
        "opleiding",
        "workshop",
        "webinar",
        "congres",
        "intervisie",
        "supervisie",
        "reflectie",
        "verslag",
        "casus",
        "huisbezoek",
        "gesprek",
        "overleg",
        "team",
        "wijk",
        "wijkteam",
        "leerdoel",
        "leerdoelen",
        "module",
        "lezing",
        # Praise that opens a sign-off comment or feedback ("Mooi verslag."), now that those
        # texts are scanned too (issue 14 point 9).
        "mooi",
        "knap",
    }
)

_deduce: Any = None
_deduce_lock = threading.Lock()
# deduce's processor groups we leave to stdnum, phonenumbers and our own patterns, or do not
# want (an institution or a date alone identifies no one).
_DEDUCE_DISABLED = {
    "institutions",
    "dates",
    "identifiers",
    "phone_numbers",
    "email_addresses",
    "urls",
    # Names found only through a disease named after a person, or through the patient's own
    # name handed in as metadata: neither applies to a reflection.
    "eponymous_disease",
    "patient_name",
}


def warm_up() -> None:
    """Load deduce's lookup lists now (once per process) instead of on the first scan."""
    _load_deduce()


def preload_before_fork() -> None:
    """Load the lists in a parent process that will fork workers (gunicorn's master): the
    children share the pages instead of each loading its own copy. `gc.freeze()` keeps the
    children's garbage collector from writing to (and so copying) the shared objects."""
    import gc

    warm_up()
    gc.freeze()


def _load_deduce():
    global _deduce
    if _deduce is None:
        with _deduce_lock:
            if _deduce is None:
                import logging

                import deduce

                logging.getLogger().disabled, was = True, logging.getLogger().disabled
                try:
                    _deduce = deduce.Deduce()
                finally:
                    logging.getLogger().disabled = was
    return _deduce


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


def _is_colleague(text: str, start: int, end: int) -> bool:
    """A name right after a colleague's role ("collega Mark", "met Lisa en Tom"), or in a
    sentence about team work (intervisie, supervisie, ...) that mentions no client."""
    before = text[max(0, start - 40) : start]
    if _HONORIFIC.search(before):
        return False
    first_word = text[start:end].split(" ")[0]
    if first_word != text[start:end] and _COLLEAGUE.search(first_word):
        return True  # deduce's match includes the role: "collega Mark"
    if _COLLEAGUE.search(before):
        return True
    first = max(text.rfind(stop, 0, start) for stop in ".!?\n") + 1
    ends = [i for i in (text.find(stop, end) for stop in ".!?\n") if i >= 0]
    sentence = text[first : min(ends, default=len(text))]
    return bool(_TEAM_CONTEXT.search(sentence)) and not _CLIENT_CONTEXT.search(sentence)


def _deduce_findings(text: str) -> list[Finding]:
    document = _load_deduce().deidentify(text, disabled=_DEDUCE_DISABLED)
    findings: list[Finding] = []
    places: list[Finding] = []
    for annotation in document.annotations:
        tag, start, end = annotation.tag, annotation.start_char, annotation.end_char
        excerpt = text[start:end]
        if "persoon" in tag or tag in ("patient", "naam"):
            if _is_colleague(text, start, end):
                continue
            if excerpt.lower() in _TRADE_WORDS and not _HONORIFIC.search(text[:start]):
                continue
            findings.append(Finding("person_name", start, end, excerpt))
        elif tag == "locatie":
            # A place alone identifies no one; a street with a number does.
            if _STREET_NUMBER.search(excerpt):
                findings.append(Finding("address", start, end, excerpt))
            else:
                places.append(Finding("address", start, end, excerpt))
        elif tag == "leeftijd" and not _DURATION.search(text[max(0, start - 12) : start]):
            findings.append(Finding("age", start, end, excerpt))
    # A place alone identifies no one; right after a street and number it does
    # ("Kerkweg 3a in Zwolle").
    streets = [f for f in findings if f.kind == "address"]
    for place in places:
        if any(0 <= place.start - street.end <= 6 for street in streets):
            findings.append(place)
    return findings


def _scan(text: str) -> list[Finding]:
    # Imported on the first scan, not with the package: a web process that never checks a
    # text (most of them read pages) does not hold their data.
    import phonenumbers
    from stdnum import iban as stdnum_iban

    findings = []
    for m in _BSN.finditer(text):
        if elfproef(re.sub(r"\D", "", m.group())):
            findings.append(Finding("bsn", m.start(), m.end(), m.group()))
    for m in _BSN_DASHED.finditer(text):
        if elfproef(re.sub(r"\D", "", m.group())):
            findings.append(Finding("bsn", m.start(), m.end(), m.group()))
    for m in _IBAN.finditer(text):
        if stdnum_iban.is_valid(m.group()):
            findings.append(Finding("iban", m.start(), m.end(), m.group()))
    if any(c.isdigit() for c in text):
        for m in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID):
            findings.append(Finding("phone", m.start, m.end, m.raw_string))
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
    for m in _CASE_NUMBER.finditer(text):
        start, end = m.span("number")
        findings.append(Finding("case_number", start, end, m.group("number")))
    for m in _INITIALS_AGE.finditer(text):
        findings.append(Finding("person_name", *m.span("name"), m.group("name")))
        findings.append(Finding("age", *m.span("age"), m.group("age")))
    for m in _AGE.finditer(text):
        group = "age" if m.group("age") else "age2"
        findings.append(Finding("age", *m.span(group), m.group(group)))
    for m in _NAME_WITH_AGE.finditer(text):
        if not _is_colleague(text, m.start("name"), m.end("name")):
            findings.append(Finding("person_name", *m.span("name"), m.group("name")))
            findings.append(Finding("age", *m.span("age"), m.group("age")))
    names = _deduce_findings(text)
    findings.extend(names)
    for name in names:
        if name.kind == "person_name":
            # "Pieter (17)": an age in brackets right after a client's name.
            m = _NAME_AGE.match(text, name.end)
            if m:
                findings.append(Finding("age", *m.span("age"), m.group("age")))
    return findings


def scan_text(text: str) -> list[Finding]:
    """Findings of client-identifying data in `text`, sorted by position, without overlaps."""
    result: list[Finding] = []
    for finding in sorted(_scan(text), key=lambda f: (f.start, -(f.end - f.start))):
        if result and finding.start < result[-1].end:
            continue  # overlaps an earlier, longer finding
        result.append(finding)
    return result
