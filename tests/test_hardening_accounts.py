"""An account's e-mail address cannot be used to take it over; a refusal reveals no account.

Findings 2 (HR can take over a worker's account) and 11 (HR learns whether an address exists in
another organisation) of the issue "Hardening".
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portfolio.models import AuditEvent, OutboxMessage, PasswordResetToken, Role, User
from portfolio.scheduler import run_outbox_delivery
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

LINK_RE = re.compile(r"http://[^\s]+/account/email/confirm/[A-Za-z0-9_.\-]+")


@pytest.fixture
def org(db):
    return make_organisation(db)


@pytest.fixture
def hr_client(app, db, org):
    hr = make_user(db, org, role=Role.HR, locale="en")
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    return client


def _edit(client, person: User, **changes):
    data = {
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "team_id": str(person.team_id or 0),
        **changes,
    }
    return post_form(client, f"/hr/people/{person.id}/edit", data)


def test_hr_cannot_change_the_address_of_a_used_account(app, db, org, hr_client):
    worker = make_user(db, org, team=make_team(db, org))
    worker_browser = app.test_client()
    assert login(worker_browser, worker.email, PASSWORD).status_code == 302  # the account is used

    response = _edit(hr_client, worker, email="hr-controlled@example.org")

    assert response.status_code == 200
    assert "only its owner can change the e-mail address" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, worker.id).email == worker.email
    # The takeover path stays shut: a reset for HR's address finds no account.
    assert (
        post_form(
            app.test_client(), "/password/forgotten", {"email": "hr-controlled@example.org"}
        ).status_code
        == 302
    )
    assert db.scalars(select(PasswordResetToken)).all() == []
    assert worker_browser.get("/portfolio/entries").status_code == 200


def test_hr_corrects_the_address_of_an_account_never_used(app, db, org, hr_client):
    newcomer = make_user(db, org, email="typo@exampel.org")
    old_invitation = PasswordResetToken(user_id=newcomer.id, token_hash="x" * 64, expires_at=_far())
    db.add(old_invitation)
    db.commit()

    response = _edit(hr_client, newcomer, email="right@example.org")

    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, newcomer.id).email == "right@example.org"
    assert db.get(PasswordResetToken, old_invitation.id).used_at is not None  # voided
    (invitation,) = db.scalars(select(OutboxMessage)).all()
    assert invitation.to_address == "right@example.org"
    (event,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "person_updated")).all()
    assert "never used" in event.detail and "right@example.org" not in event.detail


def _far():
    from datetime import UTC, datetime

    return datetime(2099, 1, 1, tzinfo=UTC)


def test_the_owner_changes_the_address_confirmed_from_the_new_one(app, db, org, smtp_server):
    app.config.update(smtp_server.settings())
    worker = make_user(db, org, email="sanne@example.org", locale="en")
    browser, elsewhere = app.test_client(), app.test_client()
    login(browser, worker.email, PASSWORD)
    login(elsewhere, worker.email, PASSWORD)
    open_reset = PasswordResetToken(user_id=worker.id, token_hash="y" * 64, expires_at=_far())
    db.add(open_reset)
    db.commit()

    wrong = post_form(
        browser, "/account/email", {"email": "sanne@new.example.org", "current": "fout"}
    )
    assert wrong.status_code == 200 and db.scalars(select(OutboxMessage)).all() == []
    asked = post_form(
        browser, "/account/email", {"email": "sanne@new.example.org", "current": PASSWORD}
    )
    assert asked.status_code == 302
    db.expire_all()
    assert db.get(User, worker.id).email == "sanne@example.org"  # not before confirmation
    run_outbox_delivery(app)
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"sanne@new.example.org", "sanne@example.org"}  # old one told
    link = LINK_RE.search(by_address["sanne@new.example.org"].get_content()).group(0)
    path = link.split("127.0.0.1:5000", 1)[-1]

    visitor = app.test_client()
    assert visitor.get(path).status_code == 200  # a GET changes nothing
    db.expire_all()
    assert db.get(User, worker.id).email == "sanne@example.org"
    assert post_form(visitor, path, {}).status_code == 302

    db.expire_all()
    assert db.get(User, worker.id).email == "sanne@new.example.org"
    assert db.get(PasswordResetToken, open_reset.id).used_at is not None
    assert elsewhere.get("/portfolio/entries").status_code == 302  # every session ended
    assert browser.get("/portfolio/entries").status_code == 302
    assert post_form(app.test_client(), path, {}, token_from="/login").status_code == 302
    run_outbox_delivery(app)
    changed = [m for m in smtp_server.messages if "has been changed" in m["Subject"]]
    assert [m["To"] for m in changed] == ["sanne@example.org"]
    actions = set(
        db.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == worker.id))
    )
    assert {"email_change_requested", "email_changed"} <= actions
    assert login(app.test_client(), "sanne@new.example.org", PASSWORD).status_code == 302


def test_a_refusal_does_not_reveal_an_address_of_another_organisation(db, org, hr_client):
    make_user(db, make_organisation(db), email="elders@example.org")
    mine = make_user(db, org, email="hier@example.org")

    elsewhere = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Bram", "email": "elders@example.org", "role": "worker", "team_id": "0"},
    ).get_data(as_text=True)
    here = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Bram", "email": mine.email, "role": "worker", "team_id": "0"},
    ).get_data(as_text=True)

    def message(page: str) -> str:
        return re.search(r'id="email-error">(.*?)<', page, re.S).group(1).strip()

    assert "another account" not in elsewhere and "in use" not in elsewhere
    assert message(elsewhere) == message(here)
