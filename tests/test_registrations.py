"""Registrations: add, change, remove; bad input answered clearly with the typed values kept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portfolio.models import Registration
from tests.conftest import flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_norm_progress import SKJ, register

NEW = "/portfolio/registrations/new"


@pytest.fixture
def worker(app, db, client):
    """A logged-in worker reading English; today is 1 July 2026."""
    app.config["CLOCK"] = lambda: datetime(2026, 7, 1, 10, tzinfo=UTC)
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    user.locale = "en"
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def form(**fields) -> dict:
    return {
        "norm_id": SKJ,
        "registration_number": "SKJ-0042",
        "registered_on": "2024-01-01",
        "vog_issued_on": "",
        **fields,
    }


def rows(db, owner) -> list[Registration]:
    db.expire_all()
    return list(db.scalars(select(Registration).where(Registration.owner_id == owner.id)))


def error_for(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def test_a_worker_adds_a_registration_and_sees_it_on_the_dashboard(client, db, worker):
    response = post_form(client, NEW, form(vog_issued_on="2026-02-01"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portfolio/")
    [saved] = rows(db, worker)
    assert (saved.norm_id, saved.registration_number) == (SKJ, "SKJ-0042")
    assert (saved.registered_on, saved.vog_issued_on) == (date(2024, 1, 1), date(2026, 2, 1))
    assert saved.organisation_id == worker.organisation_id
    dashboard = client.get("/portfolio/").get_data(as_text=True)
    assert "Jeugd- en gezinsprofessional" in dashboard
    listing = client.get("/portfolio/registrations").get_data(as_text=True)
    assert "SKJ-0042" in listing and "Dec 31, 2028" in listing


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"norm_id": "nvmw-2019"}, "norm_id", "Choose one of the registers in the list."),
        ({"norm_id": ""}, "norm_id", "Choose a register."),
        (
            {"registered_on": "2026-07-02"},
            "registered_on",
            "The registration date cannot be in the future.",
        ),
        ({"registered_on": "2026-02-31"}, "registered_on", "Enter a date as day, month and year."),
        ({"registered_on": ""}, "registered_on", "Enter a date as day, month and year."),
        ({"vog_issued_on": "2027-01-01"}, "vog_issued_on", "The VOG date cannot be in the future."),
        ({"registration_number": ""}, "registration_number", "Enter your registration number."),
        ({"registration_number": "9" * 61}, "registration_number", "60"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(
    client, db, worker, fields, field, message
):
    typed = form(**{"registration_number": "typed-number-77", **fields})

    response = post_form(client, NEW, typed)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_for(html, field)
    assert 'class="error-summary"' in html
    assert f'value="{typed["registration_number"]}"' in html
    if field == "registered_on" and fields["registered_on"]:
        assert f'value="{fields["registered_on"]}"' in html
    assert rows(db, worker) == []


def test_every_problem_is_reported_at_once(client, db, worker):
    html = post_form(client, NEW, form(norm_id="", registered_on="2030-01-01")).get_data(
        as_text=True
    )

    assert error_for(html, "norm_id") and error_for(html, "registered_on")


def test_the_same_registration_twice_is_refused(client, db, worker):
    register(db, worker, SKJ, on=date(2024, 1, 1))

    response = post_form(client, NEW, form())

    assert response.status_code == 200
    assert "You already have this registration with this date." in error_for(
        response.get_data(as_text=True), "registered_on"
    )
    assert len(rows(db, worker)) == 1


def test_a_worker_changes_a_registration(client, db, worker):
    registration = register(db, worker, SKJ, on=date(2024, 1, 1))
    url = f"/portfolio/registrations/{registration.id}/edit"
    assert 'value="2024-01-01"' in client.get(url).get_data(as_text=True)

    response = post_form(client, url, form(registered_on="2025-03-01", registration_number="N2"))

    assert response.status_code == 302
    [saved] = rows(db, worker)
    assert (saved.registered_on, saved.registration_number) == (date(2025, 3, 1), "N2")


def test_changing_into_a_twin_of_another_registration_is_refused(client, db, worker):
    register(db, worker, SKJ, on=date(2024, 1, 1))
    later = register(db, worker, SKJ, on=date(2025, 1, 1))

    response = post_form(
        client, f"/portfolio/registrations/{later.id}/edit", form(registered_on="2024-01-01")
    )

    assert response.status_code == 200
    assert sorted(r.registered_on for r in rows(db, worker)) == [date(2024, 1, 1), date(2025, 1, 1)]


def test_removing_asks_first_and_keeps_the_entries(client, db, worker):
    from tests.test_norm_progress import add_entry

    registration = register(db, worker, SKJ)
    entry = add_entry(db, worker, "training", date(2025, 1, 1), "3")
    url = f"/portfolio/registrations/{registration.id}/delete"

    assert "Remove the registration" in client.get(url).get_data(as_text=True)
    assert rows(db, worker) != []

    response = post_form(client, url, {})

    assert response.status_code == 302
    assert ("success", "Your registration has been removed.") in flashes(
        client.get(response.headers["Location"])
    )
    assert rows(db, worker) == []
    assert db.get(type(entry), entry.id) is not None


def test_another_workers_registration_is_not_found(app, db, worker):
    colleague = make_user(db, make_organisation(db))
    theirs = register(db, colleague, SKJ)
    base = f"/portfolio/registrations/{theirs.id}"
    client = app.test_client()
    login(client, worker.email, PASSWORD)

    for url in (f"{base}/edit", f"{base}/delete"):
        assert client.get(url).status_code == 404
    response = post_form(client, f"{base}/delete", {}, token_from="/portfolio/registrations")
    assert response.status_code == 404
    assert rows(db, colleague) != []
    listing = client.get("/portfolio/registrations").get_data(as_text=True)
    assert "You have no registrations yet." in listing
