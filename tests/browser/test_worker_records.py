"""A worker records a training with a certificate and a reflection that names a client (BSN),
is warned, saves anyway, and sees the dashboard's numbers change — in a real Chromium."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portfolio.models import AuditEvent, Entry, EvidenceFile, Registration
from tests.browser.conftest import BROWSER_TODAY, days_ago
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def worker(db):
    organisation = make_organisation(db)
    user = make_user(db, organisation, team=make_team(db, organisation))
    user.locale = "en"
    db.add(user)
    db.add(
        Registration(
            organisation_id=organisation.id,
            owner_id=user.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registration_number="100200",
            registered_on=date(BROWSER_TODAY.year - 1, 1, 1),
        )
    )
    db.commit()
    return user


def counted(page, requirement: str) -> str:
    """The 'Counted' cell of one requirement in the dashboard's table."""
    return page.locator("tr", has_text=requirement).locator("td").first.text_content().strip()


def save(page) -> None:
    # The form's own button; after a privacy warning a second one stands in the warning.
    page.locator("main form.card > button[type=submit]").click()
    page.wait_for_load_state()


def test_training_and_a_reflection_with_a_bsn_change_the_dashboard(page, live_server, db, worker):
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(worker.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/")
    assert counted(page, "Geaccrediteerde scholing") == "0"

    page.goto(f"{live_server}/portfolio/entries/new/training")
    page.locator("#title").fill("Motiverende gespreksvoering")
    page.locator("#occurred_on").fill(days_ago(14))
    page.locator("#hours").fill("6")
    page.locator("#provider").fill("Movisie")
    page.locator("#accreditation_id").fill("SKJ-4711")
    page.locator("#certificate").set_input_files(
        {"name": "certificaat.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    save(page)
    assert "certificaat.pdf" in page.locator("main").inner_text()

    page.goto(f"{live_server}/portfolio/entries/new/reflection")
    page.locator("#title").fill("Huisbezoek")
    page.locator("#occurred_on").fill(days_ago(13))
    page.locator("#hours").fill("1")
    page.locator("#body").fill("Mevrouw (BSN 111222333) vertelde over haar schulden.")
    save(page)
    summary = page.locator(".error-summary")
    assert "citizen service number (BSN)" in summary.inner_text()
    assert "111222333" in page.locator("#body").input_value()  # nothing typed is lost
    page.locator("#privacy_confirmed").check()
    page.locator(".error-summary button[type=submit]").click()  # right under the warning
    page.wait_for_load_state()
    assert "Huisbezoek" in page.locator("h1").inner_text()

    page.goto(f"{live_server}/portfolio/")
    assert counted(page, "Geaccrediteerde scholing") == "6"
    assert "Huisbezoek" in page.locator("main").inner_text()  # among the recent entries

    db.expire_all()
    assert db.scalars(select(EvidenceFile.filename)).all() == ["certificaat.pdf"]
    reflection = db.scalars(select(Entry).where(Entry.kind == "reflection")).one()
    assert reflection.privacy_override_at is not None
    overrides = db.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_override"))
    assert [event.subject_id for event in overrides] == [reflection.id]


def test_a_file_over_the_limit_is_refused_before_it_is_sent(app, page, live_server, db, worker):
    app.config["EVIDENCE_MAX_BYTES"] = 1024 * 1024
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(worker.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/")
    page.goto(f"{live_server}/portfolio/entries/new/peer_review")
    page.locator("#title").fill("Intervisie met presentielijst")
    too_large = PDF + b"0" * (2 * 1024 * 1024)
    page.locator("#certificate").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": too_large}
    )
    message = page.locator("#certificate-size-error")
    assert message.is_visible() and "1 MB" in message.inner_text()
    assert page.locator("#certificate").evaluate("input => input.files.length") == 0
    assert page.locator("#title").input_value() == "Intervisie met presentielijst"
    page.locator("#certificate").set_input_files(
        {"name": "lijst.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert message.is_hidden()
    assert db.scalars(select(EvidenceFile)).all() == []
