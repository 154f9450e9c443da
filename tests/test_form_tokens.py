"""One-time form tokens: the same create form posted twice makes exactly one record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portfolio.models import DevelopmentGoal, Entry, FeedbackRequest, OutboxMessage
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    login(client, user.email, PASSWORD)
    return user


def tokens(client, path: str) -> dict:
    html = client.get(path).get_data(as_text=True)
    return {
        "csrf_token": CSRF_RE.search(html).group(1),
        "form_token": TOKEN_RE.search(html).group(1),
    }


def count(db, model) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_double_submitted_entry_makes_one_entry_and_the_second_goes_to_it(client, db, worker):
    path = "/portfolio/entries/new/other"
    form = {
        **tokens(client, path),
        "title": "Vakliteratuur gelezen",
        "occurred_on": "2025-02-01",
        "hours": "2",
        "activity_type": "vakliteratuur",
    }
    first = client.post(path, data=form)
    second = client.post(path, data=form)
    assert first.status_code == second.status_code == 302, first.headers.get("Location")
    assert count(db, Entry) == 1
    entry_id = db.execute(select(Entry.id)).scalar_one()
    assert second.headers["Location"] == f"/portfolio/entries/{entry_id}"


def test_a_fresh_form_gets_a_fresh_token_and_makes_a_second_entry(client, db, worker):
    path = "/portfolio/entries/new/other"
    base = {"title": "T", "occurred_on": "2025-02-01", "hours": "1", "activity_type": "overig"}
    one, two = tokens(client, path), tokens(client, path)
    assert one["form_token"] != two["form_token"]
    client.post(path, data={**base, **one})
    client.post(path, data={**base, **two})
    assert count(db, Entry) == 2


def test_a_refused_form_keeps_its_token_so_the_corrected_save_still_counts_once(client, db, worker):
    path = "/portfolio/entries/new/other"
    form = {**tokens(client, path), "title": "T", "occurred_on": "2025-02-01", "hours": "-1"}
    refused = client.post(path, data={**form, "activity_type": "overig"})
    assert refused.status_code == 200
    assert form["form_token"] in refused.get_data(as_text=True)
    fixed = {**form, "hours": "1", "activity_type": "overig"}
    client.post(path, data=fixed)
    client.post(path, data=fixed)
    assert count(db, Entry) == 1


def test_a_double_submitted_goal_makes_one_goal(client, db, worker):
    path = "/portfolio/development/goals/new"
    form = {
        **tokens(client, path),
        "title": "Beter rapporteren",
        "competency_code": "WMO1",
        "current_level": "beginner",
        "target_level": "vakbekwaam",
        "status": "open",
    }
    first = client.post(path, data=form)
    client.post(path, data=form)
    assert first.status_code == 302, first.get_data(as_text=True)
    assert count(db, DevelopmentGoal) == 1


def test_a_double_submitted_feedback_request_sends_one_mail(client, db, worker):
    path = "/feedback/new"
    form = {
        **tokens(client, path),
        "who": "outside",
        "name": "Mevrouw de Vries",
        "email": "devries@example.org",
        "competency_codes": ["WMO1"],
        "message": "Wil je iets zeggen over ons overleg?",
        "colleague": "0",
    }
    first = client.post(path, data=form)
    client.post(path, data=form)
    assert first.status_code == 302, first.get_data(as_text=True)
    assert count(db, FeedbackRequest) == 1
    assert count(db, OutboxMessage) == 1


def test_another_user_replaying_a_token_learns_nothing_and_makes_nothing(app, db, worker):
    path = "/portfolio/entries/new/other"
    owner_client = app.test_client()
    login(owner_client, worker.email, PASSWORD)
    form = {"title": "T", "occurred_on": "2025-02-01", "hours": "1", "activity_type": "overig"}
    mine = tokens(owner_client, path)
    owner_client.post(path, data={**form, **mine})
    other = make_user(db, make_organisation(db), email="ander@example.org")
    other_client = app.test_client()
    login(other_client, other.email, PASSWORD)
    theirs = tokens(other_client, path)
    replay = other_client.post(path, data={**form, **theirs, "form_token": mine["form_token"]})
    assert replay.status_code == 302
    assert replay.headers["Location"] == "/portfolio/entries"  # not the owner's entry
    assert count(db, Entry) == 1
