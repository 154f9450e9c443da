"""Views of the feedback area."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import competencies
from portfolio import access, clock, db
from portfolio.feedback import bp
from portfolio.feedback.forms import AnswerForm, RequestForm
from portfolio.models import Role
from portfolio.services.development import feedback
from portfolio.web import privacy_check
from portfolio.web.forms import already_saved, settle_token

ASKERS = (Role.WORKER, Role.SUPERVISOR)

OFTEN_TODAY = _l("You have asked people outside the organisation often today. Try again tomorrow.")


@bp.route("/")
@access.roles(*ASKERS)
def feedback_list():
    """The feedback I asked for (with answers) and requests waiting for my answer."""
    mine, to_me = feedback.overview(db.session(), user=current_user._get_current_object())
    return render_template(
        "feedback/feedback_list.html",
        mine=mine,
        to_me=to_me,
        form=FlaskForm(),
        competency=competencies.competency,
    )


@bp.route("/new", methods=["GET", "POST"])
@access.roles(*ASKERS)
def request_new():
    """Ask a colleague or an outside person for feedback."""
    user = current_user._get_current_object()
    session = db.session()
    form = RequestForm()
    form.colleague.choices = [SelectChoice(0, "—")] + [
        SelectChoice(c.id, c.name) for c in feedback.colleagues(session, user=user)
    ]
    scan = privacy_check.validated(form, {"message": form.message.data})
    if scan.may_save:
        outside = form.who.data == "outside"
        done = already_saved(form, fallback=url_for("feedback.feedback_list"))
        if done is not None:
            return done
        try:
            asked = feedback.request_feedback(
                session,
                requester=user,
                respondent_id=None if outside else form.colleague.data,
                name=form.name.data or "",
                email=form.email.data if outside else None,
                competency_codes=form.competency_codes.data,
                message=form.message.data,
                now=clock.now(),
                base_url=current_app.config["PUBLIC_BASE_URL"],
                limits=feedback.OutsideLimits.from_settings(current_app.config),
            )
        except feedback.TooMany:
            form.email.errors.append(
                _("You have asked people outside the organisation often today. Try again tomorrow.")
            )
        except ValueError:
            session.rollback()
            form.colleague.errors.append(_("Choose a colleague from your organisation."))
        else:
            scan.record_override(
                session,
                actor=user,
                subject_id=user.id,
                subject_type="feedback_request",
                object_id=asked.id,
            )
            settle_token(form, url_for("feedback.feedback_list"))
            flash(_("Your request has been sent."), "success")
            return redirect(url_for("feedback.feedback_list"))
    return render_template(
        "feedback/request_new.html",
        form=form,
        findings=scan.findings,
        privacy_labels=privacy_check.field_labels(form, ["message"]),
    )


@bp.route("/<int:request_id>/remind", methods=["POST"])
@access.roles(*ASKERS)
def remind(request_id: int):
    """Ask again for an unanswered request."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        feedback.remind(
            db.session(),
            requester=current_user._get_current_object(),
            request_id=request_id,
            now=clock.now(),
            base_url=current_app.config["PUBLIC_BASE_URL"],
            limits=feedback.OutsideLimits.from_settings(current_app.config),
        )
    except feedback.TooMany as too_many:
        message = (
            _("You reminded this person recently. Give them a few days.")
            if too_many.what == "per_request"
            else str(OFTEN_TODAY)
        )
        flash(message, "error")
        return redirect(url_for("feedback.feedback_list"))
    flash(_("A reminder has been sent."), "success")
    return redirect(url_for("feedback.feedback_list"))


@bp.route("/<int:request_id>/answer", methods=["GET", "POST"])
@access.authenticated
def answer(request_id: int):
    """A colleague answers a request addressed to them (once)."""
    session = db.session()
    try:
        item, requester = feedback.for_respondent(
            session, user=current_user._get_current_object(), request_id=request_id
        )
    except feedback.AlreadyAnswered:
        return _already_answered()
    return _answer_page(session, item, requester)


@bp.route("/answer/<token>", methods=["GET", "POST"])
@access.public
def answer_by_link(token: str):
    """Someone outside Vakbekwaam answers through their single-use link."""
    session = db.session()
    try:
        item, requester = feedback.for_token(session, token=token, now=clock.now())
    except feedback.AlreadyAnswered:
        return _already_answered()
    return _answer_page(session, item, requester)


def _already_answered():
    """Said when an answered request is opened again; a second answer is refused (409)."""
    return render_template("feedback/answered.html"), 409 if request.method == "POST" else 200


def _answer_page(session, item, requester):
    form = AnswerForm()
    scan = privacy_check.validated(form, {"answer": form.answer.data})
    if scan.may_save:
        try:
            feedback.answer(
                session,
                request=item,
                text=form.answer.data,
                now=clock.now(),
                base_url=current_app.config["PUBLIC_BASE_URL"],
            )
        except feedback.AlreadyAnswered:  # a double click or a second tab, at the same moment
            return _already_answered()
        # Someone outside the organisation answers by link: no account is the actor.
        respondent = current_user._get_current_object() if item.respondent_id else None
        scan.record_override(
            session,
            actor=respondent,
            subject_id=item.requester_id,
            subject_type="feedback_answer",
            object_id=item.id,
            organisation_id=item.organisation_id,
        )
        return render_template("feedback/thanks.html", requester=requester)
    return render_template(
        "feedback/answer.html",
        form=form,
        findings=scan.findings,
        privacy_labels=privacy_check.field_labels(form, ["answer"]),
        feedback_request=item,
        requester=requester,
        competencies=[competencies.competency(code) for code in item.competency_codes],
    )
