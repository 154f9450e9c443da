"""The second factor for password log-ins: TOTP with enrolment, recovery codes, throttling,
the organisation's policy and the admin's reset."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from portfolio.models import AuditEvent, OrganisationSettings, OutboxMessage, RecoveryCode, Role
from portfolio.models import User as UserRow
from tests.conftest import flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
CODES_RE = re.compile(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>")


@pytest.fixture
def org(db):
    organisation = make_organisation(db)
    db.add(OrganisationSettings(organisation_id=organisation.id, second_factor="hr_admin"))
    db.commit()
    return organisation


def code_at(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now)


def enrol(client, email: str, clock) -> tuple[str, list[str]]:
    """Log in with the password, set up the authenticator; (secret, recovery codes)."""
    response = login(client, email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login/code/setup")
    page = client.get("/login/code/setup").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    done = post_form(client, "/login/code/setup", {"code": code_at(secret, clock)})
    assert done.status_code == 200
    codes = CODES_RE.findall(done.get_data(as_text=True))
    return secret, codes


def test_hr_sets_up_the_authenticator_at_the_first_log_in(client, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    secret, codes = enrol(client, hr.email, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/account").status_code == 200  # logged in
    db.expire_all()
    row = db.get(UserRow, hr.id)
    assert row.totp_enabled_at is not None
    assert secret not in row.totp_secret_encrypted  # stored encrypted
    hashes = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == hr.id)).all()
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & set(hashes)


def test_the_code_is_asked_after_the_password_and_each_code_works_once(client, app, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    secret, _codes = enrol(client, hr.email, clock)
    used = code_at(secret, clock)
    second = app.test_client()
    response = login(second, hr.email, PASSWORD)
    assert response.headers["Location"].endswith("/login/code")
    assert second.get("/account").status_code == 302  # not logged in before the code
    again = post_form(second, "/login/code", {"code": used})  # the enrolment's code
    assert "al eerder gebruikt" in again.get_data(as_text=True)
    clock.advance(seconds=30)
    ok = post_form(second, "/login/code", {"code": code_at(secret, clock)})
    assert ok.status_code == 302
    assert second.get("/account").status_code == 200
    assert second.get("/hr/people").status_code == 200  # not asked again in this session


def test_a_worker_is_asked_only_when_the_organisation_asks_everyone(client, app, db, clock, org):
    worker = make_user(db, org)
    assert login(client, worker.email, PASSWORD).headers["Location"] == "/"
    settings = db.get(OrganisationSettings, org.id)
    settings.second_factor = "all"
    db.add(settings)
    db.commit()
    response = login(app.test_client(), worker.email, PASSWORD)
    assert response.headers["Location"].endswith("/login/code/setup")


def test_the_instance_default_applies_when_the_organisation_chose_nothing(app, db, clock):
    organisation = make_organisation(db)  # no settings row
    admin = make_user(db, organisation, role=Role.ADMIN)
    assert login(app.test_client(), admin.email, PASSWORD).headers["Location"] == "/"
    app.config["SECOND_FACTOR_DEFAULT"] = "hr_admin"  # the instance's default outside tests
    response = login(app.test_client(), admin.email, PASSWORD)
    assert response.headers["Location"].endswith("/login/code/setup")


def test_a_recovery_code_works_once(client, app, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    _secret, codes = enrol(client, hr.email, clock)
    first = app.test_client()
    login(first, hr.email, PASSWORD)
    ok = post_form(first, "/login/code", {"code": codes[3].lower()})
    assert ok.status_code == 302
    assert any("herstelcode" in text for _, text in flashes(first.get("/account")))
    second = app.test_client()
    login(second, hr.email, PASSWORD)
    refused = post_form(second, "/login/code", {"code": codes[3]})
    assert refused.status_code == 200
    assert second.get("/account").status_code == 302
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "recovery_code_used")).all()


def test_wrong_codes_are_throttled_like_the_password(client, db, clock, org, app):
    hr = make_user(db, org, role=Role.HR)
    secret, _codes = enrol(client, hr.email, clock)
    other = app.test_client()
    login(other, hr.email, PASSWORD)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert post_form(other, "/login/code", {"code": "000000"}).status_code == 200
    clock.advance(seconds=30)
    throttled = post_form(other, "/login/code", {"code": code_at(secret, clock)})
    assert throttled.status_code == 429
    clock.advance(minutes=16)  # the window has passed; the pending log-in has too
    login(other, hr.email, PASSWORD)
    ok = post_form(other, "/login/code", {"code": code_at(secret, clock)})
    assert ok.status_code == 302


def test_a_waiting_log_in_runs_out(client, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    secret, _codes = enrol(client, hr.email, clock)
    other = client.application.test_client()
    login(other, hr.email, PASSWORD)
    clock.advance(minutes=6)
    response = post_form(
        other, "/login/code", {"code": code_at(secret, clock)}, token_from="/login"
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert other.get("/account").status_code == 302


def test_the_admin_resets_someones_authenticator_with_a_notice_by_mail(client, app, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    enrol(client, hr.email, clock)
    admin = make_user(db, org, role=Role.ADMIN)
    admin_client = app.test_client()
    _secret, _codes = enrol(admin_client, admin.email, clock)
    page = admin_client.get(f"/hr/people/{hr.id}").get_data(as_text=True)
    assert f"/admin/people/{hr.id}/second-factor/reset" in page
    reset = post_form(
        admin_client, f"/admin/people/{hr.id}/second-factor/reset", {}, token_from="/account"
    )
    assert reset.status_code == 302
    db.expire_all()
    row = db.get(UserRow, hr.id)
    assert row.totp_enabled_at is None and row.totp_secret_encrypted is None
    assert not db.scalars(select(RecoveryCode).where(RecoveryCode.user_id == hr.id)).all()
    [mail] = db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == hr.email)).all()
    assert "opnieuw ingesteld" in mail.subject
    [event] = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "second_factor_reset_by_admin")
    ).all()
    assert (event.actor_id, event.subject_user_id) == (admin.id, hr.id)
    again = login(app.test_client(), hr.email, PASSWORD)
    assert again.headers["Location"].endswith("/login/code/setup")


def test_an_admin_of_another_organisation_cannot_reset(app, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    elsewhere = make_organisation(db)
    stranger = make_user(db, elsewhere, role=Role.ADMIN)
    other = app.test_client()
    login(other, stranger.email, PASSWORD)
    response = post_form(
        other, f"/admin/people/{hr.id}/second-factor/reset", {}, token_from="/account"
    )
    assert response.status_code == 404


def test_set_up_again_with_a_code_from_the_account_page(client, db, clock, org):
    hr = make_user(db, org, role=Role.HR)
    _secret, codes = enrol(client, hr.email, clock)
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "Ongebruikte herstelcodes: 10" in page
    done = post_form(client, "/account/second-factor", {"code": codes[0]})
    assert done.status_code == 302
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "<svg" in page  # the new set-up
    db.expire_all()
    assert db.get(UserRow, hr.id).totp_enabled_at is None


def test_the_admin_chooses_who_needs_a_second_factor(client, db, clock, org):
    admin = make_user(db, org, role=Role.ADMIN)
    enrol(client, admin.email, clock)
    response = post_form(
        client,
        "/admin/sign-in/second-factor",
        {"second_factor": "all"},
        token_from="/admin/sign-in",
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(OrganisationSettings, org.id).second_factor == "all"
    assert db.scalars(
        select(AuditEvent).where(AuditEvent.action == "second_factor_policy_changed")
    ).all()
