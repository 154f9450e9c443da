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
