"""Charts as their own URLs: named by content, cached privately, only for whom sees the page."""

from __future__ import annotations

import re
from datetime import date

from portfolio.models import Registration, Role
from portfolio.services.development import development
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_user


def _radar_url(client) -> str:
    html = client.get("/portfolio/").get_data(as_text=True)
    found = re.search(r'<img src="(/portfolio/charts/radar/[0-9a-f]{20}\.svg)"', html)
    assert found, "the radar is its own URL"
    assert "data:image/svg" not in html
    return found[1]


def test_the_radar_url_changes_with_its_content_and_is_cached_privately(app, client, db, clock):
    org = make_organisation(db)
    worker = make_user(db, org)
    db.add(
        Registration(
            organisation_id=org.id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2024, 1, 1),
        )
    )
    db.commit()
    ratings = dict.fromkeys(development.COMPETENCY_CODES, ("beginner", ""))
    development.save_self_assessment(
        db, owner=worker, assessed_on=date(2025, 1, 1), ratings=ratings
    )
    login(client, worker.email, PASSWORD)
    first = _radar_url(client)
    image = client.get(first)
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"

    development.save_self_assessment(
        db,
        owner=worker,
        assessed_on=date(2025, 2, 1),
        ratings={**ratings, "WMO1": ("vakbekwaam", "")},
    )
    second = _radar_url(client)
    assert second != first
    stale = client.get(first)  # an old URL answers the current chart, not to be kept
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "private, no-cache"

    stranger = app.test_client()
    assert stranger.get(second).status_code == 302  # to the log-in page
    hr = make_user(db, org, role=Role.HR)
    login(stranger, hr.email, PASSWORD)
    assert stranger.get(second).status_code == 403


def test_the_development_page_radar_is_its_own_url_for_the_chosen_pair(app, client, db, clock):
    org = make_organisation(db)
    worker = make_user(db, org)
    ratings = dict.fromkeys(development.COMPETENCY_CODES, ("beginner", ""))
    for day, level in (
        (date(2025, 1, 1), "beginner"),
        (date(2025, 1, 15), "gevorderd-beginner"),
        (date(2025, 2, 1), "vakbekwaam"),
    ):
        development.save_self_assessment(
            db, owner=worker, assessed_on=day, ratings={**ratings, "WMO1": (level, "")}
        )
    db.commit()
    login(client, worker.email, PASSWORD)

    def radar_url(query: str = "") -> str:
        html = client.get(f"/portfolio/development{query}").get_data(as_text=True)
        found = re.search(r'<img src="(/portfolio/development/radar/[0-9a-f]{20}\.svg[^"]*)"', html)
        assert found and "data:image/svg" not in html
        return found[1].replace("&amp;", "&")

    latest = radar_url()
    image = client.get(latest)
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    first, second, _third = sorted(
        development.assessments_of(db, subject_id=worker.id), key=lambda a: a.assessed_on
    )
    earlier_pair = radar_url(f"?later={second.id}&earlier={first.id}")
    assert earlier_pair != latest
    assert client.get(earlier_pair).headers["Cache-Control"].endswith("immutable")

    stranger = app.test_client()
    assert stranger.get(latest).status_code == 302  # to the log-in page
    hr = make_user(db, org, role=Role.HR)
    login(stranger, hr.email, PASSWORD)
    assert stranger.get(latest).status_code == 403
