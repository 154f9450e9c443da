"""Entries: record each kind, refuse bad input keeping it, privacy guard, evidence, ownership."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select
from sqlmodel import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portfolio import create_app
from portfolio.models import (
    AuditEvent,
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryTag,
    EvidenceFile,
    Notification,
    Organisation,
    OrganisationSettings,
    Role,
    Team,
)
from portfolio.services.entries import entries, entry_input, signoff
from portfolio.services.norms import norm_progress
from tests.conftest import app_config, csrf_token, flashes, login, post_form, without_labels
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


BASE = {
    "title": "Training motiverende gespreksvoering",
    "occurred_on": "2026-10-01",
    "hours": "6",
    "competency_codes": ["WMO1", "WMO3"],
    "article_numbers": ["3"],
}


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("reflection", {"structure": "starr", "body": "Wat ging goed en wat leerde ik."}),
        ("training", {"provider": "Movisie", "accreditation_skj": "SKJ12345"}),
        (
            "peer_review",
            {
                "form": "intervisie",
                "facilitator": "J. Visser",
                "learning_points": "Eerst vragen stellen.",
            },
        ),
        ("other", {"activity_type": "vakliteratuur"}),
        (
            "work",
            {
                "employer": "Stichting Welzijn",
                "role_title": "Sociaal werker",
                "hours_per_week": "32",
            },
        ),
    ],
)
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
        ({"hours": "NaN"}, "hours"),
        ({"hours": "Infinity"}, "hours"),
        ({"end_on": "2026-12-31", "hours": "2000"}, "hours"),
        ({"end_on": "2031-01-01"}, "end_on"),
    ],
    ids=[
        "end-before-start",
        "negative-hours",
        "more-than-24-a-day",
        "unknown-competency",
        "hours-nan",
        "hours-infinite",
        "more-than-an-entry-holds",
        "end-far-ahead",
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(client, db, worker, change, field):
    data = {**BASE, "provider": "Movisie in Utrecht", **change}
    response = post(client, "/portfolio/entries/new/training", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert "Movisie in Utrecht" in html and BASE["title"] in html
    assert db.scalars(select(Entry)).all() == []


@pytest.mark.parametrize("per_week", ["NaN", "-Infinity", "0", "81"])
def test_work_experience_refuses_impossible_hours_per_week(client, db, worker, per_week):
    data = {
        **BASE,
        "employer": "Stichting Welzijn",
        "role_title": "Sociaal werker",
        "hours_per_week": per_week,
    }
    response = post(client, "/portfolio/entries/new/work", data)
    assert response.status_code == 200
    assert 'id="hours_per_week-error"' in response.get_data(as_text=True)
    assert db.scalars(select(Entry)).all() == []


def test_a_valid_bsn_warns_and_saving_anyway_is_recorded(client, db, worker):
    data = {**BASE, "structure": "free", "body": "Cliënt met BSN 111222333 belde."}
    response = post(client, "/portfolio/entries/new/reflection", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "111222333" in html and 'role="alert"' in html
    # The note sits beside the field it is about (the body), not beside the title.
    body_field = html.index('id="body"')
    note = html.index("privacy-note", body_field)
    assert note < html.index('name="dilemma_category"')
    assert html.count("privacy-note") == 1
    assert db.scalars(select(Entry)).all() == []
    response = post(client, "/portfolio/entries/new/reflection", {**data, "privacy_confirmed": "y"})
    assert response.status_code == 302
    entry = db.scalars(select(Entry)).one()
    assert entry.privacy_override_at is not None
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_override")).one()
    assert "111222333" not in (event.detail or "")
    assert event.detail == "fields: body"
    # Rewritten without the number: the mark goes, the audit row stays.
    clean = {**data, "body": "Cliënt belde over de afspraak."}
    assert post(client, f"/portfolio/entries/{entry.id}/edit", clean).status_code == 302
    db.expire_all()
    assert db.get(Entry, entry.id).privacy_override_at is None
    assert (
        len(db.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_override")).all())
        == 1
    )


def test_a_nine_digit_number_failing_the_elfproef_is_no_warning(client, db, worker):
    data = {**BASE, "structure": "free", "body": "Factuurnummer 123456789 betaald."}
    assert post(client, "/portfolio/entries/new/reflection", data).status_code == 302


def test_a_certificate_is_stored_checked_and_served_as_attachment(client, db, worker):
    data = {**BASE, "certificate": (io.BytesIO(PDF), "certificaat <1>.pdf")}
    response = post(
        client, "/portfolio/entries/new/training", data, content_type="multipart/form-data"
    )
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
    response = post(
        client,
        "/portfolio/entries/new/training",
        data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "This file is not a PDF, PNG, JPEG, DOCX or ODT document." in response.get_data(
        as_text=True
    )
    assert db.scalars(select(EvidenceFile)).all() == []


def test_an_oversized_file_is_refused_with_a_reason(app, client, db, worker):
    app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024  # small, so the test upload stays in memory
    data = {**BASE, "certificate": (io.BytesIO(b"%PDF-" + b"0" * (10 * 1024)), "big.pdf")}
    response = post(
        client,
        "/portfolio/entries/new/training",
        data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Choose a file of at most 10 kB." in response.get_data(as_text=True)
    assert db.scalars(select(EvidenceFile)).all() == []


def _entry(db, owner, **fields) -> Entry:
    values = {
        "kind": "peer_review",
        "title": "Intervisie",
        "occurred_on": date(2026, 10, 1),
        "hours": Decimal(2),
        "form": "intervisie",
        "case_description": "Geheime casus",
        "catalogue_version": "t",
    }
    entry = Entry(organisation_id=owner.organisation_id, owner_id=owner.id, **{**values, **fields})
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
    response = post(client, f"/portfolio/entries/{entry.id}/delete", {}, follow_redirects=True)
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
    data = {
        **BASE,
        "structure": "korthagen",
        "korthagen_action": "Ik stelde een open vraag.",
        "korthagen_trial": "Volgende keer eerst luisteren.",
    }
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
    warned = post(
        client,
        f"/portfolio/entries/{entry.id}/edit",
        {**data, "korthagen_awareness": "Client 111222333 belde."},
    )
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
    data = {
        **BASE,
        "form": "intervisie",
        "participant_ids": [str(teammate.id)],
        "participant_emails": "BRAM@example.org, nobody@example.org",
    }
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


# --- uploads: limits, checked before anything is saved ----------------------------------------


def post_in_memory(client, path: str, data: dict, *, filename: str, content: bytes):
    """A multipart POST built in memory (the test client spools large bodies to temp files)."""
    fields = {
        **data,
        "csrf_token": csrf_token(client, path),
        "certificate": FileStorage(
            io.BytesIO(content), filename=filename, content_type="application/pdf"
        ),
    }
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def _app_with_evidence_limit(monkeypatch, database_url, megabytes: int):
    """An app configured from the environment as in production, with a small evidence limit."""
    monkeypatch.setenv("EVIDENCE_MAX_MB", str(megabytes))
    return create_app(app_config(database_url))


def test_a_file_of_the_allowed_size_is_never_refused_by_the_request_limit(
    monkeypatch, database_url, db
):
    app = _app_with_evidence_limit(monkeypatch, database_url, 1)
    try:
        assert app.config["EVIDENCE_MAX_BYTES"] == 1024 * 1024
        assert app.config["MAX_CONTENT_LENGTH"] > app.config["EVIDENCE_MAX_BYTES"]
        client = app.test_client()
        org = make_organisation(db)
        user = make_user(db, org, locale="en")
        login(client, user.email, PASSWORD)
        exactly = b"%PDF-" + b"0" * (1024 * 1024 - 5)
        response = post_in_memory(
            client,
            "/portfolio/entries/new/training",
            {**BASE, "body": "Tekst " * 3000},
            filename="certificaat.pdf",
            content=exactly,
        )
        assert response.status_code == 302
        assert db.scalars(select(EvidenceFile.size)).all() == [len(exactly)]
    finally:
        app.extensions["db_engine"].dispose()


def test_a_request_above_the_limit_gets_a_page_that_names_the_limit(monkeypatch, database_url, db):
    app = _app_with_evidence_limit(monkeypatch, database_url, 1)
    try:
        client = app.test_client()
        user = make_user(db, make_organisation(db), locale="en")
        login(client, user.email, PASSWORD)
        too_large = b"%PDF-" + b"0" * (3 * 1024 * 1024)
        response = post_in_memory(
            client, "/portfolio/entries/new/training", BASE, filename="x.pdf", content=too_large
        )
        assert response.status_code == 413
        assert "a file may be at most 1 MB" in response.get_data(as_text=True)
        assert db.scalars(select(Entry)).all() == []
    finally:
        app.extensions["db_engine"].dispose()


def test_a_refused_file_saves_nothing_and_keeps_what_was_typed(client, db, worker):
    data = {
        **BASE,
        "provider": "Movisie in Utrecht",
        "certificate": (io.BytesIO(b"MZ\x90\x00"), "certificaat.pdf"),
    }
    response = post(
        client, "/portfolio/entries/new/training", data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="certificate-error"' in html and "is not a PDF, PNG, JPEG, DOCX or ODT" in html
    assert "Movisie in Utrecht" in html and BASE["title"] in html
    assert db.scalars(select(Entry)).all() == []
    # Choosing a good file and saving again makes one entry, not two.
    data["certificate"] = (io.BytesIO(PDF), "certificaat.pdf")
    response = post(
        client, "/portfolio/entries/new/training", data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert len(db.scalars(select(Entry)).all()) == 1
    assert db.scalars(select(EvidenceFile.filename)).all() == ["certificaat.pdf"]


@pytest.mark.parametrize(
    "change",
    [{"body": "Cliënt met BSN 111222333 belde."}, {"hours": "-2"}, {"title": ""}],
    ids=["privacy-warning", "service-error", "form-error"],
)
def test_a_form_shown_again_asks_for_the_chosen_file_again(client, db, worker, change):
    data = {**BASE, **change, "certificate": (io.BytesIO(PDF), "mijn certificaat.pdf")}
    response = post(
        client, "/portfolio/entries/new/training", data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="certificate-hint"' in html
    assert "You chose “mijn certificaat.pdf”" in html and "choose the file again" in html
    assert db.scalars(select(EvidenceFile)).all() == []


def test_a_form_without_a_chosen_file_asks_for_nothing(client, db, worker):
    response = post(
        client,
        "/portfolio/entries/new/training",
        {**BASE, "hours": "-2"},
        content_type="multipart/form-data",
    )
    assert "choose the file again" not in response.get_data(as_text=True)


# --- submitted entries are frozen; every save raises the version ------------------------------


def test_a_submitted_entry_cannot_be_changed_or_deleted(client, db, worker):
    entry = _entry(db, worker, status="submitted")
    response = client.get(f"/portfolio/entries/{entry.id}/edit", follow_redirects=True)
    assert (
        "error",
        "This entry is waiting for sign-off and cannot be changed now. If something "
        "must change, ask your supervisor to return it.",
    ) in flashes(response)
    post(client, f"/portfolio/entries/{entry.id}/edit", {**BASE, "form": "intervisie"})
    response = post(client, f"/portfolio/entries/{entry.id}/delete", {}, follow_redirects=True)
    assert ("error", "This entry is waiting for sign-off and cannot be deleted now.") in flashes(
        response
    )
    db.expire_all()
    kept = db.get(Entry, entry.id)
    assert (kept.title, kept.version, kept.status) == ("Intervisie", 1, "submitted")
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert f"/portfolio/entries/{entry.id}/edit" not in page
    assert "Waiting for sign-off: this entry cannot be changed" in page


def test_the_service_refuses_to_change_a_submitted_or_signed_entry(app, db, worker):
    data = entry_input.EntryInput(
        kind="peer_review",
        title="Anders",
        occurred_on=date(2026, 10, 1),
        hours=Decimal(1),
        fields={"form": "intervisie"},
    )
    for status in ("submitted", "signed"):
        entry = _entry(db, worker, status=status)
        with pytest.raises(entries.EntryLocked):
            entries.save(db, owner=worker, data=data, now=datetime.now(UTC), entry=entry)
        with pytest.raises(entries.EntryLocked):
            entries.delete_entry(db, entry=entry)


def test_a_save_racing_a_submit_loses_and_changes_nothing(app, db, worker):
    """The edit read the entry as a draft; a submit committed before the edit saved."""
    entry = _entry(db, worker, title="Intervisie")
    db.expunge(entry)  # what the edit request read, now stale
    db.commit()
    with Session(db.get_bind()) as other_request:
        entries.submit(
            other_request,
            entry=other_request.get(Entry, entry.id),
            now=datetime.now(UTC),
            base_url="http://localhost",
        )
        other_request.commit()
    stale = db.merge(entry, load=False)
    assert stale.status == "draft"
    data = entry_input.EntryInput(
        kind="peer_review",
        title="Anders",
        occurred_on=date(2026, 10, 1),
        hours=Decimal(1),
        fields={"form": "intervisie"},
    )
    with pytest.raises(entries.EntryLocked) as refused:
        entries.save(db, owner=worker, data=data, now=datetime.now(UTC), entry=stale)
    assert refused.value.status == "submitted"
    db.expire_all()
    kept = db.get(Entry, entry.id)
    assert (kept.title, kept.status, kept.version) == ("Intervisie", "submitted", 2)


def test_every_save_raises_the_version_so_an_open_decision_form_goes_stale(app, client, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    team = db.get(Team, worker.team_id)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=team)
    other_lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=team)
    entry = _entry(db, worker)
    lead_client = app.test_client()
    login(lead_client, lead.email, PASSWORD)
    post(client, f"/portfolio/entries/{entry.id}/submit", {})
    review = f"/team/sign-off/{entry.id}"
    page = lead_client.get(review).get_data(as_text=True)
    seen = int(re.search(r'name="version"[^>]*value="(\d+)"', page).group(1))
    # Meanwhile another supervisor returns it, and the worker changes it twice.
    _decide(
        app,
        db,
        other_lead,
        entry.id,
        approve=False,
        comment="Aanvullen.",
        now=datetime(2026, 10, 2, tzinfo=UTC),
    )
    before = db.get(Entry, entry.id).version
    edited = {**BASE, "title": "Intervisie, aangevuld", "form": "intervisie"}
    for saves in (1, 2):
        assert post(client, f"/portfolio/entries/{entry.id}/edit", edited).status_code == 302
        db.expire_all()
        assert db.get(Entry, entry.id).version == before + saves
    post(client, f"/portfolio/entries/{entry.id}/submit", {})
    # The first supervisor's form, opened before all this, signs nothing.
    post_form(lead_client, review, {"version": seen, "decision": "sign"}, token_from="/team/")
    db.expire_all()
    assert (db.get(Entry, entry.id).status, db.get(Entry, entry.id).signed_by_id) == (
        "submitted",
        None,
    )


# --- the list: search and paging ----------------------------------------------------------------


def _listed(client, query: str) -> list[str]:
    html = client.get(f"/portfolio/entries?{query}").get_data(as_text=True)
    return re.findall(r'href="/portfolio/entries/\d+">([^<]+)</a>', html)


def test_paging_links_keep_every_filter(app, client, db, worker):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        data = {**BASE, "title": f"Scholing {n}", "occurred_on": f"2026-10-0{n + 1}"}
        assert post(client, "/portfolio/entries/new/training", data).status_code == 302
    query = "q=Scholing&kind=training&competency=WMO1&article=3&from=2026-10-01&to=2026-10-31"
    html = client.get(f"/portfolio/entries?{query}").get_data(as_text=True)
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert dict(parse_qsl(urlsplit(next_link).query)) == {
        "page": "2",
        "q": "Scholing",
        "kind": "training",
        "competency": "WMO1",
        "article": "3",
        "from": "2026-10-01",
        "to": "2026-10-31",
    }
    assert _listed(client, next_link.split("?", 1)[1]) == ["Scholing 2", "Scholing 1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Oktober ander", "Oktober scholing", "September scholing"]),
        ("kind=training", ["Oktober scholing", "September scholing"]),
        ("competency=WMO3", ["Oktober scholing"]),
        ("article=7", ["Oktober ander"]),
        ("from=2026-10-01", ["Oktober ander", "Oktober scholing"]),
        ("to=2026-09-30", ["September scholing"]),
        ("q=ander", ["Oktober ander"]),
        ("kind=training&competency=WMO3&from=2026-10-01", ["Oktober scholing"]),
        ("kind=other&competency=WMO3", []),
    ],
)
def test_each_filter_leaves_out_what_does_not_match(client, db, worker, query, expected):
    rows = [
        ("training", "September scholing", "2026-09-10", ["WMO1"], ["3"]),
        ("training", "Oktober scholing", "2026-10-10", ["WMO1", "WMO3"], ["3"]),
        ("other", "Oktober ander", "2026-10-12", ["WMO2"], ["7"]),
    ]
    for kind, title, day, codes, articles in rows:
        data = {
            **BASE,
            "title": title,
            "occurred_on": day,
            "competency_codes": codes,
            "article_numbers": articles,
            "activity_type": "vakliteratuur",
        }
        assert post(client, f"/portfolio/entries/new/{kind}", data).status_code == 302
    assert _listed(client, query) == expected


def test_search_finds_reflection_phases_and_case_text_and_takes_wildcards_literally(
    client, db, worker
):
    reflection = {
        **BASE,
        "title": "Huisbezoek",
        "structure": "korthagen",
        "korthagen_awareness": "De cliënt zei “genoeg” en ik schrok.",
    }
    assert post(client, "/portfolio/entries/new/reflection", reflection).status_code == 302
    session = {
        **BASE,
        "title": "Intervisie",
        "form": "intervisie",
        "case_description": "Een casus over schulden en schaamte.",
    }
    assert post(client, "/portfolio/entries/new/peer_review", session).status_code == 302
    for title in ("100% inzet", "1000 inzet", "stap_1", "stap 21"):
        assert (
            post(
                client,
                "/portfolio/entries/new/other",
                {**BASE, "title": title, "activity_type": "vakliteratuur"},
            ).status_code
            == 302
        )
    assert _listed(client, "q=cli%C3%ABnt") == ["Huisbezoek"]  # accented, stored as JSON
    assert _listed(client, "q=%E2%80%9Cgenoeg%E2%80%9D") == ["Huisbezoek"]
    assert _listed(client, "q=schaamte") == ["Intervisie"]
    assert _listed(client, "q=100%25") == ["100% inzet"]
    assert _listed(client, "q=stap_") == ["stap_1"]


def test_the_list_shows_the_status_as_a_label(client, db, worker):
    _entry(db, worker, status="submitted")
    html = without_labels(client.get("/portfolio/entries").get_data(as_text=True))
    assert "<td>submitted for sign-off</td>" in html and "<td>submitted</td>" not in html


# --- what the entry page shows ------------------------------------------------------------------


def test_an_unknown_knowledge_area_is_refused(client, db, worker):
    data = {**BASE, "structure": "free", "knowledge_areas": ["methodisch", "astrologie"]}
    html = post(client, "/portfolio/entries/new/reflection", data).get_data(as_text=True)
    assert 'id="knowledge_areas-error"' in html and "Choose knowledge areas from the list." in html
    assert db.scalars(select(Entry)).all() == []


def test_the_entry_page_shows_every_field_by_its_label(client, db, worker):
    session = {
        **BASE,
        "form": "supervisie",
        "facilitator": "J. Visser",
        "facilitator_registration": "LVSC 12345",
        "level": "meso",
        "knowledge_areas": ["methodisch", "beroepsethisch"],
    }
    assert post(client, "/portfolio/entries/new/peer_review", session).status_code == 302
    reflection = {
        **BASE,
        "structure": "free",
        "body": "Tekst.",
        "dilemma_category": "rechten-vs-welzijn",
    }
    assert post(client, "/portfolio/entries/new/reflection", reflection).status_code == 302
    other = {**BASE, "activity_type": "vakliteratuur"}
    assert post(client, "/portfolio/entries/new/other", other).status_code == 302
    pages = {
        entry.kind: client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
        for entry in db.scalars(select(Entry))
    }
    for shown in (
        '<dd lang="nl">Supervisie</dd>',
        "J. Visser",
        "LVSC 12345",
        "Mesoniveau",
        "Methodische kennis",
        "Beroepsethische kennis",
        "3. Vakbekwaamheid",
    ):
        assert shown in pages["peer_review"], shown
    assert ">supervisie<" not in pages["peer_review"] and ">meso<" not in pages["peer_review"]
    assert "Individuele rechten burger versus welzijn van de burger" in pages["reflection"]
    assert '<dd lang="nl">Vakliteratuur</dd>' in pages["other"]


# --- supervisie needs a registered supervisor ---------------------------------------------------


@pytest.mark.parametrize(
    ("facilitator", "registration", "errors"),
    [
        ("", "", {"facilitator", "facilitator_registration"}),
        ("J. Visser", "12345", {"facilitator_registration"}),
        ("J. Visser", "LVSC", {"facilitator_registration"}),
        ("J. Visser", "LVSC 12345", set()),
    ],
)
def test_supervisie_needs_the_supervisors_name_and_registration(
    client, db, worker, facilitator, registration, errors
):
    data = {
        **BASE,
        "form": "supervisie",
        "facilitator": facilitator,
        "facilitator_registration": registration,
    }
    response = post(client, "/portfolio/entries/new/peer_review", data)
    html = response.get_data(as_text=True)
    shown = {
        name for name in ("facilitator", "facilitator_registration") if f'id="{name}-error"' in html
    }
    assert shown == errors
    assert (response.status_code == 302) == (not errors)
    if "facilitator_registration" in errors:
        assert "for example LVSC 12345" in html
    # Other forms of peer review need neither.
    if errors:
        intervisie = {**data, "form": "intervisie"}
        assert post(client, "/portfolio/entries/new/peer_review", intervisie).status_code == 302


# --- correction after sign-off (Beroepscode art. 24) --------------------------------------------


def _signed(db, owner, colleague) -> Entry:
    entry = _entry(
        db,
        owner,
        status="signed",
        signed_by_id=colleague.id,
        signed_at=datetime(2026, 10, 20, 12, tzinfo=UTC),
        signed_hash="ab" * 32,
        learning_points="Eerst vragen.",
        version=3,
    )
    db.add_all(
        [
            EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO2"),
            EntryParticipant(
                entry_id=entry.id,
                user_id=colleague.id,
                confirmed_at=datetime(2026, 10, 2, tzinfo=UTC),
            ),
            EvidenceFile(
                organisation_id=owner.organisation_id,
                owner_id=owner.id,
                entry_id=entry.id,
                filename="presentielijst.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256="x",
                data=PDF,
            ),
        ]
    )
    db.commit()
    return entry


def test_correcting_a_signed_entry_makes_a_new_version_and_keeps_the_signed_one(client, db, worker):
    colleague = make_user(db, db.get(Organisation, worker.organisation_id), name="Cas Collega")
    signed = _signed(db, worker, colleague)
    before = {
        c: getattr(signed, c)
        for c in ("status", "version", "signed_hash", "updated_at", "title", "learning_points")
    }
    response = post(client, f"/portfolio/entries/{signed.id}/correct", {})
    new = db.scalars(select(Entry).where(Entry.supersedes_id == signed.id)).one()
    assert response.headers["Location"] == f"/portfolio/entries/{new.id}/edit"
    assert (new.status, new.version, new.signed_hash, new.owner_id) == ("draft", 1, None, worker.id)
    assert (new.title, new.form, new.hours, new.case_description, new.learning_points) == (
        "Intervisie",
        "intervisie",
        Decimal(2),
        "Geheime casus",
        "Eerst vragen.",
    )
    assert db.scalars(select(EntryTag.code).where(EntryTag.entry_id == new.id)).all() == ["WMO2"]
    copied = db.scalars(select(EntryParticipant).where(EntryParticipant.entry_id == new.id)).one()
    assert copied.user_id == colleague.id and copied.confirmed_at is not None
    file = db.scalars(select(EvidenceFile).where(EvidenceFile.entry_id == new.id)).one()
    assert (file.filename, file.data) == ("presentielijst.pdf", PDF)
    db.expire_all()
    old = db.get(Entry, signed.id)
    assert {c: getattr(old, c) for c in before} == before
    event = db.scalars(select(EntryEvent).where(EntryEvent.entry_id == signed.id)).one()
    assert (event.action, event.actor_id, event.entry_version) == ("corrected", worker.id, 3)
    # Asking again opens the same correction: a signed entry never gets two.
    again = post(client, f"/portfolio/entries/{signed.id}/correct", {})
    assert again.headers["Location"] == f"/portfolio/entries/{new.id}/edit"
    assert db.scalars(select(Entry.id).where(Entry.supersedes_id == signed.id)).all() == [new.id]
    # Both versions are visible and point at each other; only the new one counts.
    old_page = client.get(f"/portfolio/entries/{signed.id}").get_data(as_text=True)
    assert "Replaced by a correction" in old_page
    assert f'href="/portfolio/entries/{new.id}"' in old_page
    assert "Corrected: a new version replaces this one" in old_page
    assert f"/portfolio/entries/{signed.id}/correct" not in old_page
    new_page = client.get(f"/portfolio/entries/{new.id}").get_data(as_text=True)
    assert f'href="/portfolio/entries/{signed.id}"' in new_page
    # A session counts once signed off (issue 14 point 6): the correction waits for its own.
    counted = norm_progress.activities_by_owner(
        db, owner_ids=[worker.id], since=date(2026, 1, 1), as_of=date(2026, 12, 31)
    )
    assert counted[worker.id] == []
    db.get(Entry, new.id).status = "signed"
    db.commit()
    counted = norm_progress.activities_by_owner(
        db, owner_ids=[worker.id], since=date(2026, 1, 1), as_of=date(2026, 12, 31)
    )
    assert [a.ref for a in counted[worker.id]] == [new.id]


def test_only_a_signed_entry_is_corrected(client, db, worker):
    draft = _entry(db, worker)
    response = post(client, f"/portfolio/entries/{draft.id}/correct", {}, follow_redirects=True)
    assert ("error", "Only a signed entry needs a correction: change this one directly.") in (
        flashes(response)
    )
    assert db.scalars(select(Entry.id)).all() == [draft.id]


def _decide(app, db, lead, entry_id: int, *, approve: bool, now, comment=None) -> None:
    """The supervisor's decision on the entry as it is now (the review page's own service)."""
    db.expire_all()
    with app.test_request_context():
        signoff.decide(
            db,
            supervisor=lead,
            entry_id=entry_id,
            approve=approve,
            comment=comment,
            version=db.get(Entry, entry_id).version,
            now=now,
            base_url="http://x",
        )


def test_the_entry_page_shows_the_signoff_history_and_the_signature(app, client, db, worker, clock):
    organisation = db.get(Organisation, worker.organisation_id)
    lead = make_user(
        db,
        organisation,
        role=Role.SUPERVISOR,
        name="Lea Leiding",
        leads=db.get(Team, worker.team_id),
    )
    entry = _entry(db, worker)
    post(client, f"/portfolio/entries/{entry.id}/submit", {})
    clock.advance(minutes=5)  # within the session
    _decide(app, db, lead, entry.id, approve=False, comment="Beschrijf de methode.", now=clock.now)
    clock.advance(minutes=5)  # within the session
    post(client, f"/portfolio/entries/{entry.id}/submit", {})
    clock.advance(minutes=5)  # within the session
    _decide(app, db, lead, entry.id, approve=True, now=clock.now)
    db.expire_all()
    signed = db.get(Entry, entry.id)
    html = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    history = html[html.index("Sign-off history") :]
    steps = re.findall(r"<li>[^<]*— ([^—<]+) — ([^<:]+)", history)
    assert [(s.strip(), n.strip()) for s, n in steps] == [
        ("Submitted for sign-off", worker.name),
        ("Returned", "Lea Leiding"),
        ("Submitted for sign-off", worker.name),
        ("Signed off", "Lea Leiding"),
    ]
    assert "“Beschrijf de methode.”" in history
    assert "Signed off by</dt><dd>Lea Leiding" in html
    assert f'title="{signed.signed_hash}">{signed.signed_hash[:12]}…' in html
    assert f'<span class="visually-hidden">{signed.signed_hash}</span>' in html


# --- which kinds need sign-off; nobody to sign ------------------------------------------------


def test_the_organisation_chooses_which_kinds_need_signoff(app, client, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    training = _entry(db, worker, kind="training", form=None, provider="Movisie")
    session = _entry(db, worker)
    # By default only peer review is signed off.
    assert "Submit for sign-off" in client.get(f"/portfolio/entries/{session.id}").get_data(
        as_text=True
    )
    assert "Submit for sign-off" not in client.get(f"/portfolio/entries/{training.id}").get_data(
        as_text=True
    )
    refused = post(client, f"/portfolio/entries/{training.id}/submit", {}, follow_redirects=True)
    assert ("error", "In your organisation, entries of this kind are not signed off.") in flashes(
        refused
    )
    admin_client = app.test_client()
    admin = make_user(db, organisation, role=Role.ADMIN, locale="en")
    login(admin_client, admin.email, PASSWORD)
    settings = admin_client.get("/admin/settings").get_data(as_text=True)
    # Peer review is ticked and cannot be unticked (Beroepscode art. 24).
    (peer_review,) = re.findall(r'<input[^>]*value="peer_review"[^>]*>', settings)
    assert "checked" in peer_review and "disabled" in peer_review
    (training_box,) = re.findall(r'<input[^>]*value="training"[^>]*>', settings)
    assert "checked" not in training_box and "disabled" not in training_box
    response = post_form(
        admin_client,
        "/admin/settings",
        {"reminder_offsets": "3m", "signoff_digest_days": "7", "signoff_kinds": ["training"]},
    )
    assert response.status_code == 302
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "settings_changed")).one()
    assert "signoff_kinds=peer_review,training" in event.detail
    assert "Submit for sign-off" in client.get(f"/portfolio/entries/{training.id}").get_data(
        as_text=True
    )
    post(client, f"/portfolio/entries/{training.id}/submit", {})
    post(client, f"/portfolio/entries/{session.id}/submit", {})
    db.expire_all()
    assert (db.get(Entry, training.id).status, db.get(Entry, session.id).status) == (
        "submitted",
        "submitted",
    )


def test_peer_review_needs_signoff_even_when_the_stored_settings_leave_it_out(
    app, client, db, worker
):
    organisation = db.get(Organisation, worker.organisation_id)
    make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    db.add(OrganisationSettings(organisation_id=organisation.id, signoff_kinds=["training"]))
    db.commit()
    session = _entry(db, worker)
    assert "Submit for sign-off" in client.get(f"/portfolio/entries/{session.id}").get_data(
        as_text=True
    )
    post(client, f"/portfolio/entries/{session.id}/submit", {})
    db.expire_all()
    assert db.get(Entry, session.id).status == "submitted"
    # Saving with nothing ticked keeps peer review.
    admin_client = app.test_client()
    admin = make_user(db, organisation, role=Role.ADMIN, locale="en")
    login(admin_client, admin.email, PASSWORD)
    post_form(
        admin_client, "/admin/settings", {"reminder_offsets": "3m", "signoff_digest_days": "7"}
    )
    db.expire_all()
    assert db.get(OrganisationSettings, organisation.id).signoff_kinds == ["peer_review"]


@pytest.mark.parametrize("lead", ["none", "inactive"])
def test_submitting_without_an_active_supervisor_warns_that_nobody_can_sign(
    client, db, worker, lead
):
    if lead == "inactive":
        make_user(
            db,
            db.get(Organisation, worker.organisation_id),
            role=Role.SUPERVISOR,
            leads=db.get(Team, worker.team_id),
            is_active=False,
        )
    entry = _entry(db, worker)
    response = post(client, f"/portfolio/entries/{entry.id}/submit", {}, follow_redirects=True)
    assert ("success", "Submitted for sign-off.") in flashes(response)
    assert (
        "warning",
        "Nobody can sign it yet: your team has no active supervisor. The entry "
        "waits until one is assigned; ask HR if this takes long.",
    ) in flashes(response)
    db.expire_all()
    assert db.get(Entry, entry.id).status == "submitted"


def test_with_an_active_supervisor_there_is_no_warning(client, db, worker):
    make_user(
        db,
        db.get(Organisation, worker.organisation_id),
        role=Role.SUPERVISOR,
        leads=db.get(Team, worker.team_id),
    )
    entry = _entry(db, worker)
    response = post(client, f"/portfolio/entries/{entry.id}/submit", {}, follow_redirects=True)
    assert [category for category, _text in flashes(response)] == ["success"]
