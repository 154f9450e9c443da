"""Evidence files on the kinds that take them: uploaded, limited in the browser, removed."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portfolio.models import Entry, EvidenceFile
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BASE = {
    "title": "Intervisie november",
    "occurred_on": "2026-11-02",
    "hours": "2",
    "competency_codes": ["WMO1"],
    "form": "intervisie",
    "activity_type": "vakliteratuur",
}


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, user.email, PASSWORD)
    return user


def _new_with_file(client, kind: str) -> Entry:
    data = {**BASE, "certificate": (io.BytesIO(PDF), "presentielijst.pdf")}
    response = post_form(
        client, f"/portfolio/entries/new/{kind}", data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return int(re.search(r"/entries/(\d+)", response.headers["Location"]).group(1))


@pytest.mark.parametrize("kind", ["training", "peer_review", "other"])
def test_the_kinds_with_evidence_store_the_file(client, db, worker, kind):
    entry_id = _new_with_file(client, kind)
    stored = db.scalars(select(EvidenceFile)).one()
    assert (stored.entry_id, stored.filename) == (entry_id, "presentielijst.pdf")


def test_the_form_tells_the_browser_the_limit_and_the_message(app, client, db, worker):
    app.config["EVIDENCE_MAX_BYTES"] = 2 * 1024 * 1024
    html = client.get("/portfolio/entries/new/peer_review").get_data(as_text=True)
    field = re.search(r'<input[^>]*type="file"[^>]*>', html).group(0)
    assert f'data-max-bytes="{2 * 1024 * 1024}"' in field
    assert "Choose a file of at most 2 MB" in field
    assert "Signed attendance list" in html
    assert 'type="file"' not in client.get("/portfolio/entries/new/reflection").get_data(
        as_text=True
    )


def test_work_experience_ignores_a_posted_file(client, db, worker):
    data = {
        **BASE,
        "employer": "Stichting Welzijn",
        "role_title": "Sociaal werker",
        "hours_per_week": "32",
        "certificate": (io.BytesIO(PDF), "x.pdf"),
    }
    response = post_form(
        client, "/portfolio/entries/new/work", data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert db.scalars(select(EvidenceFile)).all() == []


def test_a_file_is_removed_after_asking(client, db, worker):
    entry_id = _new_with_file(client, "peer_review")
    file_id = db.scalars(select(EvidenceFile.id)).one()
    detail = client.get(f"/portfolio/entries/{entry_id}").get_data(as_text=True)
    remove = f"/portfolio/entries/{entry_id}/files/{file_id}/remove"
    assert f'href="{remove}"' in detail
    question = client.get(remove)
    assert question.status_code == 200 and "presentielijst.pdf" in question.get_data(as_text=True)
    assert db.scalars(select(EvidenceFile)).all() != []  # asking removes nothing
    assert post_form(client, remove, {}).status_code == 302
    assert db.scalars(select(EvidenceFile)).all() == []
    assert client.get(remove).status_code == 404


def test_the_file_of_a_submitted_session_stays(client, db, worker):
    entry_id = _new_with_file(client, "peer_review")
    file_id = db.scalars(select(EvidenceFile.id)).one()
    entry = db.get(Entry, entry_id)
    entry.status = "submitted"
    db.commit()
    detail = client.get(f"/portfolio/entries/{entry_id}").get_data(as_text=True)
    remove = f"/portfolio/entries/{entry_id}/files/{file_id}/remove"
    assert remove not in detail
    assert post_form(client, remove, {}, follow_redirects=True).status_code == 200
    assert db.scalars(select(EvidenceFile.id)).all() == [file_id]


def test_a_file_of_another_entry_cannot_be_removed_through_this_one(client, db, worker):
    first = _new_with_file(client, "training")
    second = _new_with_file(client, "other")
    first_file = db.scalars(select(EvidenceFile.id).where(EvidenceFile.entry_id == first)).one()
    assert client.get(f"/portfolio/entries/{second}/files/{first_file}/remove").status_code == 404
    assert (
        post_form(client, f"/portfolio/entries/{second}/files/{first_file}/remove", {}).status_code
        == 404
    )
    assert len(db.scalars(select(EvidenceFile)).all()) == 2
