"""The portfolio revision that keys the cached dashboard: raised by every change to what the
dashboard shows, for exactly the people concerned; and the cache that relies on it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryTag,
    GoalEvidence,
    Registration,
    Role,
    ThresholdOverride,
    User,
)
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user


@pytest.fixture
def people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, locale="en")
    colleague = make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    elsewhere = make_user(db, make_organisation(db))
    return worker, colleague, lead, elsewhere


def revisions(db, *users) -> list[int]:
    ids = [u.id for u in users]
    rows = db.execute(select(User.id, User.portfolio_revision).where(User.id.in_(ids))).all()
    found = dict(rows)
    return [found[i] for i in ids]


def _entry(db, owner, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        occurred_on=date(2026, 10, 1),
        hours=Decimal(3),
        catalogue_version="t",
        **{"title": "Scholing", "kind": "training", **fields},
    )
    db.add(entry)
    db.commit()
    return entry


def _goal(db, owner) -> DevelopmentGoal:
    goal = DevelopmentGoal(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        competency_code="WMO1",
        current_level="basis",
        target_level="gevorderd",
        title="Beter doorvragen",
    )
    db.add(goal)
    db.commit()
    return goal


def _assessment(db, subject, assessor) -> CompetencyAssessment:
    assessment = CompetencyAssessment(
        organisation_id=subject.organisation_id,
        subject_id=subject.id,
        assessor_id=assessor.id,
        assessed_on=date(2026, 10, 1),
        catalogue_version="t",
    )
    db.add(assessment)
    db.commit()
    return assessment


def _registration(db, owner) -> None:
    db.add(
        Registration(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2025, 1, 1),
        )
    )


ROWS = {"entry": _entry, "registration": _registration, "goal": _goal}


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_a_new_row_raises_only_its_owners_revision(db, people, kind):
    worker, colleague, _lead, elsewhere = people
    before = revisions(db, worker, colleague, elsewhere)
    ROWS[kind](db, worker)
    db.commit()
    assert revisions(db, worker, colleague, elsewhere) == [before[0] + 1, *before[1:]]


def test_an_assessment_raises_its_subjects_revision_not_the_assessors(db, people):
    worker, _colleague, lead, _elsewhere = people
    before = revisions(db, worker, lead)
    assessment = _assessment(db, worker, lead)
    assert revisions(db, worker, lead) == [before[0] + 1, before[1]]
    db.add(
        CompetencyRating(assessment_id=assessment.id, competency_code="WMO1", level_code="basis")
    )
    db.commit()
    assert revisions(db, worker, lead) == [before[0] + 2, before[1]]


def test_child_rows_raise_their_parents_owner(db, people):
    worker, colleague, _lead, _elsewhere = people
    entry, goal = _entry(db, worker), _goal(db, worker)
    before = revisions(db, worker, colleague)
    db.add(EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO2"))
    db.commit()
    db.add(GoalEvidence(goal_id=goal.id, entry_id=entry.id))
    db.commit()
    assert revisions(db, worker, colleague) == [before[0] + 2, before[1]]


def test_changes_and_deletes_through_the_orm(db, people):
    worker, colleague, _lead, _elsewhere = people
    entry = _entry(db, worker)
    start = revisions(db, worker)[0]
    entry.title = "Scholing gespreksvoering"
    db.commit()
    db.add(entry)  # touched, but nothing changed: no new revision
    db.commit()
    db.delete(entry)
    db.commit()
    assert revisions(db, worker, colleague)[0] == start + 2


def test_update_and_delete_statements(db, people):
    worker, colleague, _lead, _elsewhere = people
    entry = _entry(db, worker)
    db.add(EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO2"))
    db.commit()
    start = revisions(db, worker, colleague)
    db.execute(update(Entry).where(Entry.id == entry.id).values(status="submitted"))
    db.commit()
    db.execute(delete(EntryTag).where(EntryTag.entry_id == entry.id))
    db.commit()
    db.execute(update(Entry).where(Entry.id == -1).values(status="submitted"))  # no rows
    db.commit()
    assert revisions(db, worker, colleague) == [start[0] + 2, start[1]]


def test_insert_statements_with_their_rows(db, people):
    worker, colleague, _lead, _elsewhere = people
    start = revisions(db, worker, colleague)
    row = {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "kind": "other",
        "title": "Vakliteratuur",
        "occurred_on": date(2026, 9, 1),
        "hours": Decimal(1),
        "catalogue_version": "t",
        "status": "draft",
        "is_shared": False,
        "version": 1,
    }
    db.execute(Entry.__table__.insert(), [row, {**row, "title": "Nog meer"}])
    db.commit()
    entry_id = db.scalars(select(Entry.id).where(Entry.owner_id == worker.id)).first()
    db.execute(
        EntryTag.__table__.insert(),
        {"entry_id": entry_id, "vocabulary": "competency", "code": "WMO3"},
    )
    db.commit()
    assert revisions(db, worker, colleague) == [start[0] + 2, start[1]]


def test_thresholds_raise_everyone_in_the_organisation_only(db, people):
    worker, colleague, lead, elsewhere = people
    before = revisions(db, worker, colleague, lead, elsewhere)
    db.add(
        ThresholdOverride(
            organisation_id=worker.organisation_id,
            norm_id="registerplein-sociaal-werker",
            thresholds={},
        )
    )
    db.commit()
    after = revisions(db, worker, colleague, lead, elsewhere)
    assert after == [before[0] + 1, before[1] + 1, before[2] + 1, before[3]]


# --- the cached dashboard -------------------------------------------------------------------


def _recent(client) -> list[str]:
    html = client.get("/portfolio/").get_data(as_text=True)
    section = html[html.index('id="recent-heading"') :]
    return re.findall(r'<li><a href="/portfolio/entries/\d+">([^<]+)</a>', section)


def test_the_dashboard_is_served_from_the_cache_until_something_changes(
    client, db, people, count_queries
):
    worker, *_others = people
    _entry(db, worker, title="Eerste scholing")
    login(client, worker.email, PASSWORD)
    assert _recent(client) == ["Eerste scholing"]
    with count_queries() as counter:
        assert client.get("/portfolio/").status_code == 200
    assert counter.count == 1  # the user (with the unread count); the content is cached

    data = {
        "title": "Tweede scholing",
        "occurred_on": "2026-10-20",
        "hours": "2",
        "competency_codes": ["WMO1"],
    }
    assert post_form(client, "/portfolio/entries/new/training", data).status_code == 302
    assert _recent(client) == ["Tweede scholing", "Eerste scholing"]
    # A change by someone else, outside this worker's requests (here: straight in the database).
    entry = db.scalars(select(Entry).where(Entry.title == "Eerste scholing")).one()
    entry.title = "Eerste scholing (hernoemd)"
    db.commit()
    assert _recent(client) == ["Tweede scholing", "Eerste scholing (hernoemd)"]


def test_each_language_has_its_own_page(client, db, people):
    worker, *_others = people
    _entry(db, worker)
    login(client, worker.email, PASSWORD)
    assert "Recent entries" in client.get("/portfolio/").get_data(as_text=True)
    worker.locale = "nl"
    db.commit()
    assert "Recente items" in client.get("/portfolio/").get_data(as_text=True)


@pytest.mark.parametrize("setting", [("DASHBOARD_CACHE_SIZE", 0), ("DASHBOARD_CACHE_SECONDS", 0)])
def test_the_cache_can_be_switched_off(app, client, db, people, count_queries, setting):
    app.config[setting[0]] = setting[1]
    worker, *_others = people
    _entry(db, worker)
    login(client, worker.email, PASSWORD)
    client.get("/portfolio/")
    with count_queries() as counter:
        client.get("/portfolio/")
    assert counter.count > 5
