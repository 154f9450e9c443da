"""Password reset by e-mail, end to end through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from portfolio.infra import mail
from portfolio.models import MailStatus, OutboxMessage, PasswordResetToken
from portfolio.scheduler import run_outbox_delivery
from portfolio.services.accounts import accounts
from portfolio.services.accounts.passwords import verify_password
from tests.conftest import CLOCK_START as T0
from tests.conftest import csrf_token, flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

# The real SMTP server fixture (conftest may load it for every module; loading twice is fine).
pytest_plugins = ["tests.smtp"]

BASE_URL = "https://vakbekwaam.test"
NEW_PASSWORD = "a brand new passphrase"
LINK_RE = re.compile(re.escape(BASE_URL) + r"/password/reset/[A-Za-z0-9_\-]+")


@pytest.fixture
def mail_app(app, smtp_server, clock):
    """The app delivering mail to the loopback SMTP server."""
    app.config.update(smtp_server.settings(), PUBLIC_BASE_URL=BASE_URL)
    return app


@pytest.fixture
def user(db):
    return make_user(db, make_organisation(db), name="Fatima el Amrani")


def ask_for_reset(client, email: str, *, deliver: bool = True):
    """Ask for a link; then (as the scheduler would) deliver the outbox."""
    response = post_form(client, "/password/forgotten", {"email": email})
    if deliver:
        run_outbox_delivery(client.application)
    return response


def choose_password(client, path: str, password: str, confirm: str | None = None):
    return post_form(
        client, path, {"password": password, "confirm": password if confirm is None else confirm}
    )


def link_in(message) -> str:
    """The reset link in a received mail, as a path on this site."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK_RE.search(body)
    assert match, body
    return urlsplit(match.group(0)).path


def count(db, model) -> int:
    db.rollback()  # see rows other connections committed
    return db.scalar(select(func.count()).select_from(model))


def test_password_reset_end_to_end(mail_app, client, db, user, smtp_server):
    logged_in_elsewhere = mail_app.test_client()
    login(logged_in_elsewhere, user.email, PASSWORD)

    response = ask_for_reset(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    [message] = smtp_server.messages
    assert message["To"] == user.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert user.name in body
    path = link_in(message)

    assert client.get(path).status_code == 200
    response = choose_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"

    assert login(mail_app.test_client(), user.email, PASSWORD).status_code == 200
    assert login(mail_app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    # A reset ends the sessions that were open.
    assert logged_in_elsewhere.get("/password").status_code == 302

    # The link works once.
    again = mail_app.test_client()
    refused = again.get(path)
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/password/forgotten"
    reuse = client.post(
        path,
        data={
            "password": "yet another passphrase",
            "confirm": "yet another passphrase",
            "csrf_token": csrf_token(client),
        },
    )
    assert reuse.status_code == 302
    assert reuse.headers["Location"] == "/password/forgotten"
    db.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_reset_tokens_are_stored_hashed(mail_app, client, db, user, smtp_server):
    ask_for_reset(client, user.email)
    token = link_in(smtp_server.messages[0]).rsplit("/", 1)[1]

    db.rollback()
    stored = db.scalars(select(PasswordResetToken.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]


def test_expired_reset_link_is_refused(mail_app, client, db, user, smtp_server, clock):
    ask_for_reset(client, user.email)
    path = link_in(smtp_server.messages[0])
    ttl = mail_app.config["PASSWORD_RESET_TTL"]

    clock.advance(seconds=ttl.total_seconds() - 1)
    assert client.get(path).status_code == 200  # still valid; looking does not use it

    clock.advance(seconds=2)
    assert client.get(path).headers["Location"] == "/password/forgotten"
    response = client.post(
        path,
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/password/forgotten"
    db.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_unknown_email_gets_the_same_answer_and_no_mail(mail_app, db, user, smtp_server):
    known, unknown, inactive = (mail_app.test_client() for _ in range(3))
    sleeping = make_user(db, make_organisation(db), is_active=False)

    answers = [
        ask_for_reset(known, user.email),
        ask_for_reset(unknown, "nobody@example.org"),
        ask_for_reset(inactive, sleeping.email),
    ]

    assert {(r.status_code, r.headers["Location"]) for r in answers} == {(302, "/login")}
    pages = [flashes(c.get("/login")) for c in (known, unknown, inactive)]
    assert pages[0] == pages[1] == pages[2]
    assert pages[0]
    assert [m["To"] for m in smtp_server.messages] == [user.email]
    assert count(db, OutboxMessage) == 1
    assert count(db, PasswordResetToken) == 1


def test_mail_waits_in_the_outbox_while_smtp_is_down(
    mail_app, client, db, user, smtp_server, clock
):
    smtp_server.stop()

    response = ask_for_reset(client, user.email, deliver=False)

    assert response.status_code == 302  # the visitor does not see the outage
    db.rollback()
    [queued] = db.scalars(select(OutboxMessage)).all()
    assert queued.status == MailStatus.QUEUED.value
    assert queued.to_address == user.email
    assert queued.attempts == 0  # no SMTP inside the request
    assert mail.deliver_due(db, settings=mail_app.config, now=T0) == 0
    db.refresh(queued)
    assert queued.attempts == 1
    assert queued.last_error
    assert queued.next_attempt_at > T0

    smtp_server.start()
    assert mail.deliver_due(db, settings=mail_app.config, now=T0) == 0  # not due yet
    assert smtp_server.messages == []

    clock.now = queued.next_attempt_at + timedelta(seconds=1)
    assert mail.deliver_due(db, settings=mail_app.config, now=clock.now) == 1

    [message] = smtp_server.messages
    db.refresh(queued)
    assert queued.status == MailStatus.SENT.value
    assert queued.sent_at == clock.now
    assert queued.last_error is None
    assert mail.deliver_due(db, settings=mail_app.config, now=clock.now + timedelta(days=1)) == 0
    assert len(smtp_server.messages) == 1
    # The delayed link still works (within its lifetime).
    path = link_in(message)
    assert choose_password(client, path, NEW_PASSWORD).status_code == 302
    assert login(mail_app.test_client(), user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("user_locale", "browser_locale"), [("en", "nl"), ("nl", "en")])
def test_reset_mail_is_in_the_users_language(
    mail_app,
    client,
    db,
    user,
    smtp_server,
    user_locale,
    browser_locale,
):
    user.locale = user_locale
    db.commit()
    with client.session_transaction() as session:
        session["lang"] = browser_locale

    ask_for_reset(client, user.email)

    [message] = smtp_server.messages
    with mail_app.test_request_context(), force_locale(user_locale):
        subject = gettext("Reset your Vakbekwaam password")
        greeting = gettext("Hello %(name)s,", name=user.name)
    assert message["Subject"] == subject
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert greeting in body
    assert user.name in body
    assert LINK_RE.search(body)


# --- the new password's length on the reset form ---------------------------------------------


@pytest.fixture
def reset_path(app, db, user, clock) -> str:
    """A valid reset link for `user`, made directly (no mail needed)."""
    token = accounts.create_reset_token(
        db, user=user, now=clock.now, ttl=app.config["PASSWORD_RESET_TTL"]
    )
    db.commit()
    return f"/password/reset/{token}"


@pytest.mark.parametrize("new_password", ["x" * 11, "x" * 129])
def test_reset_refuses_too_short_or_too_long(client, db, user, reset_path, new_password):
    with client.session_transaction() as session:
        session["lang"] = "en"

    response = choose_password(client, reset_path, new_password)

    assert response.status_code == 200
    assert "Use between 12 and 128 characters." in response.get_data(as_text=True)
    db.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    assert client.get(reset_path).status_code == 200  # the link was not used up


@pytest.mark.parametrize("new_password", ["x" * 12, "x" * 128, "aaaaaaaaaaaa"])
def test_reset_accepts_12_to_128_characters(client, db, user, reset_path, new_password):
    response = choose_password(client, reset_path, new_password)

    assert response.status_code == 302
    db.refresh(user)
    assert verify_password(user.password_hash, new_password)


def test_using_one_reset_link_voids_the_others(client, app, db, user, reset_path, clock):
    other = accounts.create_reset_token(
        db, user=user, now=clock.now, ttl=app.config["PASSWORD_RESET_TTL"]
    )
    db.commit()

    assert choose_password(client, reset_path, NEW_PASSWORD).status_code == 302

    assert client.get(f"/password/reset/{other}").headers["Location"] == "/password/forgotten"


def test_changing_the_password_voids_open_reset_links(client, db, user, reset_path):
    login(client, user.email, PASSWORD)
    post_form(
        client,
        "/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert client.get(reset_path).headers["Location"] == "/password/forgotten"
