"""Issue 14 point 6: a peer review session counts once its supervisor signed it off.

Hand-computed: SKJ's "reflectie" counts intervisie and moreel beraad of at least one hour
(NORMS.md; competencies/data/norms). One signed session of 2 h, one submitted of 3 h and one
draft of 1.5 h: only the 2 h count; the other two are pending beside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portfolio.services.norms import norm_progress, norm_sums
from tests.factories import make_organisation, make_team, make_user
from tests.test_dashboard import text_of
from tests.test_norm_progress import AS_OF, SKJ, add_entry, register


@pytest.fixture
def worker(app, db):
    app.config["CLOCK"] = lambda: datetime(2026, 7, 1, 10, tzinfo=UTC)
    org = make_organisation(db)
    return make_user(db, org, team=make_team(db, org))


def three_sessions(db, worker):
    signed = add_entry(
        db, worker, "peer_review", date(2025, 2, 1), "2", form="intervisie", status="signed"
    )
    submitted = add_entry(
        db, worker, "peer_review", date(2025, 3, 1), "3", form="intervisie", status="submitted"
    )
    draft = add_entry(db, worker, "peer_review", date(2025, 4, 1), "1.5", form="moreel-beraad")
    return signed, submitted, draft


def test_an_unsigned_peer_review_session_does_not_count(db, worker):
    signed, _submitted, _draft = three_sessions(db, worker)
    registration = register(db, worker, SKJ)

    status = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    reflectie = status.category("reflectie")
    assert reflectie.counted == Decimal(2)
    assert reflectie.refs == (signed.id,)


def test_the_summed_statuses_leave_unsigned_sessions_out_too(db, worker):
    three_sessions(db, worker)
    registration = register(db, worker, SKJ)

    found = norm_sums.summed_statuses_for(db, registrations=[registration], as_of=AS_OF)

    _norm, status = found[registration.id]
    assert status.category("reflectie").counted == Decimal(2)


def test_pending_sessions_are_counted_beside_what_counts(db, worker):
    three_sessions(db, worker)
    # Before the period (2024-01-01): not pending for this registration.
    add_entry(
        db, worker, "peer_review", date(2023, 5, 1), "2", form="intervisie", status="submitted"
    )
    registration = register(db, worker, SKJ)
    status = norm_progress.status_for(db, registration=registration, as_of=AS_OF)

    pending = norm_progress.pending_sessions(db, owner_id=worker.id, as_of=AS_OF)

    assert pending.within(status.period) == norm_progress.Pending(awaiting=1, not_submitted=1)


def _logged_in(client, worker, locale="nl"):
    from tests.conftest import login
    from tests.factories import PASSWORD

    worker.locale = locale
    return worker, login(client, worker.email, PASSWORD)


def test_the_dashboard_shows_pending_sessions_beside_what_counts(client, db, worker):
    three_sessions(db, worker)
    add_entry(
        db, worker, "peer_review", date(2025, 5, 1), "2", form="intervisie", status="submitted"
    )
    register(db, worker, SKJ)
    worker.locale = "nl"
    db.add(worker)
    db.commit()
    _logged_in(client, worker)

    text = text_of(client.get("/portfolio/").get_data(as_text=True))

    assert "2 intervisiebijeenkomsten wachten op aftekening." in text
    assert "1 intervisiebijeenkomst is nog niet ter aftekening ingediend." in text
    # Beside the counted number: reflectie counts the signed 2 hours only.
    assert "Reflectie" in text and " 2 / 60" in text


def test_the_registrations_page_says_how_many_sessions_wait(client, db, worker):
    three_sessions(db, worker)
    register(db, worker, SKJ)
    worker.locale = "en"
    db.add(worker)
    db.commit()
    _logged_in(client, worker, "en")

    text = text_of(client.get("/portfolio/registrations").get_data(as_text=True))

    assert "1 peer review session is waiting for sign-off." in text
    assert "1 peer review session has not been submitted for sign-off yet." in text


def test_the_pdf_lists_only_signed_sessions_and_says_how_many_wait(client, db, worker):
    import io

    from pypdf import PdfReader

    signed, submitted, draft = three_sessions(db, worker)
    signed.signed_at = datetime(2025, 2, 3, 9, tzinfo=UTC)
    for entry, title in ((signed, "Getekend"), (submitted, "Wachtend"), (draft, "Concept")):
        entry.title = f"Intervisie {title}"
        db.add(entry)
    registration = register(db, worker, SKJ)
    worker.locale = "en"
    db.add(worker)
    db.commit()
    _logged_in(client, worker, "en")

    response = client.get(f"/portfolio/registrations/{registration.id}/export.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert "Intervisie Getekend" in text and "Feb 3, 2025" in text
    assert "Intervisie Wachtend" not in text and "Intervisie Concept" not in text
    assert "1 peer review session is waiting for sign-off." in text
    assert "1 peer review session has not been submitted for sign-off yet." in text
