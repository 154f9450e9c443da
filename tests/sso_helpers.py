"""Driving a sign-in through the real test provider with the Flask test client on our side and
`requests` on the provider's side (its development log-in and consent forms)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import requests

from portfolio.models import Role, User
from portfolio.services.accounts import oidc

APP_BASE = "http://127.0.0.1:5999"  # PUBLIC_BASE_URL of the client tests (nothing listens)
FORM_RE = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.S)
PROMPT_RE = re.compile(r'name="prompt" value="(\w+)"')


def configure(
    db,
    app,
    *,
    admin: User,
    provider,
    client_id: str,
    secret: str,
    domains: list[str],
    name: str = "Zorgaccount",
    create_accounts: bool = False,
    password_login: bool = True,
    role_claim: str | None = None,
    role_map: dict | None = None,
):
    """Set up the organisation's provider through the service, as the admin page does."""
    from datetime import UTC, datetime

    saved = oidc.save_provider(
        db,
        admin=admin,
        values=oidc.ProviderSettings(
            display_name=name,
            issuer=provider.issuer,
            client_id=client_id,
            client_secret=secret,
            email_domains=domains,
            role_claim=role_claim,
            role_map=role_map,
            enabled=True,
            create_accounts=create_accounts,
            password_login=password_login,
        ),
        config=app.config,
        now=datetime.now(UTC),
    )
    db.commit()
    return saved


def at_provider(authorize_url: str, login: str, *, session: requests.Session | None = None):
    """Follow the provider's pages for `login` until it sends the browser back to the app.

    Returns the app URL (path and query) the provider redirected to.
    """
    browser = session or requests.Session()
    url = authorize_url
    for _ in range(12):
        if url.startswith(APP_BASE):
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}"
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.status_code == 200:
            html = response.text
            action, prompt = FORM_RE.search(html), PROMPT_RE.search(html)
            assert action and prompt, html[:2000]
            target = urljoin(url, unescape(action.group(1)))
            data = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                data.update(login=login, password="any password")
            response = browser.post(target, data=data, allow_redirects=False, timeout=10)
            url = target
        assert response.status_code in (302, 303), (response.status_code, response.text[:2000])
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider did not send the browser back")


def sign_in(client, slug: str, login: str, **kwargs):
    """The whole round trip: start at the app, through the provider, back to the callback."""
    started = client.get(f"/login/sso/{slug}")
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    callback = at_provider(started.headers["Location"], login, **kwargs)
    return client.get(callback), callback


def role_of(db, user: User) -> Role:
    db.expire_all()
    return Role(db.get(User, user.id).role)
