"""Self-assessment, goals (POP), the radar, and the supervisor's competency assessment."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portfolio.models import (
    AuditEvent,
    CompetencyAssessment,
    DevelopmentGoal,
    Entry,
    GoalEvidence,
    Organisation,
    Role,
    Team,
)
from portfolio.services import development
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

CODES = development.COMPETENCY_CODES


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    user.locale = "en"
    db.add(user)
    db.commit()
    login(client, user.email, PASSWORD)
    return user


def post(client, path: str, data: dict, **kwargs):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def ratings_form(levels: dict[str, str], day: str = "2026-03-01") -> dict:
    data = {"assessed_on": day}
    for code in CODES:
        data[f"level_{code}"] = levels.get(code, "vakbekwaam")
        data[f"motivation_{code}"] = f"waarom {code}"
    return data


def test_every_assessment_is_kept_and_two_dates_can_be_compared(client, db, worker):
    new = "/portfolio/development/assessment/new"
    for level, day in (("beginner", "2026-01-10"), ("vakvolwassen", "2026-06-10"),
                       ("gevorderd-beginner", "2026-09-10")):  # fmt: skip
        assert post(client, new, ratings_form({"WMO1": level}, day)).status_code == 302
    kept = development.assessments_of(db, subject_id=worker.id)
    assert [a.assessed_on for a in kept] == [date(2026, 9, 10), date(2026, 6, 10),
                                             date(2026, 1, 10)]  # fmt: skip
    assert kept[1].motivations["WMO2"] == "waarom WMO2"
    changes = {d.code: d.steps for d in development.compare(kept[2], kept[1])}
    assert changes["WMO1"] == 3 and changes["WMO2"] == 0
    # By default the latest two: vakvolwassen (4) → gevorderd beginner (2).
    page = client.get("/portfolio/development").get_data(as_text=True)
    assert "<img" in page and "<td>-2</td>" in page and "<td>+3</td>" not in page
    # Two chosen dates, in either order: January → June.
    chosen = f"/portfolio/development?earlier={kept[1].id}&later={kept[2].id}"
    page = client.get(chosen).get_data(as_text=True)
    assert "<td>+3</td>" in page and "<td>-2</td>" not in page
    assert f'value="{kept[2].id}" selected' in page
    # The new form starts from the latest assessment.
    again = client.get("/portfolio/development/assessment/new").get_data(as_text=True)
    assert 'selected value="gevorderd-beginner"' in again


def test_a_missing_or_unknown_level_is_refused_and_the_input_kept(client, db, worker):
    data = ratings_form({})
    data["level_WMO3"] = ""
    data["level_WMO4"] = "expert"
    response = post(client, "/portfolio/development/assessment/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid choice" in page  # WMO4: a level that does not exist
    assert 'href="#level_WMO4"' in page
    assert "waarom WMO5" in page  # what was typed stays
    del data["level_WMO4"]
    page = post(client, "/portfolio/development/assessment/new", data).get_data(as_text=True)
    assert "Choose a level for this competency." in page and 'href="#level_WMO3"' in page
    assert db.scalars(select(CompetencyAssessment)).all() == []


def test_unknown_codes_are_refused_with_a_clear_message(db, worker):
    ratings = {**dict.fromkeys(CODES, ("vakbekwaam", "")), "WMO99": ("beginner", "")}
    with pytest.raises(ValueError, match="WMO99: unknown competency code"):
        development.save_self_assessment(db, owner=worker, ratings=ratings,
                                         assessed_on=date(2026, 1, 1))  # fmt: skip
    ratings = {**dict.fromkeys(CODES, ("vakbekwaam", "")), "WMO2": ("expert", "")}
    with pytest.raises(development.InvalidRatings, match="WMO2: unknown level") as refused:
        development.save_self_assessment(db, owner=worker, ratings=ratings,
                                         assessed_on=date(2026, 1, 1))  # fmt: skip
    assert refused.value.errors == {"WMO2": "unknown_level"}
    assert db.scalars(select(CompetencyAssessment)).all() == []
    saved = development.save_self_assessment(
        db, owner=worker, ratings=dict.fromkeys(CODES, ("beginner", "")),
        assessed_on=date(2026, 1, 1),
    )  # fmt: skip
    assert saved.is_self_assessment and saved.catalogue_version


def test_goals_are_kept_with_own_entries_as_evidence_only(client, db, worker):
    mine = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="reflection",
        title="Mijn reflectie",
        occurred_on=date(2026, 2, 1),
        catalogue_version="t",
    )
    stranger = make_user(db, make_organisation(db))
    theirs = Entry(organisation_id=stranger.organisation_id, owner_id=stranger.id,
                   kind="reflection", title="Niet van mij", occurred_on=date(2026, 2, 1),
                   catalogue_version="t")  # fmt: skip
    db.add_all([mine, theirs])
    db.commit()
    form = {"title": "Beter doorvragen", "competency_code": "WMO3", "current_level": "beginner",
            "target_level": "vakbekwaam", "actions": "Intervisie", "due_on": "2027-01-01",
            "status": "open", "evidence": [str(mine.id), str(theirs.id)]}  # fmt: skip
    assert post(client, "/portfolio/development/goals/new", form).status_code == 302
    goal = db.scalars(select(DevelopmentGoal)).one()
    assert set(db.scalars(select(GoalEvidence.entry_id))) == {mine.id}
    backwards = {**form, "target_level": "beginner", "current_level": "vakvolwassen"}
    refused = post(client, f"/portfolio/development/goals/{goal.id}/edit", backwards)
    assert "cannot be below the current level" in refused.get_data(as_text=True)
    dashboard = client.get("/portfolio/").get_data(as_text=True)
    assert "Beter doorvragen" in dashboard
    edited = {**form, "title": "Doorvragen in gesprekken", "evidence": [str(mine.id)]}
    assert post(client, f"/portfolio/development/goals/{goal.id}/edit", edited).status_code == 302
    db.refresh(goal)
    assert goal.title == "Doorvragen in gesprekken"
    achieved = {**edited, "status": "achieved"}
    assert post(client, f"/portfolio/development/goals/{goal.id}/edit", achieved).status_code == 302
    dashboard = client.get("/portfolio/").get_data(as_text=True)
    assert "Doorvragen in gesprekken" not in dashboard and "No open goals." in dashboard
    assert "Remove “Doorvragen in gesprekken”?" in client.get(
        f"/portfolio/development/goals/{goal.id}/delete").get_data(as_text=True)  # fmt: skip
    post(client, f"/portfolio/development/goals/{goal.id}/delete", {})
    assert db.scalars(select(DevelopmentGoal)).all() == []
    assert db.get(Entry, mine.id) is not None  # the evidence stays


def test_another_workers_goal_does_not_exist_for_me(client, db, worker):
    other = make_user(db, db.get(Organisation, worker.organisation_id))
    goal = DevelopmentGoal(organisation_id=other.organisation_id, owner_id=other.id,
                           competency_code="WMO1", current_level="beginner",
                           target_level="vakbekwaam", title="Van een ander")  # fmt: skip
    db.add(goal)
    db.commit()
    for path in (f"/portfolio/development/goals/{goal.id}/edit",
                 f"/portfolio/development/goals/{goal.id}/delete",
                 f"/portfolio/development/goals/{goal.id}/evidence"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert post(client, f"/portfolio/development/goals/{goal.id}/delete", {},
                ).status_code == 404  # fmt: skip
    assert db.get(DevelopmentGoal, goal.id) is not None


def test_the_supervisor_assesses_and_both_see_the_differences(app, client, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    lead.locale = "en"
    db.add(lead)
    db.commit()
    post(client, "/portfolio/development/assessment/new", ratings_form({"WMO7": "vakvolwassen"}))
    other = app.test_client()
    login(other, lead.email, PASSWORD)
    page = other.get(f"/team/members/{worker.id}/assessment").get_data(as_text=True)
    assert "<img" in page  # the member's self-assessment as a radar
    response = post(other, f"/team/members/{worker.id}/assessment",
                    ratings_form({"WMO7": "gevorderd-beginner"}))  # fmt: skip
    assert response.status_code == 302
    page = other.get(f"/team/members/{worker.id}/assessment").get_data(as_text=True)
    assert "<td>-2</td>" in page  # vakvolwassen (4) → gevorderd beginner (2)
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == lead.id)).all()
    mine = client.get("/portfolio/development").get_data(as_text=True)
    assert "You and your supervisor" in mine and "<td>-2</td>" in mine


def test_a_supervisor_of_another_team_cannot_assess(app, db, worker):
    organisation = db.get(Organisation, worker.organisation_id)
    stranger = make_user(db, organisation, role=Role.SUPERVISOR, leads=make_team(db, organisation))
    other = app.test_client()
    login(other, stranger.email, PASSWORD)
    assert other.get(f"/team/members/{worker.id}/assessment").status_code == 404
    data = ratings_form({})
    data["csrf_token"] = csrf_token(other, "/team/")
    assert other.post(f"/team/members/{worker.id}/assessment", data=data).status_code == 404
    with pytest.raises(development.NotVisible):
        development.save_supervisor_assessment(db, supervisor=stranger, subject=worker,
                                               ratings=dict.fromkeys(CODES, ("beginner", "")),
                                               assessed_on=date(2026, 1, 1))  # fmt: skip
    assert db.scalars(select(CompetencyAssessment)).all() == []


def add_assessments_and_goals(client, months: range) -> None:
    for month in months:
        post(client, "/portfolio/development/assessment/new",
             ratings_form({}, f"2026-{month:02d}-01"))  # fmt: skip
        post(client, "/portfolio/development/goals/new",
             {"title": f"Doel {month}", "competency_code": "WMO1", "current_level": "beginner",
              "target_level": "vakbekwaam", "status": "open"})  # fmt: skip


def test_the_dashboard_uses_as_many_statements_with_one_or_many_assessments(
    client, db, worker, count_queries
):
    def statements(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    pages = ("/portfolio/", "/portfolio/development")
    add_assessments_and_goals(client, range(1, 2))
    with count_queries() as counter:
        context = development.dashboard_context(db, owner_id=worker.id, as_of=date(2026, 6, 1))
    assert counter.count <= 3
    assert [g.title for g in context["open_goals"]] == ["Doel 1"]
    one = {path: statements(path) for path in pages}
    add_assessments_and_goals(client, range(2, 12))
    assert {path: statements(path) for path in pages} == one


def test_the_dashboard_invites_a_first_assessment_then_shows_the_radar(client, worker):
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "Assess your ten competencies to see them here as a radar." in page
    assert "data:image/svg+xml" not in page  # an invitation, not an empty chart
    post(client, "/portfolio/development/assessment/new", ratings_form({"WMO9": "beginner"}))
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "data:image/svg+xml" in page and "Assess your ten competencies" not in page
    assert "9. " in page and "Beginner" in page  # the text alternative lists the levels


def test_evidence_is_linked_and_unlinked_only_for_own_entries(client, db, worker):
    mine = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="reflection",
        title="Eigen reflectie",
        occurred_on=date(2026, 2, 1),
        catalogue_version="t",
    )
    colleague = make_user(db, db.get(Organisation, worker.organisation_id))
    theirs = Entry(organisation_id=colleague.organisation_id, owner_id=colleague.id,
                   kind="reflection", title="Van een collega", occurred_on=date(2026, 2, 1),
                   catalogue_version="t")  # fmt: skip
    goal = DevelopmentGoal(organisation_id=worker.organisation_id, owner_id=worker.id,
                           competency_code="WMO2", current_level="beginner",
                           target_level="vakbekwaam", title="Verantwoordelijkheid")  # fmt: skip
    db.add_all([mine, theirs, goal])
    db.commit()
    path = f"/portfolio/development/goals/{goal.id}/evidence"
    page = client.get(path).get_data(as_text=True)
    assert "Eigen reflectie" in page and "Van een collega" not in page
    assert post(client, path, {"action": "link", "entry_id": mine.id}).status_code == 302
    refused = post(client, path, {"action": "link", "entry_id": theirs.id})
    assert refused.status_code == 404
    assert set(db.scalars(select(GoalEvidence.entry_id))) == {mine.id}
    with pytest.raises(development.NotVisible):
        development.link_evidence(db, owner=worker, goal=goal, entry_id=theirs.id)
    assert post(client, path, {"action": "unlink", "entry_id": mine.id}).status_code == 302
    assert db.scalars(select(GoalEvidence)).all() == []
    assert db.get(Entry, mine.id) is not None  # unlinking keeps the entry
    page = post(client, path, {"action": "link", "entry_id": ""}).get_data(as_text=True)
    assert 'class="error-summary"' in page


def test_the_supervisor_starts_from_their_last_assessment_and_the_worker_sees_it(
    app, client, db, worker
):
    organisation = db.get(Organisation, worker.organisation_id)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    lead.locale = "en"
    db.add(lead)
    db.commit()
    ratings = dict.fromkeys(CODES, ("vakbekwaam", "Goed bezig"))
    development.save_supervisor_assessment(db, supervisor=lead, subject=worker,
                                           ratings={**ratings, "WMO5": ("vakvolwassen", "")},
                                           assessed_on=date(2026, 4, 1))  # fmt: skip
    other = app.test_client()
    login(other, lead.email, PASSWORD)
    page = other.get(f"/team/members/{worker.id}/assessment").get_data(as_text=True)
    assert 'selected value="vakvolwassen"' in page and "Goed bezig" in page
    assert "has not assessed their own competencies yet" in page
    # Only the supervisor's assessment: the worker sees it, and is invited to do their own.
    page = client.get("/portfolio/development").get_data(as_text=True)
    assert "data:image/svg+xml" in page and "Goed bezig" in page
    assert "You have not assessed your competencies yet." in page
    assert [a.is_self for a in development.assessments_of(db, subject_id=worker.id)] == [False]
