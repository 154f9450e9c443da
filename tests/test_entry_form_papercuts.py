"""The entry form's papercuts (issue 17): a peer review opens on intervisie, the free text box
belongs to the free reflection only, code articles are checkboxes, and the privacy warning is
followed at once by the way to save anyway."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    login(client, user.email, PASSWORD)
    return user


def selected_form(html: str) -> str | None:
    select = re.search(r'<select[^>]*name="form".*?</select>', html, re.S).group(0)
    match = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select)
    return (match.group(1) or match.group(2)) if match else None


def test_the_peer_review_link_and_form_open_on_intervisie(client, worker):
    dashboard = client.get("/portfolio/").get_data(as_text=True)
    assert "/portfolio/entries/new/peer_review?form=intervisie" in dashboard

    assert selected_form(
        client.get("/portfolio/entries/new/peer_review").get_data(as_text=True)
    ) == ("intervisie")
    asked = client.get("/portfolio/entries/new/peer_review?form=moreel-beraad")
    assert selected_form(asked.get_data(as_text=True)) == "moreel-beraad"
    unknown = client.get("/portfolio/entries/new/peer_review?form=nonsense")
    assert selected_form(unknown.get_data(as_text=True)) == "intervisie"


def test_the_text_box_belongs_to_the_free_reflection_only(client, worker):
    html = client.get("/portfolio/entries/new/reflection").get_data(as_text=True)

    free = re.search(
        r'<div data-structure="free">(.*?)</div>\s*(?:<div|<fieldset|<button)', html, re.S
    )
    assert free and 'name="body"' in free.group(1)
    assert html.count('name="body"') == 1
    # Korthagen's and STARR's boxes are there (without JavaScript, CSS shows the chosen ones).
    assert 'data-structure="korthagen"' in html and 'data-structure="starr"' in html
    # No script hides them after the first paint.
    script = (Path(__file__).parents[1] / "portfolio/static/js/app.js").read_text()
    assert "data-structure" not in script


def test_code_articles_are_checkboxes(client, worker):
    html = client.get("/portfolio/entries/new/training").get_data(as_text=True)

    assert re.search(r'<select[^>]*name="article_numbers"', html) is None
    assert (
        len(
            re.findall(
                r'type="checkbox"[^>]*name="article_numbers"|name="article_numbers"[^>]*type="checkbox"',
                html,
            )
        )
        == 29
    )


def test_save_anyway_follows_the_privacy_warning(client, worker):
    path = "/portfolio/entries/new/reflection"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "title": "Huisbezoek",
            "occurred_on": "2025-02-01",
            "hours": "1",
            "structure": "free",
            "body": "Mevrouw (BSN 111222333) vertelde over haar schulden.",
        },
    )
    html = response.get_data(as_text=True)

    summary = html.index('class="error-summary"')
    confirm = html.index('name="privacy_confirmed"')
    title = html.index('name="title"')
    assert summary < confirm < title  # right after the warning, before the 30 fields
    focusable = re.findall(r"<(a|input|button|select|textarea)\b", html[summary:confirm])
    assert len(focusable) <= 3  # the links to the findings, then the box


def test_the_favicon_is_an_icon_not_a_404(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200
