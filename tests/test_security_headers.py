"""Security headers on every response; `no-store` on every page a logged-in user gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for

from portfolio.models import Role
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

INLINE_SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER_RE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL_RE = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def security_header_problems(response) -> list[str]:
    """What is missing or weak in a response's security headers."""
    problems = []
    csp = csp_directives(response)
    script_src = csp.get("script-src", csp.get("default-src"))
    if script_src is None:
        problems.append("no script-src or default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(script_src):
        problems.append(f"script-src too wide: {script_src}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors: {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src: {csp.get('object-src')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.headers.get("Referrer-Policy") not in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        problems.append(f"Referrer-Policy: {response.headers.get('Referrer-Policy')}")
    return problems


def no_store(response) -> bool:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.fixture
def people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    return {
        "worker": make_user(db, org, team=team),
        "supervisor": make_user(db, org, role=Role.SUPERVISOR, leads=team),
        "hr": make_user(db, org, role=Role.HR),
        "admin": make_user(db, org, role=Role.ADMIN),
    }


def get_urls(app, person_id: int) -> list[str]:
    """One URL for every route that answers GET."""
    known = {"person_id": person_id, "filename": "css/app.css", "token": "not-a-token"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            values = {name: known.get(name, 1) for name in rule.arguments}
            urls.append(url_for(rule.endpoint, **values))
    return urls


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def test_every_get_route_sends_security_headers(app, people):
    clients = {"anonymous": app.test_client()}
    clients |= {role: logged_in(app, user) for role, user in people.items()}
    problems = []
    for url in get_urls(app, people["worker"].id):
        for who, client in clients.items():
            with client.get(url) as response:
                problems += [f"{who} GET {url}: {p}" for p in security_header_problems(response)]
    assert not problems, "\n".join(problems)


def test_authenticated_pages_are_not_stored(app, people):
    problems = []
    for role, user in people.items():
        client = logged_in(app, user)
        for url in get_urls(app, people["worker"].id):
            with client.get(url) as response:
                if not no_store(response):
                    problems.append(f"{role} GET {url} ({response.status_code})")
    assert not problems, "\n".join(problems)


def test_login_response_is_not_stored(client, people):
    response = login(client, people["worker"].email, PASSWORD)

    assert response.status_code == 302
    assert no_store(response)


def test_error_and_redirect_responses_send_security_headers(app, client, people):
    token = csrf_token(client)
    responses = {
        "404": client.get("/no-such-page"),
        "405": client.get("/logout"),
        "400 csrf": client.post("/login", data={"email": "a@example.org", "password": "x"}),
        "302 to login": client.get("/password"),
        "200 login failed": client.post(
            "/login",
            data={"email": people["worker"].email, "password": "wrong!", "csrf_token": token},
        ),
    }
    worker = logged_in(app, people["worker"])
    responses["403 logged in"] = worker.get("/admin/audit")
    responses["404 logged in"] = worker.get("/no-such-page")

    problems = [
        f"{name}: {problem}"
        for name, response in responses.items()
        for problem in security_header_problems(response)
    ]
    assert not problems, "\n".join(problems)
    assert {r.status_code for r in responses.values()} == {404, 405, 400, 302, 200, 403}
    assert no_store(responses["403 logged in"])
    assert no_store(responses["404 logged in"])


def test_pages_need_no_inline_script(app, people):
    """The CSP forbids inline script, so no page may rely on it."""
    clients = {"anonymous": app.test_client()}
    clients |= {role: logged_in(app, user) for role, user in people.items()}
    problems = []
    for url in get_urls(app, people["worker"].id):
        if url.startswith("/static/"):
            continue
        for who, client in clients.items():
            response = client.get(url, follow_redirects=True)
            body = response.get_data()  # read streamed downloads to the end, in their context
            if response.mimetype != "text/html":
                continue  # downloads (CSV, XLSX, PDF, ZIP) are not pages
            html = body.decode()
            for pattern in (INLINE_SCRIPT_RE, EVENT_HANDLER_RE, JS_URL_RE):
                problems += [f"{who} {url}: {m}" for m in pattern.findall(html)]
    assert not problems, "\n".join(problems)


def test_static_files_have_hashed_names_cached_for_a_year(app, client, people):
    login(client, people["worker"].email, PASSWORD)
    html = client.get("/portfolio/").get_data(as_text=True)
    found = re.search(r'href="(/assets/css/app\.([0-9a-f]{12})\.css)"', html)
    assert found, "the stylesheet is linked by its hashed name"
    response = client.get(found[1])
    assert response.status_code == 200
    directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= directives
    assert response.get_data() == (Path(app.static_folder) / "css" / "app.css").read_bytes()
    response.close()
    other = "0" * 12 if found[2] != "0" * 12 else "1" * 12
    assert client.get(f"/assets/css/app.{other}.css").status_code == 404
    assert client.get("/assets/../portfolio/__init__.py").status_code == 404


def test_text_responses_are_compressed_when_the_browser_accepts_it(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    assert len(response.get_data()) < len(plain.get_data()) / 2
