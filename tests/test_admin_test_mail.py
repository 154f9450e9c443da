"""The admin's "send a test mail": through the real SMTP path, now, with the outcome in words."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from portfolio.models import AuditEvent, OutboxMessage, Role
from tests.conftest import flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user


@pytest.fixture
def admin(client, db):
    """A logged-in admin who reads English."""
    user = make_user(db, make_organisation(db), role=Role.ADMIN, email="beheer@example.org")
    user.locale = "en"
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def _send(client):
    return post_form(
        client, "/admin/test-mail", {}, token_from="/admin/settings", follow_redirects=True
    )


def test_the_settings_page_has_the_button(client, admin):
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'action="/admin/test-mail"' in page and "Send a test mail" in page


def test_a_test_mail_reaches_the_smtp_server_and_says_so(app, client, db, admin, smtp_server):
    app.config.update(smtp_server.settings())

    response = _send(client)

    assert response.status_code == 200
    [message] = smtp_server.messages
    assert message["To"] == "beheer@example.org"
    assert message["Subject"] == "Test mail from Vakbekwaam"
    [(category, text)] = flashes(response)
    assert category == "success"
    assert f"127.0.0.1:{smtp_server.port} accepted the test mail for beheer@example.org" in text
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # no retries later
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "test_mail")).one()
    assert event.actor_id == admin.id and event.detail == "sent"


def test_a_server_that_is_down_is_reported_in_plain_words(app, client, db, admin, smtp_server):
    app.config.update(smtp_server.settings())
    smtp_server.stop()

    response = _send(client)

    assert response.status_code == 200
    [(category, text)] = flashes(response)
    text = html.unescape(text)
    assert category == "error"
    assert f"nothing answers at 127.0.0.1:{smtp_server.port}" in text
    assert "Check that the mail server runs and that SMTP_HOST and SMTP_PORT are right." in text
    assert "ConnectionRefusedError" in text
    assert smtp_server.messages == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "test_mail")).one()
    assert event.detail == "failed: refused"
    # The app carries on: the settings page still works, and a retry once it is up succeeds.
    smtp_server.start()
    assert flashes(_send(client))[0][0] == "success"
    assert len(smtp_server.messages) == 1


def test_an_unknown_mail_host_is_named(app, client, admin):
    app.config.update(SMTP_HOST="mail.invalid", SMTP_PORT=25)

    [(category, text)] = flashes(_send(client))

    assert category == "error"
    assert "the mail server's name mail.invalid could not be found" in html.unescape(text)


def test_the_console_backend_says_nothing_was_sent(app, client, admin, capsys):
    app.config.update(MAIL_BACKEND="console")

    [(category, text)] = flashes(_send(client))

    assert category == "success"
    assert "written to the server log, not sent" in text
    assert "Test mail from Vakbekwaam" in capsys.readouterr().out


def test_only_admins_may_send_a_test_mail(app, db, smtp_server):
    app.config.update(smtp_server.settings())
    hr = make_user(db, make_organisation(db), role=Role.HR)
    client = app.test_client()
    login(client, hr.email, PASSWORD)

    response = post_form(client, "/admin/test-mail", {}, token_from="/account")

    assert response.status_code == 403
    assert smtp_server.messages == []
