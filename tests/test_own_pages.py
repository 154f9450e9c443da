"""A worker's own pages (entries, development, registrations) are kept rendered per portfolio
revision (worker/own_pages.py): a repeated visit reads only the session user, and whatever the
page shows is there at the next visit, whoever changed it and however."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    OrganisationSettings,
    Registration,
    Role,
)
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_norm_progress import SKJ
from tests.test_portfolio_revision import _entry as entry


@pytest.fixture
def worker(db):
    org = make_organisation(db)
    team = make_team(db, org)
    make_user(db, org, role=Role.SUPERVISOR, leads=team)
    return make_user(db, org, team=team, locale="en")


def _titled_entry(db, owner, title: str) -> None:
    entry(db, owner, title=title)


def _goal(db, owner, title: str) -> None:
    db.add(
        DevelopmentGoal(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            competency_code="WMO1",
            current_level="beginner",
            target_level="vakbekwaam",
            title=title,
        )
    )
    db.commit()


def _registration(db, owner, number: str) -> None:
    db.add(
        Registration(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            norm_id=SKJ,
            registration_number=number,
            registered_on=date(2024, 1, int(number[-1])),
        )
    )
    db.commit()


PAGES = {
    "/portfolio/entries": (_titled_entry, "Eerste scholing", "Tweede scholing"),
    "/portfolio/development": (_goal, "Eerste doel", "Tweede doel"),
    "/portfolio/registrations": (_registration, "110001234", "110005678"),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_a_page_is_kept_until_something_it_shows_changes(client, db, worker, count_queries, path):
    add, first, second = PAGES[path]
    add(db, worker, first)
    login(client, worker.email, PASSWORD)
    assert first in client.get(path).get_data(as_text=True)
    with count_queries() as counter:
        again = client.get(path).get_data(as_text=True)
    assert first in again
    assert counter.count == 1  # the session user; the content is kept
    add(db, worker, second)  # straight in the database, as another process would
    shown = client.get(path).get_data(as_text=True)
    assert first in shown and second in shown


def test_each_query_string_has_its_own_page(client, db, worker):
    for n in range(3):
        entry(db, worker, title=f"Scholing {n}")
    entry(db, worker, title="Intervisie over grenzen", kind="intervision")
    login(client, worker.email, PASSWORD)
    everything = client.get("/portfolio/entries").get_data(as_text=True)
    found = client.get("/portfolio/entries?q=grenzen").get_data(as_text=True)
    assert "Scholing 1" in everything and "Intervisie over grenzen" in everything
    assert "Scholing 1" not in found and "Intervisie over grenzen" in found


def test_an_entrys_status_follows_the_kinds_the_organisation_signs_off(client, db, worker):
    """Changing the kinds to sign off raises no revision: the kinds are part of the key."""
    entry(db, worker, title="Eerste scholing")
    login(client, worker.email, PASSWORD)
    assert ">recorded<" in client.get("/portfolio/entries").get_data(as_text=True)
    db.add(
        OrganisationSettings(
            organisation_id=worker.organisation_id, signoff_kinds=["peer_review", "training"]
        )
    )
    db.commit()
    assert ">draft<" in client.get("/portfolio/entries").get_data(as_text=True)


def test_a_supervisors_assessment_shows_on_the_development_page_at_once(client, db, worker):
    login(client, worker.email, PASSWORD)
    assert "Latest assessment by your supervisor" not in client.get(
        "/portfolio/development"
    ).get_data(as_text=True)
    lead = make_user(db, make_organisation(db), role=Role.SUPERVISOR)
    assessment = CompetencyAssessment(
        organisation_id=worker.organisation_id,
        subject_id=worker.id,
        assessor_id=lead.id,
        assessed_on=date(2026, 10, 1),
        catalogue_version="t",
    )
    db.add(assessment)
    db.flush()
    db.add(
        CompetencyRating(
            assessment_id=assessment.id, competency_code="WMO1", level_code="vakbekwaam"
        )
    )
    db.commit()
    shown = client.get("/portfolio/development").get_data(as_text=True)
    assert "Latest assessment by your supervisor: Oct 1, 2026" in shown


def test_a_new_entry_is_listed_after_saving_it(client, db, worker):
    entry(db, worker, title="Eerste scholing")
    login(client, worker.email, PASSWORD)
    client.get("/portfolio/entries")
    data = {"title": "Tweede scholing", "occurred_on": "2026-10-20", "hours": "1,5"}
    assert post_form(client, "/portfolio/entries/new/training", data).status_code == 302
    assert "Tweede scholing" in client.get("/portfolio/entries").get_data(as_text=True)
