"""HR manages people and teams: add and invite, edit, deactivate (sessions end), teams and leads."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from portfolio.models import AuditEvent, OutboxMessage, Role, Team, TeamLead, User
from tests.conftest import flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

# The real SMTP server fixture (conftest may load it for every module; loading twice is fine).
pytest_plugins = ["tests.smtp"]

BASE_URL = "https://vakbekwaam.test"
LINK_RE = re.compile(re.escape(BASE_URL) + r"/password/reset/[A-Za-z0-9_\-]+")
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def org(db):
    return make_organisation(db, name="Zorggroep Noord")


@pytest.fixture
def team(db, org):
    return make_team(db, org, name="Wijkteam Oost")


@pytest.fixture
def hr(db, org):
    return make_user(db, org, role=Role.HR, locale="en")  # messages asserted in English


@pytest.fixture
def hr_client(app, hr):
    client = app.test_client()
    assert login(client, hr.email, PASSWORD).status_code == 302
    return client


def fresh(db, model, key):
    """A row as committed by the app (the test session may hold an older copy)."""
    db.expire_all()
    return db.get(model, key)


def audit_rows(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def count(db, model, *where) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model).where(*where))


# --- adding a person -----------------------------------------------------------------------


def test_hr_adds_a_person_who_is_invited_and_chooses_a_password(
    app, db, org, team, hr, hr_client, smtp_server, clock
):
    app.config.update(smtp_server.settings(), PUBLIC_BASE_URL=BASE_URL)
    response = post_form(
        hr_client,
        "/hr/people/new",
        {
            "name": " Anna  Jansen ",
            "email": "Anna.Jansen@Example.org ",
            "role": "worker",
            "team_id": str(team.id),
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    person = db.scalars(select(User).where(User.email == "anna.jansen@example.org")).one()
    assert (person.name, person.role, person.team_id, person.organisation_id) == (
        "Anna Jansen",
        "worker",
        team.id,
        org.id,
    )
    assert response.location == f"/hr/people/{person.id}"
    # No password anybody knows: the invitation is the way in.
    assert login(app.test_client(), person.email, PASSWORD).status_code == 200
    [message] = smtp_server.messages
    assert message["To"] == "anna.jansen@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Zorggroep Noord" in body
    link = urlsplit(LINK_RE.search(body).group(0)).path

    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    set_password = post_form(newcomer, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert set_password.status_code == 302
    assert login(newcomer, person.email, NEW_PASSWORD).status_code == 302
    [event] = audit_rows(db, "person_created")
    assert (event.actor_id, event.subject_user_id, event.detail) == (hr.id, person.id, None)


def test_an_invitation_is_queued_when_the_mail_server_is_down(db, hr_client):
    response = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Bram Bakker", "email": "bram@example.org", "role": "worker", "team_id": "0"},
    )

    assert response.status_code == 302
    [queued] = db.scalars(select(OutboxMessage)).all()
    assert (queued.to_address, queued.status, queued.attempts) == ("bram@example.org", "queued", 1)


def test_an_email_address_can_be_used_once_whatever_its_case(db, org, hr_client):
    make_user(db, make_organisation(db), email="bram@example.org")

    response = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Bram Bakker", "email": "BRAM@example.org", "role": "worker", "team_id": "0"},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This e-mail address cannot be used." in page
    assert "another account" not in page  # nor whose, nor in which organisation
    assert 'value="BRAM@example.org"' in response.get_data(as_text=True)  # what was typed stays
    assert count(db, User, User.organisation_id == org.id) == 1  # only HR


def test_hr_cannot_give_the_admin_role_by_posting_it(db, org, hr_client):
    response = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Eve", "email": "eve@example.org", "role": "admin", "team_id": "0"},
    )

    assert response.status_code == 200
    assert count(db, User, User.email == "eve@example.org") == 0


def test_a_team_of_another_organisation_cannot_be_chosen(db, hr_client):
    foreign = make_team(db, make_organisation(db))

    response = post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Eve", "email": "eve@example.org", "role": "worker", "team_id": str(foreign.id)},
    )

    assert response.status_code == 200
    assert count(db, User, User.email == "eve@example.org") == 0


# --- editing -------------------------------------------------------------------------------


def test_editing_changes_the_record_and_audits_field_names_only(db, org, team, hr, hr_client):
    person = make_user(db, org, name="Anna Jansen")

    response = post_form(
        hr_client,
        f"/hr/people/{person.id}/edit",
        {
            "name": "Anna de Vries",
            "email": person.email,
            "role": "supervisor",
            "team_id": str(team.id),
        },
    )

    assert response.status_code == 302
    changed = fresh(db, User, person.id)
    assert (changed.name, changed.role, changed.team_id) == ("Anna de Vries", "supervisor", team.id)
    [event] = audit_rows(db, "person_updated")
    assert (event.actor_id, event.subject_user_id) == (hr.id, person.id)
    assert event.detail == "fields=name,role,team_id"
    assert "Vries" not in event.detail


def test_the_employment_start_date_is_set_shown_and_cleared(db, org, team, hr, hr_client):
    response = post_form(
        hr_client,
        "/hr/people/new",
        {
            "name": "Bo Bakker",
            "email": "bo@example.org",
            "role": "worker",
            "team_id": "0",
            "employment_started_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    person = db.scalars(select(User).where(User.email == "bo@example.org")).one()
    assert person.employment_started_on == date(2024, 3, 1)
    page = hr_client.get(f"/hr/people/{person.id}").get_data(as_text=True)
    assert re.search(r"Employment start date</dt><dd>Mar 1, 2024</dd>", page)
    edit = hr_client.get(f"/hr/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="2024-03-01"' in edit

    fields = {"name": "Bo Bakker", "email": "bo@example.org", "role": "worker", "team_id": "0"}
    wrong = post_form(
        hr_client, f"/hr/people/{person.id}/edit", {**fields, "employment_started_on": "2024-02-30"}
    )
    assert wrong.status_code == 200 and "Not a valid date value." in wrong.get_data(as_text=True)
    assert fresh(db, User, person.id).employment_started_on == date(2024, 3, 1)
    post_form(hr_client, f"/hr/people/{person.id}/edit", {**fields, "employment_started_on": ""})
    assert fresh(db, User, person.id).employment_started_on is None
    [event] = audit_rows(db, "person_updated")
    assert event.detail == "fields=employment_started_on"
    page = hr_client.get(f"/hr/people/{person.id}").get_data(as_text=True)
    assert re.search(r"Employment start date</dt><dd>—</dd>", page)


def test_a_supervisor_who_gets_another_role_stops_leading(db, org, team, hr_client):
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)

    post_form(
        hr_client,
        f"/hr/people/{lead.id}/edit",
        {"name": lead.name, "email": lead.email, "role": "worker", "team_id": "0"},
    )

    assert count(db, TeamLead, TeamLead.user_id == lead.id) == 0


def test_nobody_changes_their_own_role(db, hr, hr_client):
    response = post_form(
        hr_client,
        f"/hr/people/{hr.id}/edit",
        {"name": hr.name, "email": hr.email, "role": "worker", "team_id": "0"},
    )

    assert response.status_code == 200
    assert "You cannot change the role of your own account." in response.get_data(as_text=True)
    assert fresh(db, User, hr.id).role == "hr"


def test_hr_may_not_change_an_admin_but_an_admin_may(app, db, org, hr_client):
    admin = make_user(db, org, role=Role.ADMIN)
    other_admin = make_user(db, org, role=Role.ADMIN)
    admin_client = app.test_client()
    login(admin_client, admin.email, PASSWORD)

    assert hr_client.get(f"/hr/people/{other_admin.id}/edit").status_code == 403
    assert hr_client.get(f"/hr/people/{other_admin.id}/deactivate").status_code == 403
    assert "/edit" not in hr_client.get(f"/hr/people/{other_admin.id}").get_data(as_text=True)
    assert admin_client.get(f"/hr/people/{other_admin.id}/edit").status_code == 200


def test_people_of_another_organisation_are_not_found(db, hr_client):
    stranger = make_user(db, make_organisation(db))
    foreign_team = make_team(db, make_organisation(db))

    person, team = f"/hr/people/{stranger.id}", f"/hr/teams/{foreign_team.id}"
    paths = (f"{person}/edit", f"{person}/deactivate", f"{team}/edit", f"{team}/delete")
    for path in paths:
        assert hr_client.get(path).status_code == 404, path
    response = post_form(
        hr_client, f"/hr/people/{stranger.id}/reactivate", {}, token_from="/hr/people/new"
    )
    assert response.status_code == 404
    assert fresh(db, User, stranger.id).is_active


# --- deactivation --------------------------------------------------------------------------


def test_deactivation_ends_the_sessions_of_that_person_at_once(app, db, org, team, hr_client):
    worker = make_user(db, org, team=team)
    worker_browser = app.test_client()
    assert login(worker_browser, worker.email, PASSWORD).status_code == 302
    assert worker_browser.get("/account").status_code == 200
    copied_cookie = worker_browser.get_cookie("session").value

    response = post_form(hr_client, f"/hr/people/{worker.id}/deactivate", {})

    assert response.status_code == 302
    assert worker_browser.get("/account").status_code == 302  # to the log-in page
    thief = app.test_client()
    thief.set_cookie("session", copied_cookie)
    assert thief.get("/account").status_code == 302
    assert login(app.test_client(), worker.email, PASSWORD).status_code == 200
    [event] = audit_rows(db, "person_deactivated")
    assert event.subject_user_id == worker.id

    # Reactivated, the person logs in again, but the old session stays ended.
    post_form(hr_client, f"/hr/people/{worker.id}/reactivate", {}, token_from="/hr/people/new")
    assert fresh(db, User, worker.id).is_active
    assert thief.get("/account").status_code == 302
    assert login(app.test_client(), worker.email, PASSWORD).status_code == 302
    assert len(audit_rows(db, "person_reactivated")) == 1


def test_deactivation_voids_an_open_invitation(app, db, hr_client, smtp_server):
    app.config.update(smtp_server.settings(), PUBLIC_BASE_URL=BASE_URL)
    post_form(
        hr_client,
        "/hr/people/new",
        {"name": "Bram Bakker", "email": "bram@example.org", "role": "worker", "team_id": "0"},
    )
    person = db.scalars(select(User).where(User.email == "bram@example.org")).one()
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    link = urlsplit(LINK_RE.search(body).group(0)).path

    post_form(hr_client, f"/hr/people/{person.id}/deactivate", {})
    post_form(hr_client, f"/hr/people/{person.id}/reactivate", {}, token_from="/hr/people/new")

    assert app.test_client().get(link).status_code == 302  # invalid: back to "forgot password"


def test_nobody_deactivates_their_own_account(db, hr, hr_client):
    assert "You cannot deactivate your own account" in hr_client.get(
        f"/hr/people/{hr.id}/deactivate"
    ).get_data(as_text=True)

    response = post_form(hr_client, f"/hr/people/{hr.id}/deactivate", {})

    assert response.status_code == 200
    assert fresh(db, User, hr.id).is_active


def test_the_person_page_offers_the_actions(db, org, hr_client):
    person = make_user(db, org, is_active=False)

    page = hr_client.get(f"/hr/people/{person.id}").get_data(as_text=True)

    assert f"/hr/people/{person.id}/edit" in page
    assert f"/hr/people/{person.id}/reactivate" in page
    listing = hr_client.get("/hr/people").get_data(as_text=True)
    assert all(link in listing for link in ("/hr/people/new", "/hr/import", "/hr/teams"))


# --- teams ---------------------------------------------------------------------------------


def test_hr_adds_renames_and_sets_the_leads_of_a_team(db, org, hr, hr_client):
    first, second = (make_user(db, org, role=Role.SUPERVISOR) for _ in range(2))
    response = post_form(hr_client, "/hr/teams/new", {"name": "Jeugdteam Zuid"})
    assert response.status_code == 302
    team = db.scalars(select(Team).where(Team.name == "Jeugdteam Zuid")).one()

    edit = f"/hr/teams/{team.id}/edit"
    post_form(hr_client, edit, {"name": "Jeugdteam Zuid-West", "leads": [first.id, second.id]})
    post_form(hr_client, edit, {"name": "Jeugdteam Zuid-West", "leads": [second.id]})

    assert fresh(db, Team, team.id).name == "Jeugdteam Zuid-West"
    assert set(db.scalars(select(TeamLead.user_id).where(TeamLead.team_id == team.id))) == {
        second.id
    }
    assert len(audit_rows(db, "team_created")) == len(audit_rows(db, "team_renamed")) == 1
    assert sorted(e.subject_user_id for e in audit_rows(db, "team_lead_added")) == sorted(
        [first.id, second.id]
    )
    [removed] = audit_rows(db, "team_lead_removed")
    assert (removed.subject_user_id, removed.subject_id) == (first.id, team.id)
    assert "Jeugdteam" not in (removed.detail or "")
    listing = hr_client.get("/hr/teams").get_data(as_text=True)
    assert "Jeugdteam Zuid-West" in listing and second.name in listing


def test_a_team_name_is_used_once_per_organisation_whatever_its_case(db, org, team, hr_client):
    response = post_form(hr_client, "/hr/teams/new", {"name": "wijkteam oost"})

    assert response.status_code == 200
    assert "already has a team with this name" in response.get_data(as_text=True)
    assert count(db, Team, Team.organisation_id == org.id) == 1


def test_only_supervisors_can_lead_a_team(db, org, team, hr_client):
    worker = make_user(db, org)

    response = post_form(
        hr_client, f"/hr/teams/{team.id}/edit", {"name": team.name, "leads": [str(worker.id)]}
    )

    assert response.status_code == 200
    assert count(db, TeamLead, TeamLead.team_id == team.id) == 0


def test_a_team_with_people_in_it_is_not_deleted(db, org, team, hr_client):
    make_user(db, org, team=team)

    assert "Move them to another team first" in hr_client.get(
        f"/hr/teams/{team.id}/delete"
    ).get_data(as_text=True)
    response = post_form(hr_client, f"/hr/teams/{team.id}/delete", {})

    assert response.status_code == 302
    assert ("error", "People are still in this team. Move them to another team first.") in (
        flashes(hr_client.get(response.location))
    )
    assert fresh(db, Team, team.id) is not None
    assert audit_rows(db, "team_deleted") == []


def test_an_empty_team_is_deleted_with_its_leads(db, org, team, hr_client):
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    team_id = team.id

    response = post_form(hr_client, f"/hr/teams/{team_id}/delete", {})

    assert response.status_code == 302
    assert count(db, Team, Team.id == team_id) == 0
    assert count(db, TeamLead, TeamLead.user_id == lead.id) == 0
    [event] = audit_rows(db, "team_deleted")
    assert (event.subject_type, event.subject_id) == ("team", team_id)


def test_the_team_list_needs_as_many_statements_for_3_as_for_30_teams(
    db, org, hr_client, count_queries
):
    def add_teams(numbers):
        for n in numbers:
            team = make_team(db, org, name=f"Team {n:02d}")
            make_user(db, org, team=team)
            make_user(db, org, role=Role.SUPERVISOR, leads=team)

    def statements() -> int:
        hr_client.get("/hr/teams").close()
        with count_queries() as counter:
            assert hr_client.get("/hr/teams?page=1").status_code == 200
        return counter.count

    add_teams(range(3))
    few = statements()
    add_teams(range(3, 30))
    assert statements() == few <= 10
