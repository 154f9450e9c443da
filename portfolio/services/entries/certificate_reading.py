"""Read a certificate of attendance on our own server: a proposal the worker confirms.

Text comes from the PDF itself (pypdf), or, for a photo or a PDF that holds only a scan, from
Tesseract OCR run locally (Debian's `tesseract-ocr` with the Dutch model). QR codes are decoded
with zxing-cpp when it is installed. No certificate ever leaves this machine.

The result proposes title, provider, date and end date, hours (or points), the accreditation
ids with the register that issued them, and the participant's name, each with a confidence
between 0 and 1. Nothing is stored here: the worker sees the proposal in the training form and
corrects it before saving.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess  # nosec B404
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported where a certificate is read, not with the app
    from PIL import Image


# How long one OCR run may take before it is given up (the request must not hang).
OCR_TIMEOUT_SECONDS = 20
# The width the text is read at: enough for 10-point print on A4, fast on two cores.
OCR_WIDTH = 1500
# Tesseract's page segmentation: 6 reads the sheet as one block of lines, which keeps centred
# lines whole (3, full layout analysis, splits them into columns) and is faster.
PAGE_SEGMENTATION = "6"
# A PDF holding more pages than this is read on its first pages only.
MAX_PDF_PAGES = 3
MAX_PDF_BYTES = 20 * 1024 * 1024

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

# The registers, as certificates name them; the first pattern that matches a line wins.
REGISTERS = (
    ("Registerplein", re.compile(r"register\s*plein|\bBAMW\b|\bBPSW\b|\bRP\b", re.I)),
    # OCR reads the J of SKJ as y, ) or I now and then.
    ("SKJ", re.compile(r"\bSK[JY)I1]\b|kwaliteitsregister\s+jeugd", re.I)),
    ("NIP", re.compile(r"\bNIP\b|instituut\s+van\s+psychologen", re.I)),
    ("NVO", re.compile(r"\bNVO\b|orthopedagogen", re.I)),
    ("V&VN", re.compile(r"V\s*&\s*VN|kwaliteitsregister\s+v", re.I)),
    ("LVSC", re.compile(r"\bLVSC\b", re.I)),
)

FIELDS = ("title", "provider", "date", "end", "hours", "accreditations", "participant")


class Unreadable(ValueError):
    """Nothing can be read from this file; `reason` is a code the form and CLI explain:
    pdf_password, pdf_broken, pdf_too_large, truncated, too_many_pixels, not_an_image,
    no_text (blank page, a cat), ocr_missing, wrong_type."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Reading:
    """What a certificate seems to say. Dates as date, hours as Decimal, or None."""

    title: str | None = None
    provider: str | None = None
    date: date | None = None
    end: date | None = None
    hours: Decimal | None = None
    accreditations: list[dict] = field(default_factory=list)
    participant: str | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    source: str = "pdf"  # pdf | photo | scan (a PDF holding only an image)

    def as_json(self) -> dict:
        """The documented JSON shape (`read-certificate`)."""
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["end"] = self.end.isoformat() if self.end else None
        data["hours"] = float(self.hours) if self.hours is not None else None
        data.pop("source")
        data["confidence"] = {name: round(self.confidence.get(name, 0.0), 2) for name in FIELDS}
        return data

    @property
    def found_anything(self) -> bool:
        return any(
            (self.title, self.date, self.hours is not None, self.accreditations, self.provider)
        )


# --- getting the text ----------------------------------------------------------------------


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def _pdf_text(data: bytes) -> tuple[str, list[Image.Image]]:
    """The PDF's text, and its embedded images when it has (almost) no text."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(data) > MAX_PDF_BYTES:
        raise Unreadable("pdf_too_large")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # an owner-password PDF opens without one
            except Exception as error:  # pypdf raises several types for odd crypto
                raise Unreadable("pdf_password") from error
            if not opened:
                raise Unreadable("pdf_password")
        pages = list(reader.pages[:MAX_PDF_PAGES])
        text = "\n".join(page.extract_text() or "" for page in pages)
        if len(text.strip()) >= 20:
            return text, []
        images = []
        for page in pages:
            for embedded in page.images:
                raw = embedded.data
                if raw and len(raw) <= MAX_PDF_BYTES:
                    images.append(raw)
        return text, images
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable("pdf_broken") from error


def prepare_for_ocr(image: Image.Image) -> Image.Image:
    """Grey, evened out (uneven light), at OCR_WIDTH: what Tesseract reads best and fastest."""
    import numpy as np  # only when a photo is read, not when the app starts
    from PIL import Image, ImageFilter, ImageOps

    grey = ImageOps.grayscale(image)
    if grey.width != OCR_WIDTH:
        height = max(1, round(grey.height * OCR_WIDTH / grey.width))
        grey = grey.resize((OCR_WIDTH, height), Image.Resampling.BILINEAR)
    # Divide by a blurred copy: shadows and a lamp's hot spot flatten out, ink stays dark.
    background = np.asarray(grey.filter(ImageFilter.BoxBlur(25)), dtype=np.float32)
    ink = np.asarray(grey, dtype=np.float32)
    flat = np.clip(ink / np.maximum(background, 1.0) * 240.0, 0, 255).astype(np.uint8)
    return ImageOps.autocontrast(Image.fromarray(flat), cutoff=1)


def _tesseract(image: Image.Image) -> tuple[str, float]:
    """(text, mean word confidence 0..1) from Tesseract's TSV output."""
    if not ocr_available():
        raise Unreadable("ocr_missing")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        # A fixed command on our own temporary image: no shell, nothing from the user in it.
        done = subprocess.run(  # noqa: S603  # nosec B603 B607
            ["tesseract", "stdin", "stdout", "-l", "nld", "--psm", PAGE_SEGMENTATION, "tsv"],  # noqa: S607
            input=buffer.getvalue(),
            capture_output=True,
            timeout=OCR_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise Unreadable("no_text") from error
    lines: dict[tuple, list[str]] = {}
    confidences = []
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        word = parts[11].strip()
        if not word:
            continue
        key = tuple(int(n) for n in parts[1:5])  # page, block, paragraph, line
        lines.setdefault(key, []).append(word)
        with contextlib.suppress(ValueError):
            confidences.append(float(parts[10]))
    text = "\n".join(" ".join(words) for _key, words in sorted(lines.items()))
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return text, max(0.0, min(1.0, mean))


def _qr_texts(image: Image.Image) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        return []
    try:
        return [result.text for result in zxingcpp.read_barcodes(image) if result.text]
    except Exception:  # a decoder hiccup must never lose the reading
        return []


def _ocr_image(image: Image.Image) -> tuple[str, float]:
    text, quality = _tesseract(prepare_for_ocr(image))
    qr = _qr_texts(image)
    if qr:
        text = text + "\n" + "\n".join(qr)
    return text, quality


def read(data: bytes) -> Reading:
    """Read a certificate (PDF, JPEG, PNG or HEIC). Raises Unreadable."""
    from portfolio.services.entries import photos

    if data.startswith(b"%PDF-"):
        text, images = _pdf_text(data)
        if not images:
            if len(text.strip()) < 20:
                raise Unreadable("no_text")
            reading = parse(text, quality=1.0)
            reading.source = "pdf"
        else:
            image = photos.open_upright(max(images, key=len))
            ocr_text, quality = _ocr_image(image)
            reading = parse(ocr_text, quality=quality)
            reading.source = "scan"
    elif data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or photos.is_heif(data):
        try:
            image = photos.open_upright(data)
        except photos.UnreadablePhoto as error:
            raise Unreadable(error.reason) from error
        text, quality = _ocr_image(image)
        reading = parse(text, quality=quality)
        reading.source = "photo"
    else:
        raise Unreadable("wrong_type")
    if not reading.found_anything:
        raise Unreadable("no_text")
    return reading


# --- understanding the text ----------------------------------------------------------------

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s*(?:e\s+)?({_MONTH_NAMES})\.?\s+(\d{{4}})\b", re.I)
DATE_NUMBERS = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "3 t/m 5 maart 2026", "3 en 4 maart 2026": the first day borrows the month and year.
# OCR reads "t/m" as "Um", "Vm", "tm" or "t/rn" now and then.
DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}})\s*(?:[tUuVv]\s?[/I|l]?\s?(?:m|rn)|t\.m\.|tot en met|-|–|en)\s*"
    rf"(\d{{1,2}})\s+({_MONTH_NAMES})\.?\s+(\d{{4}})\b",
    re.I,
)
NUMBER = r"(\d{1,4}(?:[.,]\d{1,2})?)"
HOURS_PATTERNS = (
    # label first: "PE-punten: 8", "Aantal uren: 6", "SKJ-punten 4,5"
    (
        re.compile(
            rf"\b(?:PE[- ]?punten|SKJ[- ]?punten|punten|studie\s*uren|uren|studiebelasting|"
            rf"contacturen|omvang|duur)\s*[:=]?\s*{NUMBER}\b(?![-./]\d)",
            re.I,
        ),
        0.95,
    ),
    # number first: "6 uur", "8 PE-punten", "4,5 punten"
    (
        re.compile(
            rf"{NUMBER}\s*(?:klok)?\s*(?:uur|uren|PE[- ]?punten|SKJ[- ]?punten|punten|"
            rf"accreditatiepunten|studiepunten)\b",
            re.I,
        ),
        0.9,
    ),
)
ACCREDITATION_LABEL = re.compile(
    r"(?:accreditatie\s*(?:nummer|nr\.?|code|id)|registerplein\s*(?:id|nummer|nr\.?)|"
    r"SKJ[- ]?(?:id|nummer|nr\.?|accreditatienummer)|"
    r"(?:NIP|NVO|LVSC)[- ]?(?:id|nummer|nr\.?)|cursus\s*(?:code|id|nummer)|"
    r"geaccrediteerd\s+onder\s+(?:nummer|nr\.?))"
    # "Accreditatienummer Registerplein: 123", "accreditatienummer bij SKJ 123"
    r"(?:\s+(?:bij|van|door)?\s*[A-Za-z&]{2,20}){0,2}?\s*[:#.]?\s*"
    r"([A-Z]{0,4}-?\d{3,10}(?:[-/]\d{1,6})?)\b",
    re.I,
)
QR_ACCREDITATION = re.compile(
    r"register=([A-Za-z&%0-9]+)&(?:accreditatienummer|accreditatie|id)=([A-Za-z0-9-]+)", re.I
)
PARTICIPANT_PATTERNS = (
    re.compile(
        r"(?:naam\s+deelnemer|deelnemer|naam|uitgereikt\s+aan|toegekend\s+aan)\s*[:]\s*"
        r"(.{3,80})",
        re.I,
    ),
    re.compile(
        r"(?:verklaren|verklaart)\s+(?:(?:wij|hierbij)\s+)*dat\s+(.{3,80}?)\s+(?:heeft|met)\b",
        re.I,
    ),
    re.compile(r"^\s*(?:dhr\.?|mevr\.?|mevrouw|de heer)\s+(.{3,80})$", re.I | re.M),
    re.compile(r"^(.{3,60}?)\s+(?:met\s+\w+\s+\w+\s+)?heeft\s+deelgenomen", re.M),
)
TITLE_LABELS = re.compile(
    r"^\s*(?:training|cursus|opleiding|titel|scholing|bijeenkomst|workshop|"
    r"titel van de (?:training|cursus|scholing))\s*[:]\s*(.{3,160})$",
    re.I | re.M,
)
TITLE_AFTER = re.compile(
    r"(?:heeft\s+(?:met\s+succes\s+)?deelgenomen\s+aan|heeft\s+(?:de\s+)?(?:training|cursus)|"
    r"volgde|voor\s+deelname\s+aan)\s*(?:de\s+|het\s+)?(?:training|cursus|scholing|workshop|"
    r"opleiding)?\s*[:]?\s*(.*)$",
    re.I | re.M,
)
PROVIDER_LABELS = re.compile(
    r"(?:^\s*(?:aanbieder|opleider|organisatie|opleidingsinstituut|namens)\s*:|"
    r"(?:g?eorganiseerd|aangeboden|verzorgd|gegeven)\s+door)\s*(.{3,120})$",
    re.I | re.M,
)
PROVIDER_WORDS = re.compile(
    r"\b(academie|academy|instituut|opleidingen|trainingen|hogeschool|B\.?V\.?|"
    r"stichting|training\s*&|kenniscentrum|school)\b",
    re.I,
)
HEADINGS = re.compile(
    r"certificaat|bewijs\s+van\s+deelname|deelnamebewijs|verklaring\s+van\s+deelname|"
    r"getuigschrift",
    re.I,
)


def _clean(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" ,:;\"'“”‘’-–")
    if value.endswith(".") and not re.search(r"\b(?:[A-Z]\.){1,3}$", value):
        value = value.rstrip(". ")  # a sentence's full stop, not the one of B.V.
    return value


def _parse_date(day: str, month: str | int, year: str) -> date | None:
    try:
        number = month if isinstance(month, int) else MONTHS.get(month.lower().rstrip("."))
        if number is None:
            number = int(month)
        return date(int(year), int(number), int(day))
    except (ValueError, TypeError):
        return None


def _dates(text: str) -> list[tuple[int, date]]:
    """Every date in the text with its position, in reading order."""
    found: list[tuple[int, date]] = []
    for match in DAY_RANGE.finditer(text):
        first = _parse_date(match[1], match[3], match[4])
        if first:
            found.append((match.start(), first))
    for match in DATE_WORDS.finditer(text):
        found.append((match.start(), _parse_date(match[1], match[2], match[3])))
    for match in DATE_NUMBERS.finditer(text):
        found.append((match.start(), _parse_date(match[1], int(match[2]), match[3])))
    for match in DATE_ISO.finditer(text):
        found.append((match.start(), _parse_date(match[3], int(match[2]), match[1])))
    return sorted((pos, d) for pos, d in found if d and 1990 <= d.year <= 2100)


def _issued_line(text: str, position: int) -> bool:
    """A date on a line that says when the certificate was signed or issued, or a birth date."""
    start = text.rfind("\n", 0, position) + 1
    line = text[start : text.find("\n", position) if "\n" in text[position:] else len(text)]
    return bool(
        re.search(r"uitgereikt\s+op|afgegeven|ondertekend|geboren|geboortedatum|geldig", line, re.I)
    )


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if 0 < value <= 1000 else None


def _register_of(line: str) -> str | None:
    for name, pattern in REGISTERS:
        if pattern.search(line):
            return name
    return None


def _register_near(line: str, position: int) -> str | None:
    """The register named last before `position` in the line, else the first one after it."""
    before = [
        (match.start(), name)
        for name, pattern in REGISTERS
        for match in pattern.finditer(line[:position])
    ]
    if before:
        return max(before)[1]
    return _register_of(line[position:])


def _accreditations(lines: list[str]) -> list[dict]:
    found: list[dict] = []
    seen: set[str] = set()

    def add(register, ident):
        ident = ident.strip().upper().rstrip("-/")
        key = ident.replace("-", "")
        if key not in seen and re.search(r"\d{3}", ident):
            seen.add(key)
            found.append({"register": register, "id": ident})

    for index, line in enumerate(lines):
        for match in ACCREDITATION_LABEL.finditer(line):
            register = _register_near(line, match.start(1))
            if register is None:  # "Accreditatienummer: 123" under a heading naming it
                for near in reversed(lines[max(0, index - 2) : index]):
                    register = _register_of(near)
                    if register:
                        break
            add(register, match[1])
        for match in QR_ACCREDITATION.finditer(line):
            add(_register_of(match[1].replace("%26", "&")) or match[1], match[2])
    return found


def parse(text: str, *, quality: float = 1.0) -> Reading:
    """A proposal from the certificate's text; quality (0..1) scales every confidence."""
    text = text.replace("\u00a0", " ").replace("|", " ")
    # OCR splits a day now and then: "1 1-10-2025" is "11-10-2025".
    text = re.sub(r"\b(\d) (\d)(?=[-/.]\d{1,2}[-/.]\d{4}\b)", r"\1\2", text)
    lines = [_clean(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    joined = "\n".join(lines)
    reading = Reading()
    confidence: dict[str, float] = {}

    # Dates: the training's date(s), not when it was signed or someone's birth date.
    dates = [d for pos, d in _dates(joined) if not _issued_line(joined, pos)]
    if not dates:
        dates = [d for _pos, d in _dates(joined)]
    if dates:
        reading.date = min(dates)
        confidence["date"] = 0.9 if len(set(dates)) <= 2 else 0.7
        if max(dates) != reading.date and (max(dates) - reading.date).days <= 400:
            reading.end = max(dates)
            confidence["end"] = 0.8

    for pattern, sure in HOURS_PATTERNS:
        for match in pattern.finditer(joined):
            value = _decimal(match[1])
            if value is not None:
                reading.hours = value
                confidence["hours"] = sure
                break
        if reading.hours is not None:
            break

    reading.accreditations = _accreditations(lines)
    if reading.accreditations:
        confidence["accreditations"] = (
            0.95 if all(a["register"] for a in reading.accreditations) else 0.7
        )

    for pattern in PARTICIPANT_PATTERNS:
        match = pattern.search(joined)
        if match:
            name = _clean(re.split(r"\s{2,}|,|\bgeboren\b", match[1])[0])
            if 3 <= len(name) <= 80 and not re.search(r"\d", name):
                reading.participant = name
                confidence["participant"] = 0.85
                break

    title = TITLE_LABELS.search(joined)
    if title:
        reading.title, confidence["title"] = _clean(title[1]), 0.9
    else:
        for index, line in enumerate(lines):
            after = TITLE_AFTER.search(line)
            if after:
                rest = _clean(after[1])
                if re.match(r"(?:deze|dit|de volgende)\b", rest, re.I):
                    continue
                if len(rest) < 4 and index + 1 < len(lines):
                    rest = _clean(lines[index + 1])
                if 4 <= len(rest) <= 160:
                    reading.title, confidence["title"] = rest, 0.8
                    break
    if not reading.title:  # the first line after the heading that is not a name or label
        for index, line in enumerate(lines):
            if HEADINGS.search(line) and index + 1 < len(lines):
                candidate = lines[index + 1]
                if len(candidate) >= 6 and ":" not in candidate:
                    reading.title, confidence["title"] = candidate, 0.4
                break

    provider = PROVIDER_LABELS.search(joined)
    if provider:
        reading.provider, confidence["provider"] = _clean(provider[1]), 0.85
    else:
        for line in lines:
            if PROVIDER_WORDS.search(line) and not HEADINGS.search(line) and len(line) <= 80:
                if reading.title and line == reading.title:
                    continue
                reading.provider, confidence["provider"] = line, 0.5
                break

    reading.confidence = {name: value * quality for name, value in confidence.items()}
    return reading


def participant_differs(reading: Reading, name: str) -> bool:
    """Whether the certificate names someone else than `name` (case, accents, order kept
    loose: every part of the shorter name must occur in the longer one)."""
    if not reading.participant:
        return False

    def parts(text: str) -> set[str]:
        import unicodedata

        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        return {p for p in re.split(r"[^a-z]+", plain) if len(p) > 1}

    on_paper, own = parts(reading.participant), parts(name)
    if not on_paper or not own:
        return False
    small, large = sorted((on_paper, own), key=len)
    return not small <= large
