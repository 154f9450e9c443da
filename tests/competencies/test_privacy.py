"""Privacy scan of free text: true positives, and few false alarms."""

from __future__ import annotations

import pytest

from competencies import KIND_LABELS, scan_text
from competencies.privacy import elfproef


def kinds(text: str) -> list[tuple[str, str]]:
    """(kind, excerpt) of every finding in `text`."""
    return [(f.kind, f.excerpt) for f in scan_text(text)]


def test_elfproef_computed_by_hand():
    # 111222333: 9+8+7 + 12+10+8 + 9+6 − 3 = 66 = 6 × 11
    assert elfproef("111222333")
    # 123456789: 9+16+21+24+25+24+21+16 − 9 = 147 ≡ 4 (mod 11)
    assert not elfproef("123456789")
    assert not elfproef("000000000")
    assert not elfproef("11122233")


@pytest.mark.parametrize(
    "text",
    ["BSN 111222333 van de cliënt", "bsn: 111.222.333.", "nummer 111 222 333", "1112 22 333"],
)
def test_bsn_that_passes_the_elfproef_is_reported(text):
    assert [k for k, _ in kinds(text)] == ["bsn"]


@pytest.mark.parametrize(
    "text",
    [
        "nummer 123456789 klopt niet",  # fails the elfproef
        "factuur 11122233344 betaald",  # longer number
        "code 2111222333",  # inside a ten-digit number
        "000000000",
    ],
)
def test_nine_digits_failing_the_elfproef_or_inside_longer_numbers_are_not_reported(text):
    assert kinds(text) == []


def test_phone_number_followed_by_a_count_is_reported():
    assert kinds("Bel 06-12345678 2 keer per week") == [("phone", "06-12345678")]


def test_email_is_reported():
    assert kinds("mail naar j.de-vries+werk@gemeente.example.nl graag") == [
        ("email", "j.de-vries+werk@gemeente.example.nl")
    ]


@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+316 12345678",
        "0031 6 12345678",
        "020-1234567",
        "010 123 4567",
        "(020) 1234567",
        "0513-123456",
        "+31 20 123 4567",
    ],
)
def test_dutch_phone_numbers_are_reported(phone):
    assert kinds(f"Bel moeder op {phone} vanavond.") == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "factuurnummer 2023061234567890",
        "ordernummer 12345678 en 0612345",
        "bedrag 1234567 euro",
        "sessie op 12-06-2023 om 10:30",
        "kenmerk 2024-0612345678",
    ],
)
def test_digit_runs_that_are_not_phone_numbers_are_not_reported(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("woont op 1234 AB 12 sinds kort", "1234 AB 12"),
        ("adres: 1234AB 12a", "1234AB 12a"),
        ("adres: 1234ab 7", "1234ab 7"),
        ("postcode 3511 KL, 101-2 achter", "3511 KL, 101-2"),
    ],
)
def test_postcode_with_house_number_is_reported(text, excerpt):
    assert kinds(text) == [("postcode_house_number", excerpt)]


@pytest.mark.parametrize(
    "text",
    ["ze verhuist naar 1234 AB", "in 2023 en 12 sessies", "in 2019 nl 12 keer", "1234 SS 12"],
)
def test_postcode_alone_or_lookalikes_are_not_reported(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Cliënt, geboren op 12-03-1985, woont alleen.", "12-03-1985"),
        ("geb. 3 maart 1985", "3 maart 1985"),
        ("Geboortedatum: 1 jan. 1990", "1 jan. 1990"),
        ("DOB 1985-03-12", "1985-03-12"),
        ("born on 7 March 1979", "7 March 1979"),
        ("date of birth: 02/11/2001", "02/11/2001"),
    ],
)
def test_date_after_a_birth_cue_is_reported(text, excerpt):
    assert kinds(text) == [("date_of_birth", excerpt)]


@pytest.mark.parametrize(
    "text",
    [
        "Sessie op 12-03-2024 met de cliënt.",
        "Het kind is geboren. Op 12-03-2024 was de evaluatie.",  # cue in another sentence
        "geboren op 31-02-1985",  # not a real date
        "geboren in 1985",
    ],
)
def test_ordinary_dates_are_not_reported(text):
    assert kinds(text) == []


def test_findings_are_sorted_and_spans_match_the_text():
    text = "Mail a@b.nl, bel 06-12345678, BSN 111222333, geboren 1-2-1980, 1234 AB 5."
    findings = scan_text(text)
    assert [f.kind for f in findings] == [
        "email",
        "phone",
        "bsn",
        "date_of_birth",
        "postcode_house_number",
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for f in findings:
        assert text[f.start : f.end] == f.excerpt


def test_a_plain_reflection_has_no_findings():
    text = (
        "In de intervisie van 14 maart bespraken we een casus over eenzaamheid. "
        "Ik merkte dat ik te snel oplossingen aandroeg; volgende keer vraag ik eerst door. "
        "Dit sluit aan bij artikel 3 en competentie 4. We waren met 6 collega's, 1,5 uur."
    )
    assert scan_text(text) == []


def test_every_kind_has_dutch_and_english_labels():
    assert set(KIND_LABELS) == {
        "bsn",
        "email",
        "phone",
        "postcode_house_number",
        "date_of_birth",
        "iban",
        "address",
        "person_name",
        "age",
        "case_number",
    }
    for labels in KIND_LABELS.values():
        assert labels["nl"] and labels["en"]
