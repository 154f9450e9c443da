"""Hardening of what a request carries: control characters, line breaks, huge ids, error pages.

Findings 4 (NUL bytes; the error page independent of the database session) and 7 (ids ≥ 2^31)
of the issue "Hardening".
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from portfolio import access, create_app
from portfolio import db as database
from portfolio.models import DevelopmentGoal, Role, Team, User
from tests.conftest import app_config, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

GOAL = {
    "competency_code": "WMO3",
    "current_level": "beginner",
    "target_level": "vakbekwaam",
    "status": "open",
}


def test_a_nul_byte_in_a_form_is_removed_and_the_goal_is_saved(client, db, clock):
    worker = make_user(db, (org := make_organisation(db)), team=make_team(db, org))
    login(client, worker.email, PASSWORD)
    form = {
        **GOAL,
        "title": "Beter\x00 doorvragen\x07",
        "actions": "Eerst\tluisteren\r\nDan\x00 vragen",
    }
    response = post_form(
        client,
        "/portfolio/development/goals/new",
        form,
        token_from="/portfolio/development/goals/new",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    goal = db.scalars(select(DevelopmentGoal)).one()
    assert goal.title == "Beter doorvragen"
    assert goal.actions.replace("\r\n", "\n") == "Eerst\tluisteren\nDan vragen"


def test_a_nul_byte_in_a_search_parameter_answers_the_page(client, db, clock):
    worker = make_user(db, (org := make_organisation(db)), team=make_team(db, org))
    login(client, worker.email, PASSWORD)
    for path in (
        "/portfolio/entries?q=a%00b",
        "/portfolio/development/goals/1/evidence?q=%00",
        "/login?next=%00",
    ):
        assert client.get(path).status_code in (200, 302, 404), path


def test_a_line_break_in_a_one_line_field_is_refused_and_nothing_is_saved(client, db, clock):
    worker = make_user(db, (org := make_organisation(db)), team=make_team(db, org))
    login(client, worker.email, PASSWORD)
    form = {**GOAL, "title": "Beter\r\nBcc: x@example.org", "actions": "Twee\nregels mag"}
    response = post_form(
        client,
        "/portfolio/development/goals/new",
        form,
        token_from="/portfolio/development/goals/new",
    )
    assert response.status_code == 200
    assert "Use a single line here" in response.get_data(as_text=True) or "één regel" in (
        response.get_data(as_text=True)
    )
    assert db.scalars(select(DevelopmentGoal)).all() == []


def test_an_id_beyond_32_bits_answers_404_on_every_int_route(client, db):
    hr = make_user(db, make_organisation(db), role=Role.HR)
    login(client, hr.email, PASSWORD)
    for path in (
        "/hr/people/2147483648",
        "/hr/people/99999999999999999999",
        "/portfolio/entries/2147483648",
    ):
        assert client.get(path).status_code == 404, path


def test_an_int_rule_never_accepts_more_than_a_32_bit_id(app):
    from werkzeug.routing import IntegerConverter

    converters = [
        (rule.rule, converter)
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, IntegerConverter)
    ]
    assert len(converters) > 40
    for path, converter in converters:
        assert converter.max is not None and converter.max <= 2**31 - 1, path


def test_a_database_failure_shows_the_apps_own_error_page(database_url, db):
    application = create_app(app_config(database_url))
    application.testing = False  # answer with the error page, as in production

    @access.authenticated
    def broken():
        session = database.session()
        user = session.get(User, current_user.id)
        user.name = "Veranderd"
        session.add(Team(organisation_id=2_000_000, name="x"))  # no such organisation
        session.flush()
        return "never"

    application.add_url_rule("/broken", "broken", broken)
    worker = make_user(db, make_organisation(db), locale="en")
    try:
        client = application.test_client()
        login(client, worker.email, PASSWORD)
        response = client.get("/broken")
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong" in page and "Vakbekwaam" in page
        assert "Internal Server Error" not in page
        assert client.get("/notifications").status_code == 200  # the next request is fine
    finally:
        application.extensions["db_engine"].dispose()
