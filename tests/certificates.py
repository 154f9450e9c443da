"""A corpus of certificates of attendance, made here: PDFs (reportlab) and phone photos (Pillow).

Every certificate is laid out once as a list of text lines (and sometimes a QR code) in points
on A4; that layout is drawn into a PDF with reportlab and onto a bitmap with Pillow in the same
fonts (DejaVu, Liberation), and the bitmap is then made to look like a phone photo of paper on a
desk: turned a few degrees, in perspective, unevenly lit, a little blurred, with sensor noise and
JPEG compression. Some photos carry an EXIF orientation instead of upright pixels, as phones do.

The wordings follow how Dutch providers write them ("Certificaat van deelname", "Bewijs van
deelname", "accreditatienummer", "PE-punten", "Registerplein ID", "SKJ-punten"); the names,
providers and numbers are made up. Used by tests/test_certificate_reading.py and `python -m bench`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4 = (595.0, 842.0)  # points
FONT_DIRS = "/usr/share/fonts/truetype"
FONTS = {
    "sans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "serif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "condensed": ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf"),
    "liberation": ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    "liberation-serif": (
        "liberation/LiberationSerif-Regular.ttf",
        "liberation/LiberationSerif-Bold.ttf",
    ),
}
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
TITLES = (
    "Motiverende gespreksvoering",
    "Signaleren van kindermishandeling",
    "Werken met de meldcode huiselijk geweld",
    "Oplossingsgericht werken in de wijk",
    "Schulden en armoede: wat kun je doen?",
    "Traumasensitief werken met jongeren",
    "Ethisch reflecteren in de praktijk",
    "Licht verstandelijke beperking herkennen",
    "Omgaan met agressie en grensoverschrijdend gedrag",
    "Familiegroepsplan en eigen kracht",
    "Privacy en beroepsgeheim",
    "Gespreksvoering met ouders in een scheiding",
)
PROVIDERS = (
    "Academie voor Sociaal Werk",
    "Instituut Jeugd en Gezin",
    "Wijkkracht Opleidingen B.V.",
    "Kenniscentrum Zorg en Welzijn",
    "Stichting Vakmanschap",
    "De Brug Trainingen",
)
NAMES = (
    "Sanne de Vries",
    "Mohamed El Amrani",
    "Eva Jansen",
    "Thijs van der Berg",
    "Fatima Yilmaz",
    "Lotte Bakker",
    "Daan Visser",
    "Noor Hendriks",
)


@dataclass
class Certificate:
    """What is on the certificate (the truth a reading is compared with) and how it looks."""

    number: int
    title: str
    provider: str
    participant: str
    date: date
    end: date | None
    hours: Decimal
    accreditations: list[dict]
    layout: int
    font: str
    qr: bool

    @property
    def name(self) -> str:
        return f"certificaat-{self.number:02d}"


def dutch_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}".replace(".", ",")


def _accreditation_id(rng: random.Random, register: str) -> str:
    if register == "SKJ":
        return str(rng.randint(100000, 999999))
    if register == "Registerplein":
        return f"{rng.choice(['', 'RP-'])}{rng.randint(2024000, 2026999)}"
    return f"{register[:2].upper()}{rng.randint(10000, 99999)}"


def make_corpus(count: int = 30, seed: int = 15) -> list[Certificate]:
    """`count` certificates, the same every run for the same seed."""
    rng = random.Random(seed)
    corpus = []
    for number in range(count):
        start = date(2025, 1, 6) + timedelta(days=rng.randint(0, 600))
        end = start + timedelta(days=rng.choice((1, 2, 7))) if rng.random() < 0.3 else None
        registers = rng.choice(
            (["Registerplein"], ["SKJ"], ["Registerplein", "SKJ"], ["NIP"], ["NVO"], ["SKJ"])
        )
        corpus.append(
            Certificate(
                number=number,
                title=rng.choice(TITLES),
                provider=rng.choice(PROVIDERS),
                participant=rng.choice(NAMES),
                date=start,
                end=end,
                hours=Decimal(rng.choice(("2", "3", "4", "4.5", "6", "8", "12", "16", "1.5"))),
                accreditations=[
                    {"register": r, "id": _accreditation_id(rng, r)} for r in registers
                ],
                layout=number % 6,
                font=tuple(FONTS)[number % len(FONTS)],
                qr=number % 4 == 3,
            )
        )
    return corpus


# --- layout: (x, y-from-top, text, size, bold, centred) in points --------------------------


def _when(cert: Certificate, style: int) -> str:
    if cert.end is None:
        return dutch_date(cert.date) if style % 2 == 0 else cert.date.strftime("%d-%m-%Y")
    if cert.end.month == cert.date.month and cert.end.year == cert.date.year:
        return f"{cert.date.day} t/m {dutch_date(cert.end)}"
    return f"{dutch_date(cert.date)} en {dutch_date(cert.end)}"


def _accreditation_lines(cert: Certificate, style: int) -> list[str]:
    lines = []
    for acc in cert.accreditations:
        register, ident = acc["register"], acc["id"]
        if style == 0:
            lines.append(f"Accreditatienummer {register}: {ident}")
        elif style == 1:
            lines.append(f"{register} ID: {ident}" if register != "SKJ" else f"SKJ-nummer: {ident}")
        else:
            lines.append(f"Geaccrediteerd door {register}, accreditatienummer {ident}")
    return lines


def _points_line(cert: Certificate, style: int) -> str:
    registers = [a["register"] for a in cert.accreditations]
    amount = _hours_text(cert.hours)
    if style == 0:
        return f"Omvang: {amount} uur"
    if style == 1:
        return f"PE-punten: {amount}" if "SKJ" not in registers else f"SKJ-punten: {amount}"
    return f"Deze scholing levert {amount} PE-punten op."


def layout(cert: Certificate) -> list[tuple[float, float, str, float, bool, bool]]:
    """The certificate's text lines in one of six layouts."""
    items: list[tuple[float, float, str, float, bool, bool]] = []
    centre = A4[0] / 2

    def add(text, y, size=12, bold=False, centred=True, x=centre):
        items.append((x, y, text, size, bold, centred))

    kind = cert.layout
    if kind == 0:
        add("Certificaat van deelname", 130, 26, True)
        add("Hierbij verklaren wij dat", 200, 13)
        add(cert.participant, 235, 18, True)
        add("heeft deelgenomen aan de training", 270, 13)
        add(cert.title, 305, 16, True)
        add(f"op {_when(cert, 0)}", 340, 13)
        add(f"georganiseerd door {cert.provider}", 370, 13)
        for i, line in enumerate([_points_line(cert, 0), *_accreditation_lines(cert, 0)]):
            add(line, 430 + 24 * i, 12)
    elif kind == 1:
        add("Bewijs van deelname", 120, 24, True, False, 70)
        rows = [
            ("Naam deelnemer", cert.participant),
            ("Training", cert.title),
            ("Aanbieder", cert.provider),
            ("Datum", _when(cert, 1)),
        ]
        for i, (label, value) in enumerate(rows):
            add(f"{label}: {value}", 190 + 28 * i, 12, False, False, 70)
        extra = [_points_line(cert, 1), *_accreditation_lines(cert, 1)]
        for i, line in enumerate(extra):
            add(line, 320 + 26 * i, 12, False, False, 70)
    elif kind == 2:
        add(cert.provider, 90, 14, True, False, 60)
        add("CERTIFICAAT", 170, 30, True)
        add(f"Uitgereikt aan: {cert.participant}", 230, 14)
        add(f"voor deelname aan {cert.title}", 265, 13)
        add(f"gevolgd op {_when(cert, 2)}", 295, 13)
        add(_points_line(cert, 2), 345, 12)
        for i, line in enumerate(_accreditation_lines(cert, 2)):
            add(line, 375 + 24 * i, 11)
        issued = (cert.end or cert.date) + timedelta(days=3)
        add(f"Uitgereikt op {issued.strftime('%d-%m-%Y')}", 700, 10, False, False, 60)
    elif kind == 3:
        add("Deelnamebewijs", 110, 22, True, False, 60)
        add(f"Cursus: {cert.title}", 170, 13, False, False, 60)
        add(f"Organisatie: {cert.provider}", 200, 12, False, False, 60)
        add(f"Deelnemer: {cert.participant}", 230, 12, False, False, 60)
        add(f"Datum: {_when(cert, 3)}", 260, 12, False, False, 60)
        add(_points_line(cert, 0).replace("Omvang", "Studiebelasting"), 290, 12, False, False, 60)
        for i, line in enumerate(_accreditation_lines(cert, 1)):
            add(line, 330 + 24 * i, 12, False, False, 60)
    elif kind == 4:
        add("Certificaat", 120, 28, True)
        add(cert.title, 175, 17, True)
        add(f"{cert.participant} heeft deelgenomen aan deze scholing", 225, 12)
        add(f"op {_when(cert, 4)}, verzorgd door {cert.provider}.", 250, 12)
        add(_points_line(cert, 1), 300, 12)
        for i, line in enumerate(_accreditation_lines(cert, 0)):
            add(line, 330 + 22 * i, 11)
        add("Handtekening docent", 640, 10, False, False, 80)
    else:
        add(cert.provider.upper(), 80, 12, True)
        add("Bewijs van deelname", 140, 24, True)
        add("Wij verklaren hierbij dat", 200, 12)
        add(f"{cert.participant} met goed gevolg heeft deelgenomen aan", 225, 12)
        add(cert.title, 260, 15, True)
        add(f"Datum: {_when(cert, 5)}", 300, 12)
        add(_points_line(cert, 2), 325, 12)
        for i, line in enumerate(_accreditation_lines(cert, 2)):
            add(line, 360 + 22 * i, 11)
    return items


def _qr_text(cert: Certificate) -> str:
    acc = cert.accreditations[0]
    return f"https://verificatie.example.nl/c?register={acc['register']}&accreditatienummer={acc['id']}"


@cache
def _qr_image(text: str) -> Image.Image:
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.array(barcode.to_image(scale=4))).convert("L")


def _font_path(cert: Certificate, bold: bool) -> str:
    return f"{FONT_DIRS}/{FONTS[cert.font][1 if bold else 0]}"


# --- PDF -----------------------------------------------------------------------------------


def pdf(cert: Certificate) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(cert.name)
    for bold in (False, True):
        name = f"{cert.font}-{int(bold)}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, _font_path(cert, bold)))
    if cert.layout in (0, 4):  # a frame, as many certificates have
        page.setLineWidth(3)
        page.rect(30, 30, A4[0] - 60, A4[1] - 60)
    for x, y, text, size, bold, centred in layout(cert):
        page.setFont(f"{cert.font}-{int(bold)}", size)
        if centred:
            page.drawCentredString(x, A4[1] - y, text)
        else:
            page.drawString(x, A4[1] - y, text)
    if cert.qr:
        page.drawImage(ImageReader(_qr_image(_qr_text(cert))), A4[0] - 170, 60, 110, 110)
    page.showPage()
    page.save()
    return out.getvalue()


# --- photo ---------------------------------------------------------------------------------


def render(cert: Certificate, dpi: int = 200) -> Image.Image:
    """The certificate on white paper, as a flat bitmap at `dpi`."""
    scale = dpi / 72
    image = Image.new("L", (round(A4[0] * scale), round(A4[1] * scale)), 255)
    draw = ImageDraw.Draw(image)
    if cert.layout in (0, 4):
        draw.rectangle(
            [30 * scale, 30 * scale, (A4[0] - 30) * scale, (A4[1] - 30) * scale],
            outline=0,
            width=round(3 * scale),
        )
    for x, y, text, size, bold, centred in layout(cert):
        font = ImageFont.truetype(_font_path(cert, bold), round(size * scale))
        anchor = "ms" if centred else "ls"
        draw.text((x * scale, y * scale), text, font=font, fill=20, anchor=anchor)
    if cert.qr:
        qr = _qr_image(_qr_text(cert)).resize((round(110 * scale),) * 2, Image.Resampling.NEAREST)
        image.paste(qr, (round((A4[0] - 170) * scale), round((A4[1] - 170) * scale)))
    return image


def photo(cert: Certificate, *, exif_turned: bool | None = None) -> bytes:
    """A phone photo of the printed certificate on a desk, as JPEG bytes."""
    rng = random.Random(cert.number * 7919)
    paper = render(cert).convert("RGB")
    width, height = paper.size
    # The desk around the paper, a bit larger than the sheet.
    margin = round(width * 0.08)
    desk = Image.new("RGB", (width + 2 * margin, height + 2 * margin), (120, 98, 80))
    desk.paste(paper, (margin, margin))
    # Perspective: the phone is held slightly tilted.
    w, h = desk.size
    d = [rng.uniform(-0.03, 0.03) * w for _ in range(8)]
    corners = [(d[0], d[1]), (d[6], h + d[7]), (w + d[4], h + d[5]), (w + d[2], d[3])]
    desk = desk.transform(
        desk.size, Image.Transform.QUAD, [c for point in corners for c in point], Image.BILINEAR
    )
    desk = desk.rotate(
        rng.uniform(-4, 4), Image.Resampling.BICUBIC, expand=False, fillcolor=(90, 75, 60)
    )
    # Uneven light: a lamp on one side, a shadow on the other.
    array = np.asarray(desk).astype(np.float32)
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    light = 1.05 - 0.35 * np.hypot(xs - cx, ys - cy) / np.hypot(w, h)
    array *= light[..., None]
    array *= np.array([1.0, 0.97, 0.9], dtype=np.float32)  # warm indoor light
    noise = np.random.default_rng(cert.number).normal(0, 6, array.shape[:2]).astype(np.float32)
    array += noise[..., None]
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.3)))
    exif = Image.Exif()
    exif[0x010F] = "Telefoon"  # Make
    exif[0x8825] = {2: (52.0, 5.0, 0.0), 4: (4.0, 54.0, 0.0)}  # GPS: must never be stored
    if exif_turned if exif_turned is not None else cert.number % 5 == 2:
        image = image.rotate(90, expand=True)  # the pixels lie on their side ...
        exif[0x0112] = 6  # ... and the orientation says: turn 90° clockwise to show
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(60, 80), exif=exif.tobytes())
    return out.getvalue()


# --- scoring -------------------------------------------------------------------------------


def _norm(text) -> str:
    return " ".join(str(text or "").lower().replace("–", "-").split()).strip(" .")


def score(cert: Certificate, reading) -> dict[str, bool]:
    """Per field: did the reading get it right?"""
    read_ids = {(a["register"], a["id"].replace("-", "")) for a in reading.accreditations}
    true_ids = {(a["register"], a["id"].replace("-", "")) for a in cert.accreditations}
    return {
        "title": _norm(reading.title) == _norm(cert.title),
        "provider": _norm(reading.provider) == _norm(cert.provider),
        "date": reading.date == cert.date,
        "end": reading.end == cert.end,
        "hours": reading.hours is not None and Decimal(reading.hours) == cert.hours,
        "accreditation id": read_ids == true_ids,
        "participant": _norm(reading.participant) == _norm(cert.participant),
    }
