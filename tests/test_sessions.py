"""Sessions: a fresh one at log-in, safe cookies, and every way a session must end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portfolio import create_app
from portfolio.config import DEV_SECRET_KEY, InsecureConfigError
from portfolio.services.accounts import accounts
from tests.conftest import app_config, csrf_token, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

PROTECTED = "/password"  # any page that needs a logged-in user
PRODUCTION_SECRET = "a-production-secret-that-is-long-and-random-4f1c9e"


@pytest.fixture
def user(db):
    return make_user(db, make_organisation(db))


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def replay(app, cookie_value: str):
    """A second browser that presents a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def set_cookie_header(response, name: str = "session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


# --- a new session at log-in; cookie flags ---------------------------------------------------


def test_login_starts_a_new_session(client, user):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before log-in"
        csrf_before = session["csrf_token"]
    before = session_cookie(client)

    assert login(client, user.email, PASSWORD).status_code == 302

    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != csrf_before
        assert session["_user_id"] == f"{user.id}:{user.session_token}"


def test_session_cookie_is_httponly_and_samesite_lax(client, user):
    response = login(client, user.email, PASSWORD)

    header = set_cookie_header(response)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_session_cookie_is_not_secure_in_development(database_url, user):
    app = create_app(app_config(database_url, ENV_NAME="development"))
    try:
        header = set_cookie_header(login(app.test_client(), user.email, PASSWORD))
        assert "Secure" not in header
    finally:
        app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("env_name", ["production", "acceptance"])
def test_session_cookie_is_secure_outside_development(database_url, user, env_name):
    app = create_app(app_config(database_url, ENV_NAME=env_name, SECRET_KEY=PRODUCTION_SECRET))
    try:
        client = app.test_client()
        response = login(client, user.email, PASSWORD)
        assert response.status_code == 302
        header = set_cookie_header(response)
        assert "Secure" in header
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
    finally:
        app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "short-but-not-the-dev-key"])
def test_production_refuses_a_weak_secret_key(database_url, secret):
    with pytest.raises(InsecureConfigError):
        create_app(app_config(database_url, ENV_NAME="production", SECRET_KEY=secret))


# --- sessions that must end ------------------------------------------------------------------


def test_logout_ends_every_session_of_the_account(app, client, user):
    login(client, user.email, PASSWORD)
    copied = replay(app, session_cookie(client))
    elsewhere = app.test_client()
    login(elsewhere, user.email, PASSWORD)
    assert copied.get(PROTECTED).status_code == 200
    assert elsewhere.get(PROTECTED).status_code == 200

    response = post_form(client, "/logout", {}, token_from=PROTECTED)

    assert sent_to_login(response)
    assert sent_to_login(client.get(PROTECTED))
    assert sent_to_login(copied.get(PROTECTED))
    assert sent_to_login(elsewhere.get(PROTECTED))


def test_cookie_from_before_logout_is_refused(app, client, user):
    login(client, user.email, PASSWORD)
    stolen = session_cookie(client)
    post_form(client, "/logout", {}, token_from=PROTECTED)

    assert sent_to_login(replay(app, stolen).get(PROTECTED))


def test_password_change_keeps_this_session_and_ends_the_others(app, client, db, user):
    login(client, user.email, PASSWORD)
    copied = replay(app, session_cookie(client))
    elsewhere = app.test_client()
    login(elsewhere, user.email, PASSWORD)
    assert copied.get(PROTECTED).status_code == 200

    response = post_form(
        client,
        "/password",
        {
            "current": PASSWORD,
            "password": "a new and long passphrase",
            "confirm": "a new and long passphrase",
        },
    )

    assert response.status_code == 302
    assert client.get(PROTECTED).status_code == 200
    assert sent_to_login(copied.get(PROTECTED))
    assert sent_to_login(elsewhere.get(PROTECTED))


def test_deactivation_ends_every_session(app, client, db, user):
    login(client, user.email, PASSWORD)
    copied = replay(app, session_cookie(client))
    assert copied.get(PROTECTED).status_code == 200

    user.is_active = False
    db.commit()

    assert sent_to_login(client.get(PROTECTED))
    assert sent_to_login(copied.get(PROTECTED))


def test_end_all_sessions_refuses_every_existing_cookie(app, client, db, user):
    login(client, user.email, PASSWORD)
    copied = replay(app, session_cookie(client))

    accounts.end_all_sessions(db, user=user)

    assert sent_to_login(client.get(PROTECTED))
    assert sent_to_login(copied.get(PROTECTED))
    # Logging in again works and gives a session that is accepted.
    assert login(client, user.email, PASSWORD).status_code == 302
    assert client.get(PROTECTED).status_code == 200


# --- idle timeout and absolute lifetime ------------------------------------------------------


def test_idle_session_ends(app, client, user, clock):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    login(client, user.email, PASSWORD)

    clock.advance(seconds=idle.total_seconds() - 60)
    assert client.get(PROTECTED).status_code == 200  # activity restarts the idle timer
    clock.advance(seconds=idle.total_seconds() - 60)
    assert client.get(PROTECTED).status_code == 200

    clock.advance(seconds=idle.total_seconds() + 1)
    response = client.get(PROTECTED)

    assert sent_to_login(response)
    assert response.headers["Location"] == f"/login?next={PROTECTED}"
    assert sent_to_login(client.get(PROTECTED))


def test_idle_session_cookie_cannot_be_replayed(app, client, user, clock):
    login(client, user.email, PASSWORD)
    stolen = session_cookie(client)

    clock.advance(seconds=app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 1)

    assert sent_to_login(replay(app, stolen).get(PROTECTED))


def seen_at(client) -> float:
    with client.session_transaction() as session:
        return session["seen_at"]


def test_requests_within_a_minute_write_the_session_once(app, client, user, clock):
    """The last-seen time is written at most once a minute; an unchanged session is not sent
    again (SESSION_REFRESH_EACH_REQUEST is off), so most requests sign no cookie."""
    login(client, user.email, PASSWORD)
    logged_in = clock.now.timestamp()
    client.get(PROTECTED)  # the first form page after log-in stores a new CSRF token

    clock.advance(seconds=20)
    first = client.get(PROTECTED)
    clock.advance(seconds=30)
    second = client.get(PROTECTED)

    assert first.status_code == second.status_code == 200
    assert not first.headers.getlist("Set-Cookie")
    assert not second.headers.getlist("Set-Cookie")
    assert seen_at(client) == logged_in

    clock.advance(seconds=10)  # a minute after the stored time
    third = client.get(PROTECTED)

    assert third.status_code == 200
    assert "Expires=" in set_cookie_header(third)  # still a permanent cookie
    assert seen_at(client) == clock.now.timestamp()


def test_a_request_after_the_idle_limit_still_ends_the_session(app, client, user, clock):
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    login(client, user.email, PASSWORD)
    clock.advance(seconds=30)
    assert client.get(PROTECTED).status_code == 200  # not written: less than a minute

    clock.advance(seconds=idle - 29)  # idle + 1 s after the stored last-seen time

    assert sent_to_login(client.get(PROTECTED))


def test_the_page_counts_the_idle_warning_from_the_stored_last_seen_time(app, client, user, clock):
    idle = int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds())
    login(client, user.email, PASSWORD)
    clock.advance(seconds=40)

    html = client.get(PROTECTED).get_data(as_text=True)

    assert f'data-idle-seconds="{idle - 40}"' in html
    assert f'data-warn-seconds="{app.config["SESSION_WARNING_SECONDS"]}"' in html


def test_the_keep_alive_renews_the_idle_timer_within_the_minute(app, client, user, clock):
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    login(client, user.email, PASSWORD)
    token = csrf_token(client, PROTECTED)
    clock.advance(seconds=30)

    response = client.post("/drafts/keep-alive", headers={"X-CSRFToken": token})

    assert response.status_code == 200
    assert response.get_json() == {"idle_seconds": int(idle)}
    assert seen_at(client) == clock.now.timestamp()
    clock.advance(seconds=idle - 10)  # past the limit counted from the log-in
    assert client.get(PROTECTED).status_code == 200


def test_session_ends_after_its_absolute_lifetime_despite_activity(app, client, user, clock):
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    step = app.config["SESSION_IDLE_TIMEOUT"] / 2
    login(client, user.email, PASSWORD)
    started = clock.now

    while clock.now + step <= started + lifetime:
        clock.advance(seconds=step.total_seconds())
        assert client.get(PROTECTED).status_code == 200, clock.now - started

    clock.now = started + lifetime + timedelta(seconds=1)
    assert sent_to_login(client.get(PROTECTED))
