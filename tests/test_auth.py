"""Log-in: password hashing, password rules, messages, throttling and safe `next=` redirects."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from portfolio import create_app
from portfolio.models import LoginThrottle, User
from portfolio.services.accounts import throttle
from portfolio.services.accounts.passwords import verify_password
from tests.conftest import app_config, csrf_token, flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

NO_MATCH = "That e-mail address and password do not match an active account."
LENGTH_MESSAGE = "Use between 12 and 128 characters."


@pytest.fixture
def org(db):
    return make_organisation(db)


def english(client) -> None:
    """Choose English for this browser session (the catalogue may not be translated yet)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def english_user(db, org, **kwargs) -> User:
    """A user whose interface language is English."""
    user = make_user(db, org, **kwargs)
    user.locale = "en"
    db.commit()
    return user


def is_logged_in(client) -> bool:
    """True when a protected page answers 200 rather than sending the client to log in."""
    return client.get("/password").status_code == 200


def stored_hash(db, user: User) -> str:
    db.refresh(user)
    return user.password_hash


# --- password storage and rules --------------------------------------------------------------


def change_password(client, current: str, new: str, confirm: str | None = None):
    return post_form(
        client,
        "/password",
        {"current": current, "password": new, "confirm": new if confirm is None else confirm},
    )


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum(client, db, org):
    user = english_user(db, org)
    login(client, user.email, PASSWORD)
    assert change_password(client, PASSWORD, "a new and long passphrase").status_code == 302

    encoded = stored_hash(db, user)
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), encoded
    parameters = extract_parameters(encoded)
    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert "a new and long passphrase" not in encoded


def test_weaker_hash_is_upgraded_at_login(client, db, org):
    user = make_user(db, org)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    user.password_hash = weak.hash(PASSWORD)
    db.commit()

    assert login(client, user.email, PASSWORD).status_code == 302

    upgraded = extract_parameters(stored_hash(db, user))
    assert (upgraded.memory_cost, upgraded.time_cost, upgraded.parallelism) == (19456, 2, 1)
    assert verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize("new_password", ["x" * 11, "x" * 129])
def test_change_password_refuses_too_short_or_too_long(client, db, org, new_password):
    user = english_user(db, org)
    login(client, user.email, PASSWORD)
    before = stored_hash(db, user)

    response = change_password(client, PASSWORD, new_password)

    assert response.status_code == 200
    assert LENGTH_MESSAGE in response.get_data(as_text=True)
    assert stored_hash(db, user) == before


@pytest.mark.parametrize(
    "new_password",
    ["x" * 12, "x" * 128, "aaaaaaaaaaaa", "twelve chars"],
    ids=["12", "128", "one-letter-no-composition", "lowercase-and-space"],
)
def test_change_password_accepts_12_to_128_without_composition_rules(client, db, org, new_password):
    user = english_user(db, org)
    login(client, user.email, PASSWORD)

    response = change_password(client, PASSWORD, new_password)

    assert response.status_code == 302, flashes(response)
    assert verify_password(stored_hash(db, user), new_password)
    assert not verify_password(user.password_hash, PASSWORD)


def test_change_password_needs_the_current_password(client, db, org):
    user = english_user(db, org)
    login(client, user.email, PASSWORD)
    before = stored_hash(db, user)

    response = change_password(client, "not my password at all", "a new and long passphrase")

    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert stored_hash(db, user) == before


def test_change_password_needs_matching_confirmation(client, db, org):
    user = english_user(db, org)
    login(client, user.email, PASSWORD)
    before = stored_hash(db, user)

    response = change_password(client, PASSWORD, "a new and long passphrase", "something else!")

    assert response.status_code == 200
    assert "The passwords differ." in response.get_data(as_text=True)
    assert stored_hash(db, user) == before


# --- log-in --------------------------------------------------------------------------------


def test_login_redirects_to_the_start_page(client, db, org):
    user = make_user(db, org)

    response = login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)


def test_login_ignores_case_in_the_email_address(client, db, org):
    make_user(db, org, email="mixed.case@example.org")

    assert login(client, "Mixed.Case@Example.ORG", PASSWORD).status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(app, db, org):
    user = make_user(db, org)
    wrong_password, unknown_email = app.test_client(), app.test_client()
    english(wrong_password)
    english(unknown_email)

    first = login(wrong_password, user.email, "wrong password, long enough")
    second = login(unknown_email, "nobody@example.org", "wrong password, long enough")

    assert first.status_code == second.status_code == 200
    assert flashes(first) == flashes(second) == [("error", NO_MATCH)]
    assert not is_logged_in(wrong_password)
    assert not is_logged_in(unknown_email)


def test_inactive_user_cannot_log_in(client, db, org):
    user = make_user(db, org, is_active=False)
    english(client)

    response = login(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert flashes(response) == [("error", NO_MATCH)]
    assert not is_logged_in(client)


# --- throttling ----------------------------------------------------------------------------


def fail(client, email: str, **kwargs):
    return post_form(
        client, "/login", {"email": email, "password": "wrong password, long enough"}, **kwargs
    )


def test_account_is_throttled_after_too_many_failures(app, client, db, org, clock):
    user = make_user(db, org)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert fail(client, user.email).status_code == 200

    response = login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)
    # A fresh browser on another address does not help: the counter belongs to the account.
    other = app.test_client()
    token = csrf_token(other)
    refused = other.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
    )
    assert refused.status_code == 429


def test_failures_below_the_limit_do_not_throttle(app, client, db, org, clock):
    user = make_user(db, org)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        fail(client, user.email)

    assert login(client, user.email, PASSWORD).status_code == 302


def test_address_is_throttled_across_accounts(app, db, org, clock):
    address, elsewhere = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.1"}
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    assert limit > app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    attacker = app.test_client()
    for _ in range(limit):  # one failure per account: no account reaches its own limit
        assert fail(attacker, make_user(db, org).email, environ_base=address).status_code == 200
    victim = make_user(db, org)

    from_address = app.test_client()
    token = csrf_token(from_address)
    credentials = {"email": victim.email, "password": PASSWORD, "csrf_token": token}
    assert from_address.post("/login", data=credentials, environ_base=address).status_code == 429

    from_elsewhere = app.test_client()
    credentials["csrf_token"] = csrf_token(from_elsewhere)
    assert (
        from_elsewhere.post("/login", data=credentials, environ_base=elsewhere).status_code == 302
    )


def test_throttle_counters_are_shared_between_processes(app, database_url, db, org, clock):
    second_process = create_app(app_config(database_url, CLOCK=clock))
    try:
        user = make_user(db, org)
        limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        first_client, second_client = app.test_client(), second_process.test_client()
        for attempt in range(limit):
            fail(first_client if attempt % 2 else second_client, user.email)

        assert login(first_client, user.email, PASSWORD).status_code == 429
        assert login(second_client, user.email, PASSWORD).status_code == 429
    finally:
        second_process.extensions["db_engine"].dispose()


def test_throttle_window_expires(app, client, db, org, clock):
    user = make_user(db, org)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        fail(client, user.email)
    window = app.config["LOGIN_THROTTLE_WINDOW"]

    clock.advance(seconds=window.total_seconds() - 1)
    assert login(client, user.email, PASSWORD).status_code == 429

    clock.advance(seconds=2)
    assert login(client, user.email, PASSWORD).status_code == 302


def test_failures_after_an_expired_window_start_a_new_count(app, client, db, org, clock):
    user = make_user(db, org)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        fail(client, user.email)
    clock.advance(seconds=app.config["LOGIN_THROTTLE_WINDOW"].total_seconds() + 1)
    for _ in range(limit - 1):  # a new window counts from zero, not on top of the old one
        fail(client, user.email)

    assert login(client, user.email, PASSWORD).status_code == 302


def test_successful_login_clears_the_account_counter(app, client, db, org, clock):
    user = make_user(db, org)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        fail(client, user.email)
    assert login(client, user.email, PASSWORD).status_code == 302
    assert db.get(LoginThrottle, throttle.account_key(user.email)) is None
    post_form(client, "/logout", {}, token_from="/password")

    for _ in range(limit - 1):
        fail(client, user.email)

    assert login(client, user.email, PASSWORD).status_code == 302


def test_throttled_attempts_are_not_checked_against_the_password(app, client, db, org, clock):
    user = make_user(db, org)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        fail(client, user.email)
    db.expire_all()
    row = db.get(LoginThrottle, throttle.account_key(user.email))
    assert row.failures == limit

    wrong, right = fail(client, user.email), login(client, user.email, PASSWORD)

    assert wrong.status_code == right.status_code == 429
    assert flashes(wrong) == flashes(right)


# --- next= -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/catalogue", "/hr/people?q=an&page=2"])
def test_login_follows_a_local_next(client, db, org, target):
    user = make_user(db, org)

    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_login_page_carries_next_from_the_query_string(client, db, org):
    user = make_user(db, org)
    page = client.get("/login?next=/catalogue").get_data(as_text=True)
    assert re.search(r'name="next"[^>]*value="/catalogue"', page)

    response = client.post(
        "/login?next=/catalogue",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )

    assert response.headers["Location"] == "/catalogue"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "http:/evil.example",
        "evil.example",
    ],
)
def test_login_refuses_a_next_that_leaves_the_site(client, db, org, target):
    user = make_user(db, org)

    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_language_switch_refuses_a_next_that_leaves_the_site(client, target):
    response = post_form(client, "/language", {"lang": "en", "next": target}, token_from="/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
