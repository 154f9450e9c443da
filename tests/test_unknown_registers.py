"""Issue 14 point 1, the leftover: the dashboard asks which register issued an old
accreditation id (recorded before ids named their register), until the worker says it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.models import Entry
from portfolio.services.overviews import dashboard
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_b_numbers_app import _post
from tests.test_norm_progress import SKJ, register


@pytest.fixture
def worker(app, client, db):
    app.config["CLOCK"] = lambda: datetime(2026, 1, 1, 10, tzinfo=UTC)
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="nl")
    login(client, user.email, PASSWORD)
    return user


def training(db, worker, title, accreditations, **fields) -> Entry:
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="training",
        title=title,
        occurred_on=date(2025, 3, 1),
        hours=Decimal(8),
        accreditations=accreditations,
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.commit()
    return entry


def test_the_service_lists_only_trainings_with_an_id_of_unknown_register(db, worker):
    old = training(db, worker, "Oude cursus", [{"register": None, "id": "OLD-17"}])
    both = training(
        db,
        worker,
        "Half bekend",
        [{"register": "skj", "id": "SKJ-1"}, {"register": None, "id": "OLD-18"}],
        status="signed",
    )
    training(db, worker, "Bekend", [{"register": "skj", "id": "SKJ-2"}])
    training(db, worker, "Zonder id", None)

    _pending, found = dashboard.asked_about(db, owner_id=worker.id, as_of=date(2026, 1, 1))

    # Newest first; the same day: the later entry first. A signed one is corrected, not edited.
    assert [(t.id, t.ids, t.editable) for t in found] == [
        (both.id, ("OLD-18",), False),
        (old.id, ("OLD-17",), True),
    ]


def test_the_dashboard_asks_until_the_register_is_named(client, db, worker):
    old = training(db, worker, "Oude cursus", [{"register": None, "id": "OLD-17"}])
    register(db, worker, SKJ)

    html = client.get("/portfolio/").get_data(as_text=True)

    assert "Welk register gaf deze accreditatienummers uit?" in html
    assert "OLD-17" in html
    link = f'href="/portfolio/entries/{old.id}/edit#unknown_register"'
    assert link in html
    form = client.get(f"/portfolio/entries/{old.id}/edit").get_data(as_text=True)
    assert 'id="unknown_register"' in form

    data = {
        "title": "Oude cursus",
        "occurred_on": "2025-03-01",
        "hours": "8",
        "unknown_register": "skj",
    }
    assert _post(client, f"/portfolio/entries/{old.id}/edit", data).status_code == 302
    db.expire_all()
    assert db.get(Entry, old.id).accreditation_list == [("skj", "OLD-17")]

    html = client.get("/portfolio/").get_data(as_text=True)
    assert "Welk register gaf deze accreditatienummers uit?" not in html
    assert re.search(r"Geaccrediteerde scholing.*?8", html, re.S)


def test_a_locked_training_links_to_its_page(client, db, worker):
    old = training(db, worker, "Getekend", [{"register": None, "id": "OLD-9"}], status="signed")
    html = client.get("/portfolio/").get_data(as_text=True)
    assert f'href="/portfolio/entries/{old.id}"' in html
    assert f"/portfolio/entries/{old.id}/edit" not in html
    assert db.scalars(select(Entry)).one().status == "signed"
