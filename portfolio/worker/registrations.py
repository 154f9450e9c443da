"""Worker area: registrations with a register (norm, number, registration date, VOG)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

import competencies
from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.norms import registrations
from portfolio.services.overviews import dashboard
from portfolio.web.forms import already_saved
from portfolio.worker import bp
from portfolio.worker.own_pages import own_page
from portfolio.worker.registration_forms import RegistrationForm


def _fields(form: RegistrationForm) -> dict:
    return {
        "norm_id": form.norm_id.data,
        "registration_number": form.registration_number.data or "",
        "registered_on": form.registered_on.data,
        "vog_issued_on": form.vog_issued_on.data,
        "today": clock.today(),
    }


def _norm_titles() -> dict[str, str]:
    return {norm.id: f"{norm.register} — {norm.title}" for norm in competencies.all_norms()}


@bp.route("/registrations")
@access.roles(Role.WORKER)
def registration_list():
    """The worker's registrations with their period and deadline."""

    def render(today) -> Markup:
        items = registrations.registrations_of(db.session(), owner_id=current_user.id)
        periods = {}
        for item in items:
            if item.norm_id in competencies.NORM_IDS:
                years = competencies.load_norm(item.norm_id).period_years
                periods[item.id] = competencies.registration_period(item.registered_on, years)
        html = render_template(
            "worker/registrations/_registration_list_content.html",
            registrations=items,
            periods=periods,
            pending=dashboard.pending_by_registration(
                db.session(), owner_id=current_user.id, registrations=items, as_of=today
            ),
            norm_titles=_norm_titles(),
        )
        return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704

    content = own_page("registrations", render)
    return render_template("worker/registrations/registration_list.html", content=content)


@bp.route("/registrations/new", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def registration_new():
    """Add a registration."""
    form = RegistrationForm()
    if form.validate_on_submit():
        done = already_saved(form, fallback=url_for("worker.registration_list"))
        if done is not None:
            return done
        try:
            registrations.add_registration(
                db.session(), owner=current_user._get_current_object(), **_fields(form)
            )
        except registrations.RegistrationError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(_("Your registration has been added."), "success")
            return redirect(url_for("worker.dashboard"))
    return render_template("worker/registrations/registration_new.html", form=form)


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def registration_edit(registration_id: int):
    """Change a registration."""
    registration = registrations.own_registration(
        db.session(), owner=current_user._get_current_object(), registration_id=registration_id
    )
    form = RegistrationForm(obj=registration)
    if form.validate_on_submit():
        try:
            registrations.update_registration(
                db.session(), registration=registration, **_fields(form)
            )
        except registrations.RegistrationError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(_("Your registration has been changed."), "success")
            return redirect(url_for("worker.registration_list"))
    return render_template(
        "worker/registrations/registration_edit.html", form=form, registration=registration
    )


@bp.route("/registrations/<int:registration_id>/delete", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def registration_delete(registration_id: int):
    """Ask, then remove a registration (the entries stay)."""
    registration = registrations.own_registration(
        db.session(), owner=current_user._get_current_object(), registration_id=registration_id
    )
    form = FlaskForm()
    if form.validate_on_submit():
        registrations.remove_registration(db.session(), registration=registration)
        flash(_("Your registration has been removed."), "success")
        return redirect(url_for("worker.registration_list"))
    return render_template(
        "worker/registrations/registration_delete.html",
        form=form,
        registration=registration,
        norm_title=_norm_titles().get(registration.norm_id, registration.norm_id),
    )
