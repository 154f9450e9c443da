"""A form posted after the session ended is kept and restored after logging in (no JavaScript)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from portfolio.models import Entry, KeptForm
from tests.conftest import flashes, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

FORM = "/portfolio/entries/new/other"
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
TEXT = "Een lang verhaal over wat ik las en wat ik ervan leerde."


@pytest.fixture
def worker(client, db, clock):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, user.email, PASSWORD)
    return user


def open_form(client) -> dict:
    html = client.get(FORM).get_data(as_text=True)
    return {
        "csrf_token": CSRF_RE.search(html).group(1),
        "form_token": TOKEN_RE.search(html).group(1),
        "title": "Vakliteratuur",
        "occurred_on": "2025-02-01",
        "hours": "2",
        "activity_type": "vakliteratuur",
        "body": TEXT,
    }


def count(db, model) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def save_from_the_kept_page(client):
    page = client.get("/drafts/kept")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert TEXT in unescape(html)
    action = re.search(r'<form method="post" action="([^"]+)" class="card kept-form">', html)
    fields: dict[str, list[str]] = {}
    form_html = html.split('class="card kept-form"')[1].split("</form>")[0]
    for name, value in HIDDEN_RE.findall(form_html):
        fields.setdefault(name, []).append(unescape(value))
    return client.post(action.group(1), data=fields)


def test_a_form_posted_after_the_idle_timeout_is_saved_with_one_click_after_logging_in(
    client, db, clock, worker
):
    form = open_form(client)
    clock.advance(minutes=31)
    late = client.post(FORM, data=form)
    assert late.status_code == 302
    assert late.headers["Location"].startswith("/login")
    assert count(db, Entry) == 0 and count(db, KeptForm) == 1
    login_page = client.get(late.headers["Location"])
    assert any("Wat je typte is bewaard" in text for _, text in flashes(login_page))

    logged_in = login(client, worker.email, PASSWORD)
    assert logged_in.headers["Location"] == "/drafts/kept"
    saved = save_from_the_kept_page(client)
    assert saved.status_code == 302
    db.expire_all()
    entry = db.execute(select(Entry)).scalar_one()
    assert entry.body == TEXT
    assert count(db, KeptForm) == 0
    # Posting the same kept form again makes no second entry (its one-time token).
    assert client.get("/drafts/kept").headers["Location"] == "/"


def test_a_form_posted_after_logging_out_in_another_tab_is_kept(client, db, clock, worker):
    form = open_form(client)
    client.post("/logout", data={"csrf_token": form["csrf_token"]})
    late = client.post(FORM, data=form)
    assert late.headers["Location"].startswith("/login")
    login(client, worker.email, PASSWORD)
    assert save_from_the_kept_page(client).status_code == 302
    assert count(db, Entry) == 1


def test_a_stale_csrf_token_after_the_session_ended_takes_the_same_path(client, db, clock, worker):
    first, second = open_form(client), open_form(client)
    clock.advance(minutes=31)
    client.post(FORM, data=first)  # ends the session (and its CSRF token)
    late = client.post(FORM, data={**second, "body": "De tweede tab."})
    assert late.status_code == 302 and late.headers["Location"].startswith("/login")
    assert count(db, KeptForm) == 2
    login(client, worker.email, PASSWORD)
    assert "De tweede tab." in client.get("/drafts/kept").get_data(as_text=True)


def test_nobody_else_logging_in_on_that_browser_sees_the_kept_form(client, db, clock, worker):
    form = open_form(client)
    clock.advance(minutes=31)
    client.post(FORM, data=form)
    other = make_user(db, make_organisation(db), email="ander@example.org")
    assert login(client, other.email, PASSWORD).headers["Location"] == "/"
    page = client.get("/drafts/kept")
    assert page.status_code == 302 and TEXT not in page.get_data(as_text=True)
    assert count(db, KeptForm) == 1  # still there for its owner


def test_a_kept_form_expires(client, db, clock, worker):
    form = open_form(client)
    clock.advance(minutes=31)
    client.post(FORM, data=form)
    clock.advance(hours=25)
    assert login(client, worker.email, PASSWORD).headers["Location"] == "/"


def test_the_kept_form_never_holds_a_password_or_the_csrf_token(client, db, clock, worker):
    form = open_form(client)
    clock.advance(minutes=31)
    client.post(FORM, data=form)
    db.expire_all()
    kept = db.execute(select(KeptForm)).scalar_one()
    assert "csrf_token" not in kept.fields and kept.fields["body"] == [TEXT]
    assert kept.token_hash not in client.get_cookie("vakbekwaam_kept_form").value
