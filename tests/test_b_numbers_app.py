"""Issue 14 in the app: the demo organisation's own Registerplein numbers give a forecast, marked
as the organisation's; an organisation without them is told what to set; a confirmed number
overridden is "afwijkend van de registernorm"; the entry form takes one accreditation per
register and Dutch numbers; an old id without a register counts nowhere until its register
is named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio import demo
from portfolio.models import Entry, Registration, ThresholdOverride, User
from portfolio.services.norms import norm_progress


def test_the_demo_organisation_sets_example_registerplein_numbers_as_its_own(db):
    demo.create(db, workers=0, years=0, today=date(2026, 12, 1))
    override = db.scalars(select(ThresholdOverride)).one()
    assert override.norm_id == "registerplein-sociaal-werker"
    assert "niet van Registerplein" in override.note
    worker = db.scalars(select(User).where(User.email == demo.DEMO_LOGINS[0][0])).one()
    registration = Registration(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        norm_id="registerplein-sociaal-werker",
        registered_on=date(2024, 1, 1),
    )
    db.add(registration)
    db.commit()
    status = norm_progress.status_for(db, registration=registration, as_of=date(2026, 12, 1))
    # A forecast can be made (no threshold is "te verifiëren" any more) ...
    assert status.forecast.on_track is not None
    # ... and it is never presented as the register's confirmed norm.
    assert status.verified is False


# The entry form -------------------------------------------------------------------------------

import pytest  # noqa: E402

from tests.conftest import csrf_token, login  # noqa: E402
from tests.factories import PASSWORD, make_organisation, make_team, make_user  # noqa: E402
from tests.test_admin_thresholds import _dashboard, world  # noqa: E402,F401


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    user.locale = "nl"
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


TRAINING = {"title": "Motiverende gespreksvoering", "occurred_on": "2026-10-01", "hours": "6"}


def test_the_form_has_one_accreditation_row_per_register_and_no_number_inputs(client, worker):
    html = client.get("/portfolio/entries/new/training").get_data(as_text=True)
    for register in ("registerplein", "skj", "nip", "nvo"):
        assert f'id="accreditation_{register}"' in html
    assert "Registerplein" in html and "Nederlands Instituut van Psychologen" in html
    assert 'type="number"' not in html
    assert 'id="hours" inputmode="decimal"' in html or (
        'inputmode="decimal"' in html and 'name="hours"' in html
    )


def test_a_course_with_two_accreditations_is_stored_per_register(client, db, worker):
    data = {**TRAINING, "accreditation_skj": "SKJ-77", "accreditation_registerplein": "RP-5"}
    assert _post(client, "/portfolio/entries/new/training", data).status_code == 302
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert entry.accreditation_list == [("registerplein", "RP-5"), ("skj", "SKJ-77")]
    assert entry.accredited_by == ",registerplein,skj,"


@pytest.mark.parametrize(("typed", "saved"), [("1,5", "1.5"), ("1.5", "1.5"), ("7,25", "7.25")])
def test_dutch_hours_are_read_as_meant(client, db, worker, typed, saved):
    assert (
        _post(client, "/portfolio/entries/new/training", {**TRAINING, "hours": typed}).status_code
        == 302
    )
    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert entry.hours == Decimal(saved)
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert typed.replace(".", ",") in page  # shown the Dutch way


def test_implausible_hours_are_refused_with_a_suggestion(client, db, worker):
    response = _post(client, "/portfolio/entries/new/training", {**TRAINING, "hours": "1.500"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bedoelde u 1,5?" in html or "Did you mean 1,5?" in html
    assert db.scalars(select(Entry).where(Entry.owner_id == worker.id)).first() is None


def test_an_old_id_without_a_register_counts_nowhere_until_the_worker_names_it(client, db, worker):
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="training",
        title="Oude cursus",
        occurred_on=date(2025, 3, 1),
        hours=Decimal(8),
        accreditations=[{"register": None, "id": "OLD-17"}],
        catalogue_version="test",
    )
    registration = Registration(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        norm_id="skj-jeugd-gezinsprofessional",
        registered_on=date(2024, 1, 1),
    )
    db.add_all([entry, registration])
    db.commit()
    as_of = date(2026, 1, 1)
    status = norm_progress.status_for(db, registration=registration, as_of=as_of)
    assert status.category("scholing").earned == 0
    form = client.get(f"/portfolio/entries/{entry.id}/edit").get_data(as_text=True)
    assert "OLD-17" in form and 'name="unknown_register"' in form
    data = {
        "title": "Oude cursus",
        "occurred_on": "2025-03-01",
        "hours": "8",
        "unknown_register": "skj",
    }
    assert _post(client, f"/portfolio/entries/{entry.id}/edit", data).status_code == 302
    db.expire_all()
    assert db.get(Entry, entry.id).accreditation_list == [("skj", "OLD-17")]
    status = norm_progress.status_for(db, registration=registration, as_of=as_of)
    assert status.category("scholing").earned == 8


def test_an_organisation_without_registerplein_numbers_is_told_what_to_set(db, world):  # noqa: F811
    html = world["admin_client"].get("/admin/thresholds").get_data(as_text=True)
    assert "see no forecast until every threshold has a number" in html or ("geen prognose" in html)


def test_an_overridden_confirmed_number_is_marked_on_the_dashboard(db, world):  # noqa: F811
    db.add(
        ThresholdOverride(
            organisation_id=world["org"].id,
            norm_id="skj-jeugd-gezinsprofessional",
            thresholds={"reflectie": {"min": 40}},
        )
    )
    db.add(
        Registration(
            organisation_id=world["org"].id,
            owner_id=world["worker"].id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2024, 1, 1),
        )
    )
    db.commit()
    assert "afwijkend van de registernorm" in _dashboard(world)
    admin = world["admin_client"].get("/admin/thresholds").get_data(as_text=True)
    assert "afwijkend van de registernorm" in admin
