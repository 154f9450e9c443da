"""The calendar feed's secret: never in the session cookie, ended with the password or everywhere.

Finding 9 of the issue "Hardening".
"""

from __future__ import annotations

import base64
import re
import zlib

from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

NEW_PASSWORD = "een heel nieuw wachtwoord"


def _feed_path(client) -> str:
    page = post_form(client, "/account/calendar", {}, token_from="/account/notifications")
    html = page.get_data(as_text=True)
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html).group(1)
    return url.split("localhost", 1)[-1]


def _session_cookie_text(client) -> str:
    cookie = client.get_cookie("session")
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if cookie.value.startswith(".") else raw).decode()


def test_the_feed_url_never_travels_in_the_session_cookie(app, client, db):
    worker = make_user(db, make_organisation(db))
    login(client, worker.email, PASSWORD)
    path = _feed_path(client)
    token = path.rsplit("/", 1)[-1].removesuffix(".ics")
    assert token not in _session_cookie_text(client)
    assert "calendar" not in _session_cookie_text(client)
    assert app.test_client().get(path).status_code == 200


def test_a_password_change_ends_the_feed(app, client, db):
    worker = make_user(db, make_organisation(db))
    login(client, worker.email, PASSWORD)
    path = _feed_path(client)
    response = post_form(
        client,
        "/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_logging_out_everywhere_ends_the_feed_and_every_session(app, client, db):
    worker = make_user(db, make_organisation(db))
    other_device = app.test_client()
    login(client, worker.email, PASSWORD)
    login(other_device, worker.email, PASSWORD)
    path = _feed_path(client)
    response = post_form(client, "/account/logout-everywhere", {}, token_from="/account")
    assert response.status_code == 302
    assert app.test_client().get(path).status_code == 404
    assert other_device.get("/account").status_code == 302
