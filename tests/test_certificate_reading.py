"""Certificate reading measured on the generated corpus (tests/certificates.py), and the
wordings it must understand. The whole corpus with timings is `python -m bench --only C1`; here
all 30 PDFs and every third photo (10; OCR is CPU heavy on a shared machine)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portfolio.services.entries import certificate_reading
from portfolio.services.entries.certificate_reading import parse, participant_differs
from tests import certificates

CORPUS = certificates.make_corpus(30)
KEY_FIELDS = ("date", "hours", "accreditation id")


def _shares(kind: str, corpus) -> dict[str, float]:
    right = dict.fromkeys(KEY_FIELDS, 0)
    for cert in corpus:
        data = certificates.pdf(cert) if kind == "pdf" else certificates.photo(cert)
        scores = certificates.score(cert, certificate_reading.read(data))
        for field in KEY_FIELDS:
            right[field] += scores[field]
    return {field: right[field] / len(corpus) for field in KEY_FIELDS}


def test_the_corpus_is_varied():
    assert len(CORPUS) >= 30
    assert {c.layout for c in CORPUS} == set(range(6)) and len({c.font for c in CORPUS}) == 5
    assert {a["register"] for c in CORPUS for a in c.accreditations} >= {
        "Registerplein",
        "SKJ",
        "NIP",
        "NVO",
    }
    assert any(c.qr for c in CORPUS) and any(c.end for c in CORPUS)


def test_pdfs_are_read_right_at_least_95_percent():
    shares = _shares("pdf", CORPUS)
    assert all(share >= 0.95 for share in shares.values()), shares


def test_photos_are_read_right_at_least_85_percent():
    shares = _shares("photo", CORPUS[::3])
    assert all(share >= 0.85 for share in shares.values()), shares


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Registerplein ID: 2025123", [{"register": "Registerplein", "id": "2025123"}]),
        ("SKJ-accreditatienummer: 554433", [{"register": "SKJ", "id": "554433"}]),
        (
            "Geaccrediteerd door Registerplein (accreditatienummer 2026001) en door SKJ, "
            "accreditatienummer 778899",
            [
                {"register": "Registerplein", "id": "2026001"},
                {"register": "SKJ", "id": "778899"},
            ],
        ),
        ("Accreditatie\nNIP\nAccreditatienummer: NI12345", [{"register": "NIP", "id": "NI12345"}]),
        (
            "https://verificatie.example.nl/c?register=NVO&accreditatienummer=NV44556",
            [{"register": "NVO", "id": "NV44556"}],
        ),
    ],
)
def test_accreditation_ids_with_their_register(text, expected):
    assert parse(text).accreditations == expected


def test_points_dates_and_the_issue_date():
    reading = parse(
        "Bewijs van deelname\nTraining: Meldcode in de praktijk\nDatum: 3 t/m 5 maart 2026\n"
        "SKJ-punten: 4,5\nUitgereikt op 9 maart 2026"
    )
    assert (reading.title, reading.date, reading.end, reading.hours) == (
        "Meldcode in de praktijk",
        date(2026, 3, 3),
        date(2026, 3, 5),
        Decimal("4.5"),
    )
    # What OCR makes of "t/m", and of a split day.
    assert parse("op 24 Um 25 augustus 2026").date == date(2026, 8, 24)
    assert parse("Datum: 1 1-10-2025").date == date(2025, 10, 11)
    assert parse("Deze scholing levert 8 PE-punten op.").hours == Decimal("8")


def test_the_participant_and_a_warning_when_it_is_someone_else():
    reading = parse("Hierbij verklaren wij dat\nSanne de Vries\nheeft deelgenomen aan de training")
    assert reading.participant == "Sanne de Vries"
    assert not participant_differs(reading, "S. de Vries-Jansen".replace("S.", "Sanne"))
    assert participant_differs(reading, "Eva Jansen")


def test_confidence_is_lower_on_a_photo_than_on_text():
    text = "Certificaat van deelname\nDatum: 12-03-2026\nOmvang: 6 uur"
    assert parse(text, quality=0.6).confidence["date"] < parse(text).confidence["date"]
    assert parse(text).as_json()["confidence"]["title"] == 0.0
