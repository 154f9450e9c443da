"""Admins set the reminder schedule and see the outbox."""

from __future__ import annotations

from sqlalchemy import select

from portfolio.models import AuditEvent, OrganisationSettings, OutboxMessage, Role
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_user


def _admin_client(client, db):
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    login(client, admin.email, PASSWORD)
    return org, admin


def test_bad_offsets_are_refused_and_the_input_is_kept(client, db):
    org, _admin = _admin_client(client, db)
    response = post_form(
        client, "/admin/settings", {"reminder_offsets": "12m, 3y", "signoff_digest_days": "7"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3y" in html and 'value="12m, 3y"' in html
    assert db.get(OrganisationSettings, org.id) is None


def test_saved_offsets_are_used_and_audited(client, db):
    org, admin = _admin_client(client, db)
    response = post_form(
        client, "/admin/settings", {"reminder_offsets": "2M; 2w, 2w", "signoff_digest_days": "5"}
    )
    assert response.status_code == 302
    db.expire_all()
    settings = db.get(OrganisationSettings, org.id)
    assert settings.reminder_offsets == ["2m", "2w"]
    assert settings.signoff_digest_days == 5 and settings.updated_by_id == admin.id
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "settings_changed")).one()
    assert "2m,2w" in event.detail
    assert 'value="2m, 2w"' in client.get("/admin/settings").get_data(as_text=True)


def test_the_outbox_shows_status_and_reason_of_this_organisation_only(client, db):
    org, _admin = _admin_client(client, db)
    other = make_organisation(db)
    db.add(
        OutboxMessage(
            organisation_id=org.id,
            to_address="a@example.org",
            subject="Ours",
            body_text="x",
            status="failed",
            attempts=8,
            last_error="ConnectionRefusedError: nobody home",
        )
    )
    db.add(
        OutboxMessage(
            organisation_id=other.id, to_address="b@example.org", subject="Theirs", body_text="y"
        )
    )
    db.commit()
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "Ours" in html and "nobody home" in html
    assert "Theirs" not in html
    assert "Ours" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)
