"""Self-assessment, goals (POP), the radar, and the supervisor's competency assessment."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

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
from portfolio.services.development import development, goals
from portfolio.services.overviews import dashboard
from tests.conftest import csrf_token, login, without_labels
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_norm_progress import SKJ, register

CODES = development.COMPETENCY_CODES


NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


@pytest.fixture
def worker(client, db, clock):
    """A worker who reads English, logged in, with the app's clock on 1 October 2026."""
    clock.now = NOW
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
    for level, day in (
        ("beginner", "2026-01-10"),
        ("vakvolwassen", "2026-06-10"),
        ("gevorderd-beginner", "2026-09-10"),
    ):
        assert post(client, new, ratings_form({"WMO1": level}, day)).status_code == 302
    kept = development.assessments_of(db, subject_id=worker.id)
    assert [a.assessed_on for a in kept] == [
        date(2026, 9, 10),
        date(2026, 6, 10),
        date(2026, 1, 10),
    ]
    assert kept[1].motivations["WMO2"] == "waarom WMO2"
    changes = {d.code: d.steps for d in development.compare(kept[2], kept[1])}
    assert changes["WMO1"] == 3 and changes["WMO2"] == 0
    # By default the latest two: vakvolwassen (4) → gevorderd beginner (2).
    page = without_labels(client.get("/portfolio/development").get_data(as_text=True))
    assert "<img" in page and "<td>-2</td>" in page and "<td>+3</td>" not in page
    # Two chosen dates, in either order: January → June.
    chosen = f"/portfolio/development?earlier={kept[1].id}&later={kept[2].id}"
    page = without_labels(client.get(chosen).get_data(as_text=True))
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
        development.save_self_assessment(
            db, owner=worker, ratings=ratings, assessed_on=date(2026, 1, 1)
        )
    ratings = {**dict.fromkeys(CODES, ("vakbekwaam", "")), "WMO2": ("expert", "")}
    with pytest.raises(development.InvalidRatings, match="WMO2: unknown level") as refused:
        development.save_self_assessment(
            db, owner=worker, ratings=ratings, assessed_on=date(2026, 1, 1)
        )
    assert refused.value.errors == {"WMO2": "unknown_level"}
    assert db.scalars(select(CompetencyAssessment)).all() == []
    saved = development.save_self_assessment(
        db,
        owner=worker,
        ratings=dict.fromkeys(CODES, ("beginner", "")),
        assessed_on=date(2026, 1, 1),
    )
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
    theirs = Entry(
        organisation_id=stranger.organisation_id,
        owner_id=stranger.id,
        kind="reflection",
        title="Niet van mij",
        occurred_on=date(2026, 2, 1),
        catalogue_version="t",
    )
    db.add_all([mine, theirs])
    db.commit()
    form = {
        "title": "Beter doorvragen",
        "competency_code": "WMO3",
        "current_level": "beginner",
        "target_level": "vakbekwaam",
        "actions": "Intervisie",
        "due_on": "2027-01-01",
        "status": "open",
        "evidence": [str(mine.id), str(theirs.id)],
    }
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
        f"/portfolio/development/goals/{goal.id}/delete"
    ).get_data(as_text=True)
    post(client, f"/portfolio/development/goals/{goal.id}/delete", {})
    assert db.scalars(select(DevelopmentGoal)).all() == []
    assert db.get(Entry, mine.id) is not None  # the evidence stays


def test_another_workers_goal_does_not_exist_for_me(client, db, worker):
    other = make_user(db, db.get(Organisation, worker.organisation_id))
    goal = DevelopmentGoal(
        organisation_id=other.organisation_id,
        owner_id=other.id,
        competency_code="WMO1",
        current_level="beginner",
        target_level="vakbekwaam",
        title="Van een ander",
    )
    db.add(goal)
    db.commit()
    for path in (
        f"/portfolio/development/goals/{goal.id}/edit",
        f"/portfolio/development/goals/{goal.id}/delete",
        f"/portfolio/development/goals/{goal.id}/evidence",
    ):
        assert client.get(path).status_code == 404
    assert (
        post(
            client,
            f"/portfolio/development/goals/{goal.id}/delete",
            {},
        ).status_code
        == 404
    )
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
    response = post(
        other, f"/team/members/{worker.id}/assessment", ratings_form({"WMO7": "gevorderd-beginner"})
    )
    assert response.status_code == 302
    page = without_labels(other.get(f"/team/members/{worker.id}/assessment").get_data(as_text=True))
    assert "<td>-2</td>" in page  # vakvolwassen (4) → gevorderd beginner (2)
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == lead.id)).all()
    mine = without_labels(client.get("/portfolio/development").get_data(as_text=True))
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
    with pytest.raises(development.PersonNotVisible):
        development.save_supervisor_assessment(
            db,
            supervisor=stranger,
            subject=worker,
            ratings=dict.fromkeys(CODES, ("beginner", "")),
            assessed_on=date(2026, 1, 1),
        )
    assert db.scalars(select(CompetencyAssessment)).all() == []


def add_assessments_and_goals(client, months: range) -> None:
    for month in months:
        post(
            client,
            "/portfolio/development/assessment/new",
            ratings_form({}, f"2026-{month:02d}-01"),
        )
        post(
            client,
            "/portfolio/development/goals/new",
            {
                "title": f"Doel {month}",
                "competency_code": "WMO1",
                "current_level": "beginner",
                "target_level": "vakbekwaam",
                "status": "open",
            },
        )


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
        context = dashboard.development_summary(db, owner_id=worker.id, as_of=date(2026, 6, 1))
    assert counter.count <= 3
    assert [g.title for g in context["open_goals"]] == ["Doel 1"]
    one = {path: statements(path) for path in pages}
    add_assessments_and_goals(client, range(2, 12))
    assert {path: statements(path) for path in pages} == one


def test_the_dashboard_invites_a_first_assessment_then_shows_the_radar(client, db, worker):
    register(db, worker, SKJ)  # not a first-use page, which has no empty cards
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "Assess your ten competencies to see them here as a radar." in page
    assert "/portfolio/charts/radar/" not in page  # an invitation, not an empty chart
    post(client, "/portfolio/development/assessment/new", ratings_form({"WMO9": "beginner"}))
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "/portfolio/charts/radar/" in page and "Assess your ten competencies" not in page
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
    theirs = Entry(
        organisation_id=colleague.organisation_id,
        owner_id=colleague.id,
        kind="reflection",
        title="Van een collega",
        occurred_on=date(2026, 2, 1),
        catalogue_version="t",
    )
    goal = DevelopmentGoal(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        competency_code="WMO2",
        current_level="beginner",
        target_level="vakbekwaam",
        title="Verantwoordelijkheid",
    )
    db.add_all([mine, theirs, goal])
    db.commit()
    path = f"/portfolio/development/goals/{goal.id}/evidence"
    page = client.get(path).get_data(as_text=True)
    assert "Eigen reflectie" in page and "Van een collega" not in page
    assert post(client, path, {"action": "link", "entry_id": mine.id}).status_code == 302
    refused = post(client, path, {"action": "link", "entry_id": theirs.id})
    assert refused.status_code == 404
    assert set(db.scalars(select(GoalEvidence.entry_id))) == {mine.id}
    with pytest.raises(development.PersonNotVisible):
        goals.link_evidence(db, owner=worker, goal=goal, entry_id=theirs.id)
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
    development.save_supervisor_assessment(
        db,
        supervisor=lead,
        subject=worker,
        ratings={**ratings, "WMO5": ("vakvolwassen", "")},
        assessed_on=date(2026, 4, 1),
    )
    other = app.test_client()
    login(other, lead.email, PASSWORD)
    page = other.get(f"/team/members/{worker.id}/assessment").get_data(as_text=True)
    assert 'selected value="vakvolwassen"' in page and "Goed bezig" in page
    assert "has not assessed their own competencies yet" in page
    # Only the supervisor's assessment: the worker sees it, and is invited to do their own.
    page = client.get("/portfolio/development").get_data(as_text=True)
    radar = re.search(r'<img src="(/portfolio/development/radar/[0-9a-f]{20}\.svg[^"]*)"', page)
    assert radar and "Goed bezig" in page
    assert client.get(radar[1].replace("&amp;", "&")).mimetype == "image/svg+xml"
    assert "You have not assessed your competencies yet." in page
    assert [a.is_self for a in development.assessments_of(db, subject_id=worker.id)] == [False]


def audit_events(db, action: str) -> list[AuditEvent]:
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_motivation_that_may_identify_a_client_is_saved_only_after_confirmation(
    client, db, worker
):
    new = "/portfolio/development/assessment/new"
    data = ratings_form({})
    data["motivation_WMO3"] = "Na het gesprek met mevrouw (bel 06-12345678) zag ik het."

    response = post(client, new, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This text may identify a client" in page
    assert 'href="#motivation_WMO3"' in page and "phone number" in page
    assert page.count("06-12345678") >= 3  # in the summary, beside the field and in it
    assert 'id="privacy_confirmed"' in page
    assert db.scalars(select(CompetencyAssessment)).all() == []
    assert audit_events(db, "privacy_override") == []

    assert post(client, new, {**data, "privacy_confirmed": "y"}).status_code == 302

    saved = db.scalars(select(CompetencyAssessment)).one()
    [event] = audit_events(db, "privacy_override")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        worker.id,
        "competency_assessment",
        saved.id,
    )
    assert event.detail == "fields: motivation WMO3"  # which field, never the text
    kept = development.assessments_of(db, subject_id=worker.id)[0]
    assert "06-12345678" in kept.motivations["WMO3"]


def test_clean_motivations_save_without_a_privacy_question(client, db, worker):
    response = post(client, "/portfolio/development/assessment/new", ratings_form({}))

    assert response.status_code == 302
    assert audit_events(db, "privacy_override") == []


def test_a_goal_that_may_identify_a_client_is_saved_only_after_confirmation(client, db, worker):
    form = {
        "title": "Samenwerken met j.jansen@example.nl",
        "competency_code": "WMO2",
        "current_level": "beginner",
        "target_level": "vakbekwaam",
        "actions": "Huisbezoek aan 1234 AB 12 voorbereiden",
        "status": "open",
    }

    response = post(client, "/portfolio/development/goals/new", form)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#title"' in page and "e-mail address" in page
    assert 'href="#actions"' in page and "postcode and house number" in page
    assert 'id="privacy_confirmed"' in page
    assert db.scalars(select(DevelopmentGoal)).all() == []

    confirmed = {**form, "privacy_confirmed": "y"}
    assert post(client, "/portfolio/development/goals/new", confirmed).status_code == 302

    goal = db.scalars(select(DevelopmentGoal)).one()
    [event] = audit_events(db, "privacy_override")
    assert (event.subject_type, event.subject_id) == ("development_goal", goal.id)
    assert event.detail == "fields: actions, title"
    # Changing the goal to clean text asks nothing and records nothing more.
    clean = {**form, "title": "Samenwerken", "actions": "Overleg plannen"}
    assert post(client, f"/portfolio/development/goals/{goal.id}/edit", clean).status_code == 302
    assert len(audit_events(db, "privacy_override")) == 1


def test_the_overview_shows_my_own_motivations_of_the_compared_assessments(client, db, worker):
    new = "/portfolio/development/assessment/new"
    for day, why in (
        ("2026-01-10", "Januari-motivatie"),
        ("2026-05-10", "Mei-motivatie"),
        ("2026-09-10", "September-motivatie"),
    ):
        data = ratings_form({}, day)
        data["motivation_WMO6"] = why
        assert post(client, new, data).status_code == 302
    kept = development.assessments_of(db, subject_id=worker.id)

    page = client.get("/portfolio/development").get_data(as_text=True)

    assert "Your motivation" in page
    assert "September-motivatie" in page and "Mei-motivatie" in page
    assert "Januari-motivatie" not in page  # not one of the two compared
    chosen = f"/portfolio/development?earlier={kept[2].id}&later={kept[1].id}"
    page = client.get(chosen).get_data(as_text=True)
    assert "Januari-motivatie" in page and "Mei-motivatie" in page
    assert "September-motivatie" not in page


def test_an_older_entry_can_be_found_by_title_and_linked_to_a_goal(client, db, worker):
    common = {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "kind": "reflection",
        "catalogue_version": "t",
    }
    old = Entry(**common, title="Casus over grenzen", occurred_on=date(2020, 3, 1))
    db.add(old)
    db.add_all(
        Entry(**common, title=f"Reflectie {n}", occurred_on=date(2026, 1, 1 + n % 28))
        for n in range(60)
    )
    goal = DevelopmentGoal(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        competency_code="WMO8",
        current_level="beginner",
        target_level="vakbekwaam",
        title="Grenzen bewaken",
    )
    db.add(goal)
    db.commit()
    path = f"/portfolio/development/goals/{goal.id}/evidence"

    first = client.get(path).get_data(as_text=True)
    assert "Casus over grenzen" not in first  # the 25 latest come first
    assert "61 entries" in first and "Page 1 of 3" in first
    assert "Casus over grenzen" in client.get(f"{path}?page=3").get_data(as_text=True)
    found = client.get(f"{path}?q=GRENZEN").get_data(as_text=True)
    assert "Casus over grenzen" in found and "Reflectie 1" not in found

    response = post(client, f"{path}?q=grenzen", {"action": "link", "entry_id": old.id})

    assert response.status_code == 302 and response.headers["Location"].endswith("?q=grenzen")
    assert set(db.scalars(select(GoalEvidence.entry_id))) == {old.id}
    again = client.get(f"{path}?q=grenzen").get_data(as_text=True)
    assert "None of your other entries has “grenzen” in its title." in again
    # A % in the search is taken literally, not as "anything".
    literal = client.get(f"{path}?q=%25").get_data(as_text=True)
    assert "None of your other entries has “%” in its title." in literal


def test_the_dashboard_reads_only_the_two_newest_self_assessments_and_the_newest_by_a_lead(
    db, worker
):
    organisation = db.get(Organisation, worker.organisation_id)
    lead = make_user(db, organisation, role=Role.SUPERVISOR, leads=db.get(Team, worker.team_id))
    ratings = dict.fromkeys(CODES, ("beginner", ""))
    for month in (1, 5, 3):  # saved out of date order
        development.save_self_assessment(
            db, owner=worker, ratings=ratings, assessed_on=date(2026, month, 1)
        )
    for month in (2, 4):
        development.save_supervisor_assessment(
            db, supervisor=lead, subject=worker, ratings=ratings, assessed_on=date(2026, month, 1)
        )
    found = development.recent_assessments(db, subject_id=worker.id)
    assert [(a.assessed_on.month, a.is_self) for a in found] == [(5, True), (4, False), (3, True)]
    summary = dashboard.development_summary(db, owner_id=worker.id, as_of=date(2026, 6, 1))
    assert summary["self_now"].assessed_on == date(2026, 5, 1)
    assert summary["self_before"].assessed_on == date(2026, 3, 1)
    assert summary["supervisor_now"].assessed_on == date(2026, 4, 1)
