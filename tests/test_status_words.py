"""Issue 14 point 6: a saved entry that needs no sign-off is "recorded" ("vastgelegd"), not
a draft ("concept"); a peer review session (always signed off, art. 24) is a draft until it is
submitted. On the entry list, the entry page, the supervisor's view and the my-data archive."""

from __future__ import annotations

import json
import re

from portfolio.models import OrganisationSettings, Role
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_dashboard import text_of
from tests.test_my_data import _download, _entry


def _people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, locale="nl")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    reflection = _entry(db, worker, "Mijn reflectie", body="tekst", is_shared=True)
    session = _entry(db, worker, "Intervisie maart", kind="peer_review", form="intervisie")
    return org, worker, lead, reflection, session


def _status_cell(html: str, title: str) -> str:
    row = re.search(rf"{title}.*?</tr>", html, re.S).group(0)
    return text_of(row)


def test_an_entry_without_sign_off_is_recorded_and_a_session_a_draft(client, db):
    _org, worker, _lead, reflection, session = _people(db)
    login(client, worker.email, PASSWORD)

    listing = client.get("/portfolio/entries").get_data(as_text=True)
    assert "vastgelegd" in _status_cell(listing, "Mijn reflectie")
    assert "concept" not in _status_cell(listing, "Mijn reflectie")
    assert "concept" in _status_cell(listing, "Intervisie maart")
    detail = text_of(client.get(f"/portfolio/entries/{reflection.id}").get_data(as_text=True))
    assert "Status: vastgelegd" in detail
    detail = text_of(client.get(f"/portfolio/entries/{session.id}").get_data(as_text=True))
    assert "Status: concept" in detail


def test_in_english_the_word_is_recorded(client, db):
    _org, worker, _lead, reflection, _session = _people(db)
    worker.locale = "en"
    db.add(worker)
    db.commit()
    login(client, worker.email, PASSWORD)
    detail = text_of(client.get(f"/portfolio/entries/{reflection.id}").get_data(as_text=True))
    assert "Status: recorded" in detail


def test_a_kind_the_organisation_signs_off_stays_a_draft_until_submitted(client, db):
    org, worker, _lead, reflection, _session = _people(db)
    db.add(OrganisationSettings(organisation_id=org.id, signoff_kinds=["reflection"]))
    db.commit()
    login(client, worker.email, PASSWORD)
    detail = text_of(client.get(f"/portfolio/entries/{reflection.id}").get_data(as_text=True))
    assert "Status: concept" in detail


def test_the_supervisor_sees_the_same_words(client, db):
    _org, worker, lead, _reflection, _session = _people(db)
    login(client, lead.email, PASSWORD)
    response = client.get(f"/team/members/{worker.id}")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    assert "vastgelegd" in _status_cell(html, "Mijn reflectie")


def test_the_my_data_archive_says_recorded(client, db):
    _org, worker, _lead, reflection, session = _people(db)
    login(client, worker.email, PASSWORD)
    archive = _download(client)
    data = json.loads(archive.read("vakbekwaam.json"))
    shown = {e["id"]: (e["status"], e["status_shown"]) for e in data["entries"]}
    assert shown[reflection.id] == ("draft", "recorded")
    assert shown[session.id] == ("draft", "draft")
    index = text_of(archive.read("index.html").decode())
    assert "Reflectie · vastgelegd" in index or "vastgelegd" in index


def test_the_kinds_to_sign_off_come_with_the_user_not_in_a_statement_of_their_own(
    client, db, count_queries
):
    org, worker, _lead, _reflection, _session = _people(db)
    login(client, worker.email, PASSWORD)
    with count_queries() as counter:
        listing = client.get("/portfolio/entries").get_data(as_text=True)
    assert "vastgelegd" in _status_cell(listing, "Mijn reflectie")
    assert not [s for s in counter.statements if s.startswith("SELECT organisation_settings.")]
    # A change of the settings shows at the next request.
    db.add(OrganisationSettings(organisation_id=org.id, signoff_kinds=["reflection"]))
    db.commit()
    listing = client.get("/portfolio/entries").get_data(as_text=True)
    assert "concept" in _status_cell(listing, "Mijn reflectie")
