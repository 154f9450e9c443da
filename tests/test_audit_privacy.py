"""The audit viewer shows who did what with a reflection, never what the reflection says."""

from __future__ import annotations

from sqlalchemy import select

from portfolio.models import AuditEvent, Entry, Role
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

MARKER = "ZILVERVOS-REFLECTIE-8K2Q"  # in the reflection's title and body only


def _client(app, user):
    client = app.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def test_the_audit_viewer_never_shows_the_content_of_a_reflection(app, db, clock):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wanda Werker", locale="en")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Lars Lead", locale="en")
    admin = make_user(db, org, role=Role.ADMIN, locale="en")
    worker_client = _client(app, worker)
    new = "/portfolio/entries/new/reflection"
    reflection = {
        "title": f"Huisbezoek {MARKER}",
        "occurred_on": "2025-03-01",
        "hours": "1",
        "structure": "free",
        "privacy_confirmed": "y",
        "body": f"Cliënt met BSN 111222333 vertelde {MARKER}.",
    }
    assert post_form(worker_client, new, reflection).status_code == 302  # a privacy override
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    detail = f"/portfolio/entries/{entry.id}"
    response = post_form(worker_client, f"{detail}/share", {"shared": "1"}, token_from=detail)
    assert response.status_code == 302
    with post_form(worker_client, "/portfolio/my-data.zip", {}, token_from="/") as response:
        assert response.status_code == 200 and response.data  # the archive holds the text
    lead_client = _client(app, lead)
    assert MARKER in lead_client.get(f"/team/members/{worker.id}").get_data(as_text=True)
    page = lead_client.get(f"/team/members/{worker.id}/entries/{entry.id}")
    assert MARKER in page.get_data(as_text=True)  # the supervisor reads it: that is audited

    db.rollback()
    actions = set(
        db.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == worker.id))
    )
    assert {"privacy_override", "export_my_data", "view_member_portfolio", "view_entry"} <= actions
    html = _client(app, admin).get("/admin/audit").get_data(as_text=True)
    assert "Wanda Werker" in html and "Lars Lead" in html
    assert MARKER not in html and "Huisbezoek" not in html and "111222333" not in html
