"""Sharing through the worker's own buttons, and what the supervisor may then download."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.models import AuditEvent, Entry, EvidenceFile, Role
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    return worker, lead


def _entry_with_file(db, owner, **fields) -> tuple[Entry, EvidenceFile]:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title="Casus",
        occurred_on=date(2026, 9, 1),
        hours=Decimal(2),
        catalogue_version="t",
        **{"kind": "reflection", "body": "Mijn reflectie", **fields},
    )
    db.add(entry)
    db.commit()
    evidence = EvidenceFile(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        entry_id=entry.id,
        filename="certificaat.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="x",
        data=PDF,
    )
    db.add(evidence)
    db.commit()
    return entry, evidence


def _downloads_by(db, user) -> list[int]:
    return list(
        db.scalars(
            select(AuditEvent.subject_id).where(
                AuditEvent.action == "download_evidence", AuditEvent.actor_id == user.id
            )
        )
    )


def test_sharing_and_withdrawing_through_the_buttons(app, db, people):
    worker, lead = people
    entry, evidence = _entry_with_file(db, worker)
    worker_client, lead_client = app.test_client(), app.test_client()
    login(worker_client, worker.email, PASSWORD)
    login(lead_client, lead.email, PASSWORD)
    detail = f"/portfolio/entries/{entry.id}"
    member_entry = f"/team/members/{worker.id}/entries/{entry.id}"
    assert lead_client.get(member_entry).status_code == 404

    shared = post_form(worker_client, f"{detail}/share", {"shared": "1"}, token_from=detail)
    assert shared.status_code == 302
    db.expire_all()
    assert db.get(Entry, entry.id).is_shared
    assert lead_client.get(member_entry).status_code == 200
    download = lead_client.get(f"/portfolio/evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert _downloads_by(db, lead) == [evidence.id]

    withdrawn = post_form(worker_client, f"{detail}/share", {"shared": "0"}, token_from=detail)
    assert withdrawn.status_code == 302
    db.expire_all()
    assert not db.get(Entry, entry.id).is_shared
    assert lead_client.get(member_entry).status_code == 404
    assert lead_client.get(f"/portfolio/evidence/{evidence.id}").status_code == 404
    assert _downloads_by(db, lead) == [evidence.id]  # a refused download leaves no audit row


def test_the_supervisor_downloads_the_file_of_a_submitted_session(app, client, db, people):
    worker, lead = people
    _entry, evidence = _entry_with_file(
        db, worker, kind="peer_review", form="intervisie", status="submitted", body=None
    )
    login(client, lead.email, PASSWORD)
    download = client.get(f"/portfolio/evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    assert _downloads_by(db, lead) == [evidence.id]


def test_the_owner_downloading_their_own_file_is_not_audited(client, db, people):
    worker, _lead = people
    _entry, evidence = _entry_with_file(db, worker)
    login(client, worker.email, PASSWORD)
    assert client.get(f"/portfolio/evidence/{evidence.id}").status_code == 200
    assert (
        db.scalars(select(AuditEvent).where(AuditEvent.action == "download_evidence")).all() == []
    )
