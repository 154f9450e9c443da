"""Supervisor area: assess a team member's ten competencies beside their self-assessment."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.development import development
from portfolio.supervisor import bp
from portfolio.supervisor.members import led_member
from portfolio.web.assessment_page import (
    assessment_context,
    fill_assessment,
    radar,
    rating_errors,
)
from portfolio.web.development_forms import AssessmentForm


@bp.route("/members/<int:member_id>/assessment", methods=["GET", "POST"])
@access.roles(Role.SUPERVISOR)
def member_assessment(member_id: int):
    """Assess a member's ten competencies; their self-assessment beside it, with differences.

    Only a supervisor who leads the member's team gets here (others: 404); every visit is
    audited by `led_member`.
    """
    subject = led_member(member_id)
    supervisor = current_user._get_current_object()
    session = db.session()
    history = development.assessments_of(session, subject_id=subject.id)
    mine = next((a for a in history if a.assessor_id == supervisor.id), None)
    own = development.latest(history, self_assessed=True)
    form = AssessmentForm()
    if request.method == "GET":
        form.assessed_on.data = clock.today()
        if mine:
            fill_assessment(form, mine)
    if form.validate_on_submit():
        try:
            development.save_supervisor_assessment(
                session,
                supervisor=supervisor,
                subject=subject,
                ratings=form.ratings(),
                assessed_on=form.assessed_on.data,
                now=clock.now(),
            )
        except development.InvalidRatings as invalid:
            rating_errors(form, invalid.errors)
        else:
            flash(_("Your assessment of %(name)s is saved.", name=subject.name), "success")
            return redirect(url_for("supervisor.member_assessment", member_id=subject.id))
    latest_lead = development.latest(history, self_assessed=False)
    return render_template(
        "supervisor/assessment.html",
        radar=radar(own, None, latest_lead),
        has_self_assessment=own is not None,
        gaps=development.compare(own, latest_lead) if own and latest_lead else [],
        **assessment_context(
            form,
            heading=_("Assess %(name)s", name=subject.name),
            cancel_url=url_for("supervisor.member", member_id=subject.id),
            subject=subject,
        ),
    )
