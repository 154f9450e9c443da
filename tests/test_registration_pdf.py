"""The PDF for re-registration: totals, counted activities with course ids, sessions, no text."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portfolio import charts
from portfolio.models import AuditEvent, Entry, Registration
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user


@pytest.fixture
def worker(client, db, clock):
    """A worker who reads English, logged in, with the app's clock on 3 March 2025."""
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), name="Pim Portfolio")
    user.locale = "en"
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def _registration(db, worker, norm_id: str, on: date = date(2024, 1, 1)) -> Registration:
    registration = Registration(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        norm_id=norm_id,
        registration_number="R-778899",
        registered_on=on,
    )
    db.add(registration)
    db.commit()
    return registration


def _text(response) -> str:
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_lists_totals_activities_and_sessions_but_no_text(client, db, worker):
    registration = _registration(db, worker, "skj-jeugd-gezinsprofessional")
    common = {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "catalogue_version": "t",
    }
    db.add_all(
        [
            Entry(
                **common,
                kind="training",
                title="Systemisch werken",
                occurred_on=date(2024, 5, 2),
                hours=Decimal(12),
                accreditations=[{"register": "skj", "id": "SKJ-31337"}],
                body="GEHEIM-1",
            ),
            Entry(
                **common,
                kind="peer_review",
                title="Intervisie mei",
                occurred_on=date(2024, 5, 9),
                hours=Decimal(2),
                form="intervisie",
                status="signed",
                signed_at=datetime(2024, 5, 13, 9, tzinfo=UTC),
                case_description="GEHEIM-2",
            ),
            Entry(
                **common,
                kind="reflection",
                title="Stil",
                occurred_on=date(2024, 5, 10),
                hours=Decimal(1),
                body="GEHEIM-3",
            ),
        ]
    )
    db.commit()
    text = _text(client.get(f"/portfolio/registrations/{registration.id}/export.pdf"))
    assert "Pim Portfolio" in text and "R-778899" in text
    assert "SKJ-31337" in text and "Systemisch werken" in text
    # Only signed-off sessions are listed, with the day they were signed off (issue 14).
    assert "Signed-off peer review sessions" in text
    assert re.search(r"May 9, 2024\s+Intervisie mei\s+May 13, 2024", text)
    # Totals per requirement: counted, required, status.
    assert re.search(r"Geaccrediteerde scholing\s+12\s+60\s+not yet", text)
    assert re.search(r"Reflectie\s+2\s+60\s+not yet", text)
    assert re.search(r"Work hours\s+0\s+3,368\s+not yet", text)
    # The activity with its hours, points and course id.
    # The accreditation that made the course count for this norm, with its register.
    assert re.search(
        r"Systemisch werken\s+Geaccrediteerde scholing\s+12\s+12\s+SKJ\s+\(Stichting\s+"
        r"Kwaliteitsregister\s+Jeugd\)\s+SKJ-31337",
        text,
    )
    assert "GEHEIM" not in text
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "export_registration_pdf"))
    assert [event.subject_id for event in audit] == [registration.id]


def test_unconfirmed_thresholds_say_te_verifieren(client, db, worker):
    registration = _registration(db, worker, "registerplein-sociaal-werker")
    text = _text(client.get(f"/portfolio/registrations/{registration.id}/export.pdf"))
    assert "te verifiëren" in text


def test_another_workers_registration_pdf_does_not_exist_for_me(client, db, worker):
    other = make_user(db, make_organisation(db))
    registration = _registration(db, other, "skj-jeugd-gezinsprofessional")
    assert client.get(f"/portfolio/registrations/{registration.id}/export.pdf").status_code == 404


def _training(db, worker, title: str, on: date, hours: str) -> Entry:
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="training",
        title=title,
        occurred_on=on,
        hours=Decimal(hours),
        accreditations=[{"register": "skj", "id": "SKJ-1"}],
        catalogue_version="t",
    )
    db.add(entry)
    db.commit()
    return entry


def test_an_older_registration_has_its_own_pdf_with_its_own_period(client, db, worker):
    older = _registration(db, worker, "skj-jeugd-gezinsprofessional", on=date(2019, 1, 1))
    current = _registration(db, worker, "skj-jeugd-gezinsprofessional", on=date(2024, 1, 1))
    _training(db, worker, "Scholing in de vorige periode", date(2021, 6, 1), "9")
    _training(db, worker, "Scholing in deze periode", date(2024, 6, 1), "4")
    listing = client.get("/portfolio/registrations").get_data(as_text=True)
    assert f"/portfolio/registrations/{older.id}/export.pdf" in listing

    text = _text(client.get(f"/portfolio/registrations/{older.id}/export.pdf"))

    assert "Jan 1, 2019 – Dec 31, 2023" in text
    assert "Scholing in de vorige periode" in text
    assert "Scholing in deze periode" not in text
    assert re.search(r"Geaccrediteerde scholing\s+9\s+60", text)
    text = _text(client.get(f"/portfolio/registrations/{current.id}/export.pdf"))
    assert "Scholing in deze periode" in text
    assert "Scholing in de vorige periode" not in text


def test_the_pdf_chart_is_rendered_once_per_content(client, db, worker):
    registration = _registration(db, worker, "skj-jeugd-gezinsprofessional")
    _training(db, worker, "Eenmalig getekend", date(2024, 6, 1), "13.75")  # a unique chart
    path = f"/portfolio/registrations/{registration.id}/export.pdf"
    before = charts.png_cache_info()

    first = _text(client.get(path))
    after_first = charts.png_cache_info()
    second = _text(client.get(path))

    assert "13.75" in first and first == second
    assert after_first == min(before + 1, charts.CACHE_SIZE)  # rendered and kept
    assert charts.png_cache_info() == after_first  # the second PDF took it from the cache


def test_a_corrected_session_is_listed_once_and_the_chart_is_drawn(client, db, worker):
    registration = _registration(db, worker, "skj-jeugd-gezinsprofessional")
    common = {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "catalogue_version": "t",
        "kind": "peer_review",
        "form": "intervisie",
        "hours": Decimal(2),
        "status": "signed",
    }
    first = Entry(**common, title="Intervisie juni eerste versie", occurred_on=date(2024, 6, 3))
    db.add(first)
    db.commit()
    db.add(
        Entry(
            **common,
            title="Intervisie juni verbeterd",
            occurred_on=date(2024, 6, 3),
            supersedes_id=first.id,
        )
    )
    db.commit()
    response = client.get(f"/portfolio/registrations/{registration.id}/export.pdf")
    text = _text(response)
    assert "Intervisie juni verbeterd" in text
    assert "Intervisie juni eerste versie" not in text
    images = [
        obj
        for page in PdfReader(io.BytesIO(response.data)).pages
        for obj in (page["/Resources"].get("/XObject") or {}).values()
        if obj.get_object()["/Subtype"] == "/Image"
    ]
    assert images, "the progress chart is in the PDF"


def test_dutch_column_headers_keep_their_words_whole(client, db, worker):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from portfolio.services.norms.registration_pdf import CELL_PADDING, fit_widths

    header = ["Datum", "Titel", "Eis", "Uren", "Punten", "Accreditatienummer"]
    widths = fit_widths(header, [0.13, 0.27, 0.26, 0.1, 0.08, 0.16], 493.0)
    assert abs(sum(widths) - 493.0) < 0.01
    for text, width in zip(header, widths, strict=True):
        assert width >= stringWidth(text, "Helvetica-Bold", 8.5) + CELL_PADDING, text

    worker.locale = "nl"
    db.add(worker)
    registration = _registration(db, worker, "skj-jeugd-gezinsprofessional")
    db.add(
        Entry(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            catalogue_version="t",
            kind="training",
            title="Systemisch werken",
            occurred_on=date(2024, 5, 2),
            hours=Decimal(12),
            accreditations=[{"register": "skj", "id": "SKJ-31337"}],
        )
    )
    db.commit()
    text = _text(client.get(f"/portfolio/registrations/{registration.id}/export.pdf"))
    assert "Punten" in text and "Accreditatienummer" in text
