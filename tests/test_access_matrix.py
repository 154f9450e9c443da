"""Every route has an explicit access rule, and the matrix of expected statuses holds."""

from __future__ import annotations

import pytest

from portfolio.access import rule_for
from portfolio.models import Role
from tests import access_matrix as m
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user


@pytest.fixture
def world(app, db):
    """Two teams in one organisation; HR and a team's supervisor of a second one; a client each."""
    org, other_org = make_organisation(db), make_organisation(db)
    team, other_team = make_team(db, org), make_team(db, org)
    users = {
        m.WORKER: make_user(db, org, team=team),
        m.OTHER_WORKER: make_user(db, org, team=other_team),
        m.SUPERVISOR: make_user(db, org, role=Role.SUPERVISOR, leads=team),
        m.OTHER_SUPERVISOR: make_user(db, org, role=Role.SUPERVISOR, leads=other_team),
        m.HR: make_user(db, org, role=Role.HR),
        m.ADMIN: make_user(db, org, role=Role.ADMIN),
        m.OTHER_ORG: make_user(db, other_org, role=Role.HR),
        m.OTHER_ORG_SUPERVISOR: make_user(
            db, other_org, role=Role.SUPERVISOR, leads=make_team(db, other_org)
        ),
    }
    arguments = {**m.URL_ARGUMENTS, "person_id": users[m.WORKER].id}
    for module in m.area_modules():
        if hasattr(module, "arrange"):
            arguments.update(module.arrange(db, users))
    clients = {m.ANON: app.test_client()}
    for principal, user in users.items():
        clients[principal] = app.test_client()
        response = login(clients[principal], user.email, PASSWORD)
        assert response.status_code == 302, f"log-in of {principal} failed"
    return users, clients, arguments


def _url(app, rule, arguments) -> str:
    # "endpoint:argument" keys from an area's arrange() override the shared value.
    values = {
        name: arguments.get(f"{rule.endpoint}:{name}", arguments.get(name))
        for name in rule.arguments
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_every_route_has_an_access_rule(app):
    with app.test_request_context():
        missing = [r.endpoint for r in app.url_map.iter_rules() if rule_for(r.endpoint) is None]
    assert not missing, f"routes without an access rule: {missing}"


def test_every_route_has_a_row_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints <= set(m.EXPECTED_GET), sorted(endpoints - set(m.EXPECTED_GET))
    assert endpoints <= set(m.EXPECTED_POST), sorted(endpoints - set(m.EXPECTED_POST))


def test_every_row_names_every_principal():
    for method, rows in (("GET", m.EXPECTED_GET), ("POST", m.EXPECTED_POST)):
        incomplete = {e: set(m.PRINCIPALS) - set(row) for e, row in rows.items()}
        assert not {e: p for e, p in incomplete.items() if p}, method


def _check(app, world, method: str, expected: dict) -> list[str]:
    _users, clients, arguments = world
    wrong = []
    for rule in app.url_map.iter_rules():
        url = _url(app, rule, arguments)
        for principal in m.PRINCIPALS:
            client = clients[principal]
            if method == "GET":
                with client.get(url) as response:  # closes static file responses
                    status = response.status_code
            else:
                data = {**m.POST_DATA.get(rule.endpoint, {}), "csrf_token": csrf_token(client)}
                with client.post(url, data=data) as response:
                    status = response.status_code
                if rule.endpoint in {
                    "auth.logout",
                    "auth.logout_everywhere",
                    "auth.login",
                    "main.set_language",
                }:
                    # These change the session; log the principal in again for the next rows.
                    _relogin(app, world, principal)
            want = expected[rule.endpoint][principal]
            if status != want:
                wrong.append(f"{method} {url} as {principal}: got {status}, expected {want}")
    return wrong


def _relogin(app, world, principal: str) -> None:
    users, clients, _arguments = world
    if principal == m.ANON:
        clients[m.ANON] = app.test_client()
        return
    clients[principal] = app.test_client()
    login(clients[principal], users[principal].email, PASSWORD)


def test_get_matrix(app, world):
    wrong = _check(app, world, "GET", m.EXPECTED_GET)
    assert not wrong, "\n".join(wrong)


def test_post_matrix(app, world):
    wrong = _check(app, world, "POST", m.EXPECTED_POST)
    assert not wrong, "\n".join(wrong)
