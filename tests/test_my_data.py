""" "Download my data" gives exactly the requesting worker's data, with the original files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from portfolio.models import (
    AuditEvent,
    Entry,
    EntryEvent,
    EntryTag,
    EvidenceFile,
    FeedbackRequest,
    Notification,
    Registration,
    Role,
    YearlyEvaluation,
)
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

PDF = b"%PDF-1.4\n% a tiny test certificate\n"


def _entry(db, owner, title: str, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind=fields.pop("kind", "reflection"),
        title=title,
        occurred_on=date(2026, 3, 1),
        hours=Decimal("1.5"),
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.commit()
    return entry


def _download(client) -> zipfile.ZipFile:
    with post_form(client, "/portfolio/my-data.zip", {}, token_from="/") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_archive_holds_exactly_my_data_and_my_files(app, client, db):
    org = make_organisation(db)
    team = make_team(db, org)
    me = make_user(db, org, team=team)
    other = make_user(db, org, team=team)
    mine = _entry(db, me, "Mijn reflectie", body="mijn eigen tekst")
    db.add(EntryTag(entry_id=mine.id, vocabulary="competency", code="WMO3"))
    _entry(db, other, "Andermans reflectie", body="geheime tekst van een ander")
    db.add(
        Registration(
            organisation_id=org.id,
            owner_id=me.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2024, 1, 1),
        )
    )
    db.add(
        EvidenceFile(
            organisation_id=org.id,
            owner_id=me.id,
            entry_id=mine.id,
            filename="../certificaat 1.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256="x",
            data=PDF,
        )
    )
    db.add(
        EvidenceFile(
            organisation_id=org.id,
            owner_id=other.id,
            filename="ander.pdf",
            content_type="application/pdf",
            size=3,
            sha256="y",
            data=b"%PD",
        )
    )
    db.commit()

    login(client, me.email, PASSWORD)
    archive = _download(client)
    data = json.loads(archive.read("vakbekwaam.json"))

    assert [e["title"] for e in data["entries"]] == ["Mijn reflectie"]
    assert data["entry_tags"] == [{"entry_id": mine.id, "vocabulary": "competency", "code": "WMO3"}]
    assert len(data["registrations"]) == 1
    assert data["profile"]["email"] == me.email
    assert "password_hash" not in data["profile"] and "session_token" not in data["profile"]
    raw = archive.read("vakbekwaam.json").decode()
    assert "geheime tekst" not in raw and "Andermans" not in raw
    (meta,) = data["evidence_files"]
    assert meta["archive_path"] == f"evidence/{meta['id']}-certificaat_1.pdf"
    assert archive.read(meta["archive_path"]) == PDF
    assert sorted(archive.namelist()) == sorted(
        ["index.html", "vakbekwaam.json", meta["archive_path"]]
    )
    # index.html: the same data readable in a browser, in my language, linking my file.
    index = archive.read("index.html").decode()
    assert index.startswith("<!doctype html>") or "<!doctype html>" in index[:200]
    assert 'lang="nl"' in index and "Mijn gegevens in Vakbekwaam" in index
    assert "Mijn reflectie" in index and "mijn eigen tekst" in index
    assert f'href="{meta["archive_path"]}"' in index
    assert "geheime tekst" not in index and "Andermans" not in index


def test_the_download_is_audited_without_content(app, client, db):
    org = make_organisation(db)
    me = make_user(db, org, role=Role.WORKER)
    _entry(db, me, "Titel", body="vertrouwelijke inhoud")
    login(client, me.email, PASSWORD)
    _download(client)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "export_my_data")).one()
    assert event.actor_id == me.id and event.subject_user_id == me.id
    assert "vertrouwelijke" not in (event.detail or "")


def test_the_download_needs_a_csrf_token(app, client, db):
    me = make_user(db, make_organisation(db))
    login(client, me.email, PASSWORD)
    assert client.post("/portfolio/my-data.zip").status_code == 400


def _history_of(db, entry, lead, comment: str) -> None:
    """Submitted by its owner, returned by `lead` with `comment`."""
    db.add(
        EntryEvent(entry_id=entry.id, actor_id=entry.owner_id, action="submitted", entry_version=1)
    )
    db.add(
        EntryEvent(
            entry_id=entry.id, actor_id=lead.id, action="returned", comment=comment, entry_version=2
        )
    )


def _asked(db, requester, respondent, answer: str) -> None:
    db.add(
        FeedbackRequest(
            organisation_id=requester.organisation_id,
            requester_id=requester.id,
            respondent_id=respondent.id,
            respondent_name=respondent.name,
            competency_codes=["WMO2"],
            answer=answer,
            answered_at=datetime(2026, 4, 1, tzinfo=UTC),
        )
    )


def _evaluation(db, worker, lead, version: int, agreements: str) -> None:
    db.add(
        YearlyEvaluation(
            organisation_id=worker.organisation_id,
            worker_id=worker.id,
            supervisor_id=lead.id,
            year=2025,
            version=version,
            is_current=version == 2,
            status="signed",
            agreements=agreements,
            supervisor_evaluation=f"Evaluatie: {agreements}",
        )
    )


def _notified(db, user, title: str) -> None:
    db.add(
        Notification(
            organisation_id=user.organisation_id,
            user_id=user.id,
            kind="returned",
            title=title,
            body="Tekst van de melding",
        )
    )


def test_the_archive_holds_my_signoff_history_feedback_evaluations_and_notifications(
    app, client, db
):
    org = make_organisation(db)
    team = make_team(db, org)
    me, other = make_user(db, org, team=team), make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Lea Leidinggevende")
    mine, theirs = _entry(db, me, "Mijn sessie"), _entry(db, other, "Hun sessie")
    _history_of(db, mine, lead, "Beschrijf de methode.")
    _history_of(db, theirs, lead, "Geheim commentaar voor een ander.")
    _asked(db, me, other, "Je vraagt goed door.")
    _asked(db, other, me, "Mijn antwoord aan een ander.")
    db.add(
        FeedbackRequest(
            organisation_id=org.id,
            requester_id=me.id,
            respondent_name="Piet",
            respondent_email="piet@partner.example",
            token_hash="a" * 64,
            competency_codes=["WMO5"],
        )
    )
    for version, text in ((1, "Eerste afspraak"), (2, "Gecorrigeerde afspraak")):
        _evaluation(db, me, lead, version, text)
    _evaluation(db, other, lead, 1, "Afspraak van een ander")
    _notified(db, me, "Teruggestuurd: Mijn sessie")
    _notified(db, other, "Melding voor een ander")
    db.commit()

    login(client, me.email, PASSWORD)
    archive = _download(client)
    data = json.loads(archive.read("vakbekwaam.json"))
    raw = archive.read("vakbekwaam.json").decode()

    assert [(e["entry_id"], e["action"], e["comment"], e["by"]) for e in data["entry_events"]] == [
        (mine.id, "submitted", None, me.name),
        (mine.id, "returned", "Beschrijf de methode.", "Lea Leidinggevende"),
    ]
    answers = [(f["respondent_name"], f["answer"]) for f in data["feedback_requests"]]
    assert answers == [(other.name, "Je vraagt goed door."), ("Piet", None)]
    assert all(
        "token_hash" not in f and "respondent_email" not in f for f in data["feedback_requests"]
    )
    assert [(e["version"], e["agreements"]) for e in data["yearly_evaluations"]] == [
        (1, "Eerste afspraak"),
        (2, "Gecorrigeerde afspraak"),
    ]
    assert [n["title"] for n in data["notifications"]] == ["Teruggestuurd: Mijn sessie"]
    for foreign in (
        "Geheim commentaar",
        "Mijn antwoord aan een ander",
        "Afspraak van een ander",
        "Melding voor een ander",
        "Hun sessie",
        "piet@partner.example",
    ):
        assert foreign not in raw, foreign


def test_the_supervisors_draft_evaluation_stays_out_of_my_archive_until_completed(app, client, db):
    org = make_organisation(db)
    team = make_team(db, org)
    me = make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    db.add(
        YearlyEvaluation(
            organisation_id=org.id,
            worker_id=me.id,
            supervisor_id=lead.id,
            year=2025,
            status="prepared",
            agreements="WMO2: Nog niet besproken",
            supervisor_evaluation="Concept van de leidinggevende",
        )
    )
    db.commit()
    login(client, me.email, PASSWORD)

    data = json.loads(_download(client).read("vakbekwaam.json"))

    [evaluation] = data["yearly_evaluations"]
    assert evaluation["status"] == "prepared"
    assert "supervisor_evaluation" not in evaluation and "agreements" not in evaluation
    assert "Concept van de leidinggevende" not in json.dumps(data)
