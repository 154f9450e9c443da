"""Entries: record each kind, refuse bad input keeping it, privacy guard, evidence, ownership."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.models import (
    AuditEvent,
    Entry,
    EntryParticipant,
    EntryTag,
    EvidenceFile,
    Notification,
    Organisation,
    Role,
    Team,
)
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    user.locale = "en"  # the messages below are asserted in English
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def post(client, path: str, data: dict, **kwargs):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


BASE = {"title": "Training motiverende gespreksvoering", "occurred_on": "2026-10-01",
        "hours": "6", "competency_codes": ["WMO1", "WMO3"], "article_numbers": ["3"]}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("reflection", {"structure": "starr", "body": "Wat ging goed en wat leerde ik."}),
        ("training", {"provider": "Movisie", "accreditation_id": "SKJ12345"}),
        ("peer_review", {"form": "intervisie", "facilitator": "J. Visser",
                         "learning_points": "Eerst vragen stellen."}),
        ("other", {"activity_type": "vakliteratuur"}),
        ("work", {"employer": "Stichting Welzijn", "role_title": "Sociaal werker",
                  "hours_per_week": "32"}),
    ],
)  # fmt: skip
def test_each_kind_is_recorded_with_its_tags(client, db, worker, kind, extra):
    response = post(client, f"/portfolio/entries/new/{kind}", {**BASE, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert (entry.kind, entry.title) == (kind, BASE["title"])
    codes = set(db.scalars(select(EntryTag.code).where(EntryTag.entry_id == entry.id)))
    assert codes == ({"WMO1", "WMO3", "3"} if kind != "work" else set())
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert BASE["title"] in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_on": "2026-09-01"}, "end_on"),
        ({"hours": "-2"}, "hours"),
        ({"hours": "30"}, "hours"),
        ({"competency_codes": ["WMO99"]}, "competency_codes"),
    ],
    ids=["end-before-start", "negative-hours", "more-than-24-a-day", "unknown-competency"],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(client, db, worker, change, field):
    data = {**BASE, "provider": "Movisie in Utrecht", **change}
    response = post(client, "/portfolio/entries/new/training", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert "Movisie in Utrecht" in html and BASE["title"] in html
    assert db.scalars(select(Entry)).all() == []


def test_a_valid_bsn_warns_and_saving_anyway_is_recorded(client, db, worker):
    data = {**BASE, "structure": "free", "body": "Cliënt met BSN 111222333 belde."}
    response = post(client, "/portfolio/entries/new/reflection", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "111222333" in html and 'role="alert"' in html
    assert db.scalars(select(Entry)).all() == []
    response = post(client, "/portfolio/entries/new/reflection", {**data, "privacy_confirmed": "y"})
    assert response.status_code == 302
    entry = db.scalars(select(Entry)).one()
    assert entry.privacy_override_at is not None
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_override")).one()
    assert "111222333" not in (event.detail or "")


def test_a_nine_digit_number_failing_the_elfproef_is_no_warning(client, db, worker):
    data = {**BASE, "structure": "free", "body": "Factuurnummer 123456789 betaald."}
    assert post(client, "/portfolio/entries/new/reflection", data).status_code == 302


def test_a_certificate_is_stored_checked_and_served_as_attachment(client, db, worker):
    data = {**BASE, "certificate": (io.BytesIO(PDF), "certificaat <1>.pdf")}
    response = post(client, "/portfolio/entries/new/training", data,
                    content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    stored = db.scalars(select(EvidenceFile)).one()
    assert (stored.content_type, stored.size) == ("application/pdf", len(PDF))
    with client.get(f"/portfolio/evidence/{stored.id}") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"<html><script>alert(1)</script></html>", "certificaat.pdf"), (b"MZ\x90\x00", "x.png")],
    ids=["html-named-pdf", "exe-named-png"],
)
def test_a_disguised_file_is_refused_with_a_reason(client, db, worker, content, name):
    data = {**BASE, "certificate": (io.BytesIO(content), name)}
    response = post(client, "/portfolio/entries/new/training", data,
                    content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "This file is not a PDF, PNG, JPEG, DOCX or ODT document." in response.get_data(
        as_text=True
    )
    assert db.scalars(select(EvidenceFile)).all() == []


def test_an_oversized_file_is_refused_with_a_reason(app, client, db, worker):
    app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024  # small, so the test upload stays in memory
    data = {**BASE, "certificate": (io.BytesIO(b"%PDF-" + b"0" * (10 * 1024)), "big.pdf")}
    response = post(client, "/portfolio/entries/new/training", data,
                    content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "Choose a file of at most 10 kB." in response.get_data(as_text=True)
    assert db.scalars(select(EvidenceFile)).all() == []


def _entry(db, owner, **fields) -> Entry:
    entry = Entry(organisation_id=owner.organisation_id, owner_id=owner.id, kind="peer_review",
                  title="Intervisie", occurred_on=date(2026, 10, 1), hours=Decimal(2),
                  form="intervisie", case_description="Geheime casus", catalogue_version="t",
                  **fields)  # fmt: skip
    db.add(entry)
    db.commit()
    return entry


def test_another_workers_entry_does_not_exist_for_me(app, client, db, worker):
    other = make_user(db, make_organisation(db))
    entry = _entry(db, other)
    for path in (f"/portfolio/entries/{entry.id}", f"/portfolio/entries/{entry.id}/edit"):
        assert client.get(path).status_code == 404


def test_a_signed_entry_cannot_be_changed_or_deleted(client, db, worker):
    entry = _entry(db, worker, status="signed")
    assert client.get(f"/portfolio/entries/{entry.id}/edit").status_code == 302
    response = post(client, f"/portfolio/entries/{entry.id}/delete", {},
                    follow_redirects=True)  # fmt: skip
    assert response.status_code == 200
    assert db.get(Entry, entry.id) is not None


def test_submitting_puts_the_session_in_the_supervisors_queue(app, client, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    entry = _entry(db, worker)
    post(client, f"/portfolio/entries/{entry.id}/submit", {}, follow_redirects=True)
    db.expire_all()
    assert db.get(Entry, entry.id).status == "submitted"
    other = app.test_client()
    login(other, lead.email, PASSWORD)
    assert "Intervisie" in other.get("/team/sign-off").get_data(as_text=True)
    note = db.scalars(select(Notification).where(Notification.user_id == lead.id)).one()
    assert note.kind == "submitted" and note.link.endswith(f"/team/sign-off/{entry.id}")


def test_deleting_asks_first_and_then_deletes(client, db, worker):
    entry_id = _entry(db, worker).id
    page = client.get(f"/portfolio/entries/{entry_id}/delete").get_data(as_text=True)
    assert "This cannot be undone." in page
    assert db.get(Entry, entry_id) is not None
    post(client, f"/portfolio/entries/{entry_id}/delete", {})
    db.expire_all()
    assert db.get(Entry, entry_id) is None


def test_a_guided_reflection_keeps_each_phase_and_scans_it(client, db, worker):
    data = {**BASE, "structure": "korthagen", "korthagen_action": "Ik stelde een open vraag.",
            "korthagen_trial": "Volgende keer eerst luisteren."}  # fmt: skip
    assert post(client, "/portfolio/entries/new/reflection", data).status_code == 302
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert entry.sections == {
        "template": "korthagen",
        "phases": {
            "action": "Ik stelde een open vraag.",
            "trial": "Volgende keer eerst luisteren.",
        },
    }
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert "5. Trial: what will you try next time?" in page and "eerst luisteren" in page
    edit = client.get(f"/portfolio/entries/{entry.id}/edit").get_data(as_text=True)
    assert "Ik stelde een open vraag." in edit
    # A BSN in a phase is found, named by that phase's field, and stops the save.
    warned = post(client, f"/portfolio/entries/{entry.id}/edit",
                  {**data, "korthagen_awareness": "Client 111222333 belde."})  # fmt: skip
    assert warned.status_code == 200
    assert 'href="#korthagen_awareness"' in warned.get_data(as_text=True)
    db.expire_all()
    assert "awareness" not in db.get(Entry, entry.id).sections["phases"]


def test_participants_are_picked_from_the_team_or_by_email_and_asked_to_confirm(client, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    team = db.get(Team, worker.team_id)
    teammate = make_user(db, organisation, team=team, name="Anna Teamgenoot")
    elsewhere = make_user(db, organisation, email="bram@example.org")
    form = client.get("/portfolio/entries/new/peer_review").get_data(as_text=True)
    assert "Anna Teamgenoot" in form
    data = {**BASE, "form": "intervisie", "participant_ids": [str(teammate.id)],
            "participant_emails": "BRAM@example.org, nobody@example.org"}  # fmt: skip
    refused = post(client, "/portfolio/entries/new/peer_review", data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "nobody@example.org" in page
    assert db.scalars(select(Entry)).all() == []
    data["participant_emails"] = "BRAM@example.org"
    assert post(client, "/portfolio/entries/new/peer_review", data).status_code == 302
    entry = db.scalars(select(Entry)).one()
    invited = set(db.scalars(select(EntryParticipant.user_id)))
    assert invited == {teammate.id, elsewhere.id}
    kinds = set(db.scalars(select(Notification.kind).where(Notification.user_id == elsewhere.id)))
    assert kinds == {"attendance"}
    detail = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert "Anna Teamgenoot" in detail and "not confirmed yet" in detail
