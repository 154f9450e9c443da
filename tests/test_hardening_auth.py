"""Log-in throttle behind a proxy and on a known device; password reset through the outbox.

Findings 5 (the per-address throttle locks everyone out behind a proxy) and 6 (password reset
unthrottled, SMTP inside the request) of the issue "Hardening".
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portfolio import create_app
from portfolio.models import OutboxMessage
from tests.conftest import app_config, csrf_token
from tests.factories import PASSWORD, make_organisation, make_user

FLOOD = 20  # LOGIN_MAX_FAILURES_PER_ADDRESS


def _login(client, email: str, password: str, *, client_address: str | None = None):
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
    )


def _flood(client, *, client_address: str | None = None) -> None:
    for n in range(FLOOD):
        response = _login(
            client, f"verzonnen{n}@example.org", "fout", client_address=client_address
        )
        assert response.status_code in (200, 429)


@pytest.fixture
def proxied_app(database_url):
    application = create_app(app_config(database_url, TRUSTED_PROXIES=1))
    yield application
    application.extensions["db_engine"].dispose()


def test_behind_a_trusted_proxy_one_clients_flood_does_not_lock_out_another(proxied_app, db):
    owner = make_user(db, make_organisation(db))
    _flood(proxied_app.test_client(), client_address="203.0.113.5")
    response = _login(
        proxied_app.test_client(), owner.email, PASSWORD, client_address="198.51.100.7"
    )
    assert response.status_code == 302


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(app, db):
    owner = make_user(db, make_organisation(db))
    for n in range(FLOOD):
        _login(app.test_client(), f"x{n}@example.org", "fout", client_address=f"192.0.2.{n}")
    assert _login(app.test_client(), owner.email, PASSWORD).status_code == 429


def test_a_flood_never_locks_out_the_owner_on_a_known_device(app, db):
    owner = make_user(db, make_organisation(db))
    browser = app.test_client()
    assert _login(browser, owner.email, PASSWORD).status_code == 302
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    attacker = app.test_client()
    _flood(attacker)  # made-up accounts from the same address (one proxy, one NAT)
    for _ in range(6):  # and the owner's own account
        _login(attacker, owner.email, "geraden wachtwoord")
    assert _login(app.test_client(), owner.email, PASSWORD).status_code == 429  # unknown browser
    assert _login(browser, owner.email, PASSWORD).status_code == 302


def test_failures_on_a_known_device_are_still_counted(app, db):
    owner = make_user(db, make_organisation(db))
    browser = app.test_client()
    assert _login(browser, owner.email, PASSWORD).status_code == 302
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    statuses = [_login(browser, owner.email, "fout").status_code for _ in range(6)]
    assert statuses[-1] == 429


def _ask(client, email: str):
    token = csrf_token(client, "/password/forgotten")
    return client.post("/password/forgotten", data={"email": email, "csrf_token": token})


def _outbox(db) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_reset_link_is_queued_and_never_sent_inside_the_request(app, db, smtp_server):
    app.config.update(smtp_server.settings())
    user = make_user(db, make_organisation(db))
    assert _ask(app.test_client(), user.email).status_code == 302
    assert _ask(app.test_client(), "niemand@example.org").status_code == 302
    assert smtp_server.messages == []  # nothing went out during the requests
    (queued,) = db.scalars(select(OutboxMessage)).all()
    assert (queued.to_address, queued.attempts) == (user.email, 0)


def test_reset_links_are_limited_per_account_address(app, db):
    user = make_user(db, make_organisation(db))
    for _ in range(6):
        assert _ask(app.test_client(), user.email).status_code == 302
    assert _outbox(db) == app.config["PASSWORD_RESET_MAX_PER_TARGET"] == 3


def test_reset_links_are_limited_per_asking_address(app, db):
    org = make_organisation(db)
    people = [make_user(db, org) for _ in range(12)]
    client = app.test_client()
    for person in people:
        assert _ask(client, person.email).status_code == 302
    assert _outbox(db) == app.config["PASSWORD_RESET_MAX_PER_ADDRESS"] == 10
