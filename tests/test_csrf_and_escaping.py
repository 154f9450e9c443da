"""CSRF tokens on every state change, escaped output, and GET requests that change nothing."""

from __future__ import annotations

import html

import pytest
from flask import url_for
from sqlalchemy import func, select
from sqlmodel import SQLModel

from portfolio.models import OutboxMessage, PasswordResetToken, Role, User, utcnow
from portfolio.services.accounts import accounts
from portfolio.services.accounts.passwords import verify_password
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

EVIL_NAME = '<script>alert(1)</script>" onmouseover="x'
NEW_PASSWORD = "a new and long passphrase"


@pytest.fixture
def org(db):
    return make_organisation(db)


@pytest.fixture
def user(db, org):
    return make_user(db, org)


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def is_logged_in(client) -> bool:
    return client.get("/password").status_code == 200


# --- CSRF --------------------------------------------------------------------------------------

BAD_TOKENS = {"missing": None, "garbage": "not-a-token", "empty": ""}


def post(client, path: str, data: dict, token: str | None):
    return client.post(path, data=data if token is None else {**data, "csrf_token": token})


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_login_needs_a_csrf_token(client, user, token):
    client.get("/login")

    response = post(client, "/login", {"email": user.email, "password": PASSWORD}, token)

    assert response.status_code == 400
    assert not is_logged_in(client)


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_logout_needs_a_csrf_token(app, db, user, token):
    client = logged_in(app, user)
    session_token = user.session_token

    response = post(client, "/logout", {}, token)

    assert response.status_code == 400
    assert is_logged_in(client)
    db.refresh(user)
    assert user.session_token == session_token


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_language_switch_needs_a_csrf_token(app, db, user, token):
    client = logged_in(app, user)

    response = post(client, "/language", {"lang": "en", "next": "/"}, token)

    assert response.status_code == 400
    db.refresh(user)
    assert user.locale == "nl"
    with client.session_transaction() as session:
        assert "lang" not in session


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_password_change_needs_a_csrf_token(app, db, user, token):
    client = logged_in(app, user)
    form = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    response = post(client, "/password", form, token)

    assert response.status_code == 400
    db.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_reset_request_and_reset_need_a_csrf_token(app, client, db, user):
    response = post(client, "/password/forgotten", {"email": user.email}, None)
    assert response.status_code == 400
    assert count_rows(db, PasswordResetToken) == count_rows(db, OutboxMessage) == 0

    token = accounts.create_reset_token(
        db, user=user, now=utcnow(), ttl=app.config["PASSWORD_RESET_TTL"]
    )
    db.commit()
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(client, f"/password/reset/{token}", form, None).status_code == 400
    db.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_a_token_from_another_session_is_refused(app, db, user):
    victim = logged_in(app, user)
    attacker = app.test_client()
    attackers_token = csrf_token(attacker)

    response = victim.post("/logout", data={"csrf_token": attackers_token})

    assert response.status_code == 400
    assert is_logged_in(victim)


def test_the_same_requests_work_with_a_valid_token(app, db, user):
    """The refusals above are about the token, not about the requests themselves."""
    client = logged_in(app, user)
    language = client.post(
        "/language", data={"lang": "en", "next": "/", "csrf_token": csrf_token(client, "/")}
    )
    assert language.status_code == 302
    db.refresh(user)
    assert user.locale == "en"

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert not is_logged_in(client)


# --- escaping ----------------------------------------------------------------------------------


def assert_escaped(page: str) -> None:
    assert "<script>alert(1)" not in page
    assert '" onmouseover="x' not in page
    assert html.escape(EVIL_NAME, quote=False).replace('"', "&#34;") in page, "name not shown"


@pytest.fixture
def evil(db, org):
    """A worker whose name is an injection attempt, in a team with a supervisor."""
    team = make_team(db, org, name=EVIL_NAME)
    worker = make_user(db, org, team=team, name=EVIL_NAME)
    supervisor = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    return worker, supervisor


def test_stored_name_is_escaped_on_hr_pages(app, db, org, evil):
    worker, _ = evil
    hr = logged_in(app, make_user(db, org, role=Role.HR))

    for url in ("/hr/people", f"/hr/people/{worker.id}", f"/hr/people?q={worker.email}"):
        response = hr.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.get_data(as_text=True))


def test_stored_name_is_escaped_on_the_team_page(app, evil):
    _, supervisor = evil
    response = logged_in(app, supervisor).get("/team/")

    assert response.status_code == 200
    assert_escaped(response.get_data(as_text=True))


def test_stored_name_is_escaped_in_the_header(app, evil):
    worker, _ = evil
    client = logged_in(app, worker)

    for url in ("/", "/password"):
        response = client.get(url, follow_redirects=True)  # a worker starts on the dashboard
        assert response.status_code == 200, url
        assert_escaped(response.get_data(as_text=True))


def test_reflected_input_is_escaped(app, db, org):
    hr = logged_in(app, make_user(db, org, role=Role.HR))
    probe = '"><script>alert(1)</script>'

    pages = [
        hr.get("/hr/people", query_string={"q": probe}),
        app.test_client().get("/login", query_string={"next": "/" + probe}),
        hr.get("/hr/people", query_string={"page": probe}),
    ]

    for response in pages:
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert '"><script>' not in page


# --- every route, generated from the URL map ----------------------------------------------

# Reads may be logged (audit_event); nothing else may change on a GET.
READ_LOG_TABLES = {"audit_event"}


def count_rows(db, model) -> int:
    db.rollback()  # a fresh read of what the app committed
    return db.scalar(select(func.count()).select_from(model))


def snapshot(db, *, skip: set[str] = READ_LOG_TABLES) -> dict[str, int | str]:
    """Row counts of every table but `skip`, and every account's state."""
    db.rollback()
    counts: dict[str, int | str] = {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in SQLModel.metadata.sorted_tables
        if table.name not in skip
    }
    for person in db.scalars(select(User).order_by(User.id)):
        counts[f"user {person.id}"] = repr(
            (person.password_hash, person.session_token, person.is_active, person.locale)
        )
    return counts


@pytest.fixture
def everyone(app, db, org):
    """A logged-in client per role (plus an anonymous one), and a valid reset token."""
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    users = {
        "worker": worker,
        "supervisor": make_user(db, org, role=Role.SUPERVISOR, leads=team),
        "hr": make_user(db, org, role=Role.HR),
        "admin": make_user(db, org, role=Role.ADMIN),
    }
    token = accounts.create_reset_token(
        db, user=worker, now=utcnow(), ttl=app.config["PASSWORD_RESET_TTL"]
    )
    db.commit()
    clients = {"anonymous": app.test_client()}
    clients |= {role: logged_in(app, user) for role, user in users.items()}
    values = {"person_id": worker.id, "filename": "css/app.css", "token": token}
    return clients, values


def urls_for(app, method: str, values: dict) -> list[str]:
    """One URL for every route that accepts `method` (unknown arguments get 1)."""
    with app.test_request_context():
        return [
            url_for(rule.endpoint, **{name: values.get(name, 1) for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if method in rule.methods
        ]


def test_no_get_request_changes_state(app, db, everyone):
    clients, values = everyone
    urls = urls_for(app, "GET", values)
    assert f"/password/reset/{values['token']}" in urls

    before = snapshot(db)
    changed = []
    for url in urls:
        for who, client in clients.items():
            with client.get(url) as response:
                assert response.status_code < 500, (who, url)
            after = snapshot(db)
            if after != before:
                changed.append(f"{who} GET {url}: {before} -> {after}")
                before = after
    assert not changed, "\n".join(changed)
    # Looking at a reset link does not use it up.
    assert accounts.user_for_reset_token(db, token=values["token"], now=utcnow()) is not None


def test_every_post_route_refuses_a_request_without_csrf_token(app, db, everyone):
    clients, values = everyone
    urls = urls_for(app, "POST", values)
    assert {"/login", "/logout", "/language", "/password"} <= set(urls)

    before = snapshot(db, skip=set())
    accepted = []
    for url in urls:
        for who, client in clients.items():
            response = client.post(url, data={"lang": "en", "email": "x@example.org"})
            if response.status_code != 400:
                accepted.append(f"{who} POST {url}: {response.status_code}")
    assert not accepted, "\n".join(accepted)
    assert snapshot(db, skip=set()) == before
