"""HR manages people and teams: add, edit, deactivate, reactivate; teams and their leads."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portfolio import access, clock, db
from portfolio.hr import bp
from portfolio.hr.forms import (
    PERSON_MESSAGES,
    TEAM_MESSAGES,
    PersonForm,
    TeamEditForm,
    TeamForm,
)
from portfolio.infra import mail
from portfolio.models import Role, Team, User
from portfolio.requests import page_number
from portfolio.services.people import people_admin, team_admin
from portfolio.services.privacy import erasure, retention
from portfolio.templating import ROLE_LABELS
from portfolio.web.erasure_forms import DepartedErasureForm


def _actor() -> User:
    return current_user._get_current_object()


def _person_to_change(person_id: int) -> User:
    """The account to change: 404 outside the organisation, 403 for an admin's (to HR)."""
    return people_admin.person_for_change(db.session(), actor=_actor(), person_id=person_id)


def _person_choices(form: PersonForm) -> None:
    actor = _actor()
    form.role.choices = [
        SelectChoice(role.value, ROLE_LABELS[role.value]) for role in access.assignable_roles(actor)
    ]
    teams = people_admin.team_choices(db.session(), organisation_id=actor.organisation_id)
    form.team_id.choices = [SelectChoice(0, "—")] + [SelectChoice(t.id, t.name) for t in teams]


def _refused(form, error, messages) -> None:
    """Put a service's refusal on its field (or on the form when the field is not on it)."""
    message = str(messages[(error.field, error.code)])
    if error.field in form:
        form[error.field].errors.append(message)
    else:
        flash(message, "error")


@bp.route("/people/new", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def person_new():
    """Add a person; they are invited by e-mail to choose a password."""
    form = PersonForm()
    _person_choices(form)
    if form.validate_on_submit():
        session = db.session()
        try:
            person, invitation = people_admin.create_person(
                session,
                actor=_actor(),
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                team_id=form.team_id.data or None,
                now=clock.now(),
                base_url=current_app.config["PUBLIC_BASE_URL"],
                employment_started_on=form.employment_started_on.data,
            )
        except people_admin.PersonError as error:
            _refused(form, error, PERSON_MESSAGES)
        else:
            mail.deliver(session, invitation, settings=current_app.config, now=clock.now())
            flash(
                _(
                    "%(name)s has been added and invited by e-mail to choose a password.",
                    name=person.name,
                ),
                "success",
            )
            return redirect(url_for("hr.person", person_id=person.id))
    return render_template("hr/person_new.html", form=form)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def person_edit(person_id: int):
    """Change a person's name, e-mail address, role, team and start date."""
    person = _person_to_change(person_id)
    current = {
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "team_id": person.team_id or 0,
        "employment_started_on": person.employment_started_on,
    }
    form = PersonForm(data=current if request.method == "GET" else None)
    _person_choices(form)
    if form.validate_on_submit():
        try:
            changed = people_admin.update_person(
                db.session(),
                actor=_actor(),
                person=person,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                team_id=form.team_id.data or None,
                employment_started_on=form.employment_started_on.data,
                now=clock.now(),
                base_url=current_app.config["PUBLIC_BASE_URL"],
            )
        except people_admin.PersonError as error:
            _refused(form, error, PERSON_MESSAGES)
        else:
            if changed:
                flash(_("The changes are saved."), "success")
            return redirect(url_for("hr.person", person_id=person.id))
    return render_template("hr/person_edit.html", form=form, person=person)


@bp.route("/people/<int:person_id>/deactivate", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def person_deactivate(person_id: int):
    """Ask, then deactivate an account: every session of it ends at once."""
    person = _person_to_change(person_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            people_admin.deactivate_person(
                db.session(), actor=_actor(), person=person, now=clock.now()
            )
        except people_admin.PersonError as error:
            _refused(form, error, PERSON_MESSAGES)
        else:
            flash(
                _("%(name)s has been deactivated and logged out everywhere.", name=person.name),
                "success",
            )
            return redirect(url_for("hr.person", person_id=person.id))
    return render_template("hr/person_deactivate.html", form=form, person=person)


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def person_erase(person_id: int):
    """Ask, then erase a departed person's portfolio (AVG art. 17). HR sees counts only."""
    actor = _actor()
    person = _person_to_change(person_id)
    session = db.session()
    refusal = None
    try:
        erasure.check_erasure_by(actor, person)
    except erasure.NotErasable as error:
        refusal = error.reason
    form = DepartedErasureForm()
    if refusal is None and form.validate_on_submit():
        erasure.erase(session, person=person, actor=actor, now=clock.now(), why="hr")
        flash(_("The portfolio has been erased. What others co-own is kept."), "success")
        return redirect(url_for("hr.person", person_id=person.id))
    return render_template(
        "hr/person_erase.html",
        form=form,
        person=person,
        refusal=refusal,
        summary=None if refusal else erasure.summary(session, person=person),
        erase_on=retention.erase_on(
            person,
            months=retention.retention_months(session, organisation_id=person.organisation_id),
        ),
    )


@bp.route("/people/<int:person_id>/reactivate", methods=["POST"])
@access.roles(Role.HR, Role.ADMIN)
def person_reactivate(person_id: int):
    """Let a deactivated account log in again."""
    person = _person_to_change(person_id)
    if FlaskForm().validate_on_submit():
        people_admin.reactivate_person(db.session(), actor=_actor(), person=person)
        flash(_("%(name)s can log in again.", name=person.name), "success")
    else:
        flash(_("The form had expired. Please submit it again."), "error")
    return redirect(url_for("hr.person", person_id=person.id))


# --- teams ---------------------------------------------------------------------------------


def _team_to_change(team_id: int) -> Team:
    return team_admin.team_for_change(db.session(), actor=_actor(), team_id=team_id)


@bp.route("/teams")
@access.roles(Role.HR, Role.ADMIN)
def team_list():
    """The organisation's teams with their size and who leads them."""
    page = team_admin.team_page(
        db.session(),
        organisation_id=_actor().organisation_id,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("hr/team_list.html", page=page)


@bp.route("/teams/new", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def team_new():
    """Add a team."""
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = team_admin.create_team(db.session(), actor=_actor(), name=form.name.data)
        except team_admin.TeamError as error:
            _refused(form, error, TEAM_MESSAGES)
        else:
            flash(_("The team has been added. Choose who leads it."), "success")
            return redirect(url_for("hr.team_edit", team_id=team.id))
    return render_template("hr/team_new.html", form=form)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def team_edit(team_id: int):
    """Rename a team and choose the supervisors who lead it."""
    team = _team_to_change(team_id)
    session = db.session()
    leads = team_admin.lead_ids(session, team=team)
    form = TeamEditForm(
        data={"name": team.name, "leads": sorted(leads)} if request.method == "GET" else None
    )
    candidates = team_admin.lead_candidates(
        session, organisation_id=team.organisation_id, current=leads
    )
    form.leads.choices = [SelectChoice(u.id, u.name) for u in candidates]
    if form.validate_on_submit():
        try:
            team_admin.update_team(
                session, actor=_actor(), team=team, name=form.name.data, leads=form.leads.data or []
            )
        except team_admin.TeamError as error:
            _refused(form, error, TEAM_MESSAGES)
        else:
            flash(_("The team has been saved."), "success")
            return redirect(url_for("hr.team_list"))
    return render_template("hr/team_edit.html", form=form, team=team)


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def team_delete(team_id: int):
    """Ask, then delete a team; refused while people are in it."""
    team = _team_to_change(team_id)
    session = db.session()
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            team_admin.delete_team(session, actor=_actor(), team=team)
        except team_admin.TeamError as error:
            flash(str(TEAM_MESSAGES[(error.field, error.code)]), "error")
        else:
            flash(_("The team has been deleted."), "success")
        return redirect(url_for("hr.team_list"))
    members = team_admin.member_count(session, team=team)
    return render_template("hr/team_delete.html", form=form, team=team, members=members)
