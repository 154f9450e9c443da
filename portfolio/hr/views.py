"""Views of the HR area."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from portfolio import access, db
from portfolio.hr import bp
from portfolio.models import Role
from portfolio.requests import page_number, search_text
from portfolio.services.people import people
from portfolio.services.privacy import retention


@bp.route("/people")
@access.roles(Role.HR, Role.ADMIN)
def people_list():
    """Everyone in the organisation, searchable and paginated."""
    viewer = current_user._get_current_object()
    session = db.session()
    query = search_text()
    page = people.list_people(
        session,
        viewer=viewer,
        query=query,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        count_limit=current_app.config["PAGE_COUNT_LIMIT"],
    )
    teams = people.teams_by_id(
        session, organisation_id=viewer.organisation_id, ids=[p.team_id for p in page.items]
    )
    return render_template("hr/people_list.html", page=page, teams=teams, query=query)


@bp.route("/people/<int:person_id>")
@access.roles(Role.HR, Role.ADMIN, Role.SUPERVISOR)
def person(person_id: int):
    """One person's record: name, role, team, status. Never portfolio content."""
    viewer = current_user._get_current_object()
    session = db.session()
    subject = people.get_person(session, viewer=viewer, person_id=person_id)
    teams = people.teams_by_id(
        session, organisation_id=viewer.organisation_id, ids=[subject.team_id]
    )
    return render_template(
        "hr/person.html",
        person=subject,
        team=teams.get(subject.team_id),
        may_change=access.may_change_person(viewer, subject),
        may_erase=access.may_erase_departed(viewer, subject) and subject.erased_at is None,
        erase_on=retention.erase_on(
            subject,
            months=retention.retention_months(session, organisation_id=subject.organisation_id),
        )
        if not subject.is_active and viewer.has_role(Role.HR, Role.ADMIN)
        else None,
    )
