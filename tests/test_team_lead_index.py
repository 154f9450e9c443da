"""The teams a supervisor leads are found through `ix_team_lead_user_id` (migration c8e0f2a4b6d8).

The primary key (team_id, user_id) cannot answer "which teams does this supervisor lead": with
4,668 leads at 70,000 workers PostgreSQL read them all for the team page and the sign-off queue.
"""

from __future__ import annotations

import pytest

from portfolio.models import Role
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_hr_evaluation_indexes import _plan, _statements_of


@pytest.fixture
def lead_client(app, db):
    org = make_organisation(db)
    for n in range(3):  # teams led by others
        team = make_team(db, org, name=f"Team {n}")
        make_user(db, org, team=team, name=f"Werker {n}")
        make_user(db, org, role=Role.SUPERVISOR, leads=team, name=f"Leider {n}")
    led = make_team(db, org, name="Geleid")
    make_user(db, org, team=led, name="Anna")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=led, name="Lea Lead")
    db.commit()
    client = app.test_client()
    login(client, lead.email, PASSWORD)
    return client


def test_the_led_teams_are_looked_up_by_supervisor(app, lead_client):
    """The pages ask it inside larger statements, whose join order a test database is too small
    to fix; the question itself is planned here as the pages send it."""
    sent = _statements_of(app, lead_client, "/team/sign-off")
    assert any(
        "SELECT team_lead.team_id \nFROM team_lead \nWHERE team_lead.user_id" in s for s, _ in sent
    )
    question = "SELECT team_lead.team_id FROM team_lead WHERE team_lead.user_id = 1"
    plan = _plan(app, question, {})
    assert "ix_team_lead_user_id" in plan, plan
