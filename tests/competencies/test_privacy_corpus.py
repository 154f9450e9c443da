"""The privacy scan on a corpus of realistic Dutch reflection snippets (bench/privacy_corpus):
precision and recall of at least 0.9 (issue 14), printed."""

from __future__ import annotations

import pytest

from bench.privacy_corpus import SAMPLES, precision_recall
from competencies import scan_text


def test_precision_and_recall_on_the_corpus_are_at_least_0_9():
    score = precision_recall(scan_text)
    print(
        f"\nprivacy corpus: {len(SAMPLES)} snippets, {score.marked} identifying items; "
        f"precision {score.precision:.3f}, recall {score.recall:.3f}; "
        f"false alarms {list(score.false_alarms)}; missed {[m[0] for m in score.missed]}"
    )
    assert score.precision >= 0.9, score.false_alarms
    assert score.recall >= 0.9, score.missed


@pytest.mark.parametrize(
    ("text", "kind", "excerpt"),
    [
        ("Bel mij op 010 - 123 45 67 voor een afspraak.", "phone", "010 - 123 45 67"),
        ("Het nummer is (06) 12345678.", "phone", "(06) 12345678"),
        ("BSN 111-222-333 staat in het dossier.", "bsn", "111-222-333"),
        ("Naar NL91 ABNA 0417 1643 00 overmaken.", "iban", "NL91 ABNA 0417 1643 00"),
        ("Vandaag sprak ik mevrouw Jansen.", "person_name", "mevrouw Jansen"),
        ("Pieter (17) kwam te laat.", "age", "17"),
        ("Meneer is 82 jaar oud.", "age", "82 jaar"),
        ("De 16-jarige dochter zorgt voor haar broertjes.", "age", "16-jarige"),
        ("Hij woont op de Dorpsstraat 14 in een flat.", "address", "Dorpsstraat 14"),
        ("Het dossiernummer is 2023-04578.", "case_number", "2023-04578"),
    ],
)
def test_each_kind_is_found(text, kind, excerpt):
    assert (kind, excerpt) in {(f.kind, f.excerpt) for f in scan_text(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Mijn collega Mark gaf me feedback op het gesprek.",
        "Het budget is 12.500 euro voor 2 jaar.",
        "Artikel 24 van de beroepscode gaat over collegiale toetsing.",
        "De teamvergadering was op 14 maart 2024 om 10.30 uur.",
        "Het IBAN NL00 ABNA 0000 0000 00 klopt niet (proefnummer).",
        "Het nummer 123456789 is geen BSN (de elfproef faalt).",
    ],
)
def test_clean_but_tricky_text_gives_no_finding(text):
    assert scan_text(text) == []
