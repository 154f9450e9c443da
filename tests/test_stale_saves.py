"""Two tabs editing one thing: the stale save is refused with both versions shown; nothing lost."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from portfolio.models import DevelopmentGoal, Entry
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

HIDDEN_RE = re.compile(r'name="(csrf_token|version|form_token)"[^>]*value="([^"]*)"')


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, user.email, PASSWORD)
    return user


def hidden(client, path: str) -> dict:
    html = client.get(path).get_data(as_text=True)
    return dict(HIDDEN_RE.findall(html))


def test_a_stale_entry_save_is_refused_showing_both_versions_and_keeping_the_typed_text(
    client, db, worker
):
    created = client.post(
        "/portfolio/entries/new/other",
        data={
            **hidden(client, "/portfolio/entries/new/other"),
            "title": "Vakliteratuur gelezen",
            "occurred_on": "2025-02-01",
            "hours": "2",
            "activity_type": "vakliteratuur",
            "body": "Eerste versie.",
        },
    )
    entry_id = int(created.headers["Location"].rsplit("/", 1)[1])
    path = f"/portfolio/entries/{entry_id}/edit"
    tab_one, tab_two = hidden(client, path), hidden(client, path)
    assert tab_one["version"] == "1"
    base = {"title": "Vakliteratuur gelezen", "occurred_on": "2025-02-01", "hours": "2"}
    base["activity_type"] = "vakliteratuur"
    first = client.post(path, data={**base, **tab_one, "body": "Uit het eerste tabblad."})
    assert first.status_code == 302
    stale = client.post(path, data={**base, **tab_two, "body": "Uit het tweede tabblad."})
    assert stale.status_code == 409
    html = unescape(stale.get_data(as_text=True))
    assert "This was changed after you opened it" in html
    assert "Uit het tweede tabblad." in html  # mine, in the form
    assert "Uit het eerste tabblad." in html  # theirs, shown beside it
    db.expire_all()
    assert db.get(Entry, entry_id).body == "Uit het eerste tabblad."
    # Saving again from the refused page replaces it deliberately.
    again = dict(HIDDEN_RE.findall(stale.get_data(as_text=True)))
    assert (
        client.post(path, data={**base, **again, "body": "Uit het tweede tabblad."}).status_code
        == 302
    )
    db.expire_all()
    assert db.get(Entry, entry_id).body == "Uit het tweede tabblad."


def test_a_stale_goal_save_is_refused_showing_both_versions(client, db, worker):
    goal_form = {
        "competency_code": "WMO1",
        "current_level": "beginner",
        "target_level": "vakbekwaam",
        "status": "open",
    }
    client.post(
        "/portfolio/development/goals/new",
        data={**hidden(client, "/portfolio/development/goals/new"), **goal_form, "title": "Doel"},
    )
    goal_id = db.execute(select(DevelopmentGoal.id)).scalar_one()
    path = f"/portfolio/development/goals/{goal_id}/edit"
    tab_one, tab_two = hidden(client, path), hidden(client, path)
    ok = client.post(path, data={**goal_form, **tab_one, "title": "Doel", "actions": "Actie een"})
    assert ok.status_code == 302
    stale = client.post(
        path, data={**goal_form, **tab_two, "title": "Doel", "actions": "Actie twee"}
    )
    assert stale.status_code == 409
    html = unescape(stale.get_data(as_text=True))
    assert "Actie een" in html and "Actie twee" in html
    db.expire_all()
    assert db.get(DevelopmentGoal, goal_id).actions == "Actie een"
