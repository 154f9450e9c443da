"""Supervisor area: the team's yearly evaluations; complete, sign and correct one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import EvaluationStatus, Role
from portfolio.services.evaluations import evaluations
from portfolio.services.evaluations.evaluation_agreements import (
    agreements_from_text,
    parse_agreements,
    suggested_competency,
)
from portfolio.services.evaluations.evaluation_listings import team_statuses
from portfolio.supervisor import bp
from portfolio.web import privacy_check
from portfolio.web.evaluation_forms import AGREEMENT_ROWS, CompleteForm, SignForm
from portfolio.web.evaluation_page import STALE, STALE_SIGN, page_context, stamp, valid_year


@bp.route("/evaluations")
@access.roles(Role.SUPERVISOR)
def evaluation_list():
    """Each member of the supervisor's teams with the status of their evaluation of a year."""
    year = request.args.get("year", clock.today().year, type=int)
    valid_year(year)
    rows = team_statuses(db.session(), supervisor=current_user._get_current_object(), year=year)
    return render_template(
        "evaluation/team.html", rows=rows, year=year, this_year=clock.today().year
    )


def _evaluation(member_id: int, year: int):
    """(member, current or unsaved evaluation, versions); 404 unless the supervisor leads them."""
    valid_year(year)
    member, history = evaluations.for_supervisor(
        db.session(),
        supervisor=current_user._get_current_object(),
        member_id=member_id,
        year=year,
    )
    item = evaluations.current_in(history) or evaluations.unsaved(worker=member, year=year)
    return member, item, history


def _complete_form(item, facts) -> CompleteForm:
    """The supervisor's form: the saved agreements, then rows with the suggested competency."""
    rows = [
        {"competency_code": a.competency_code, "text": a.text}
        for a in agreements_from_text(item.agreements)
    ]
    blank = {"competency_code": suggested_competency(facts), "text": ""}
    rows += [blank] * max(AGREEMENT_ROWS - len(rows), 1)
    return CompleteForm(
        data={
            "evaluation": item.supervisor_evaluation or "",
            "agreements": rows,
            "expected": stamp(item),
        }
    )


COMPLETED_OR_SIGNED = (EvaluationStatus.COMPLETED, EvaluationStatus.SIGNED)


@bp.route("/evaluations/<int:member_id>/<int:year>", methods=["GET", "POST"])
@access.roles(Role.SUPERVISOR)
def evaluation_detail(member_id: int, year: int):
    """The member's preparation and the facts; the supervisor's evaluation and agreements."""
    member, item, history = _evaluation(member_id, year)
    session = db.session()
    known = [member, current_user._get_current_object()]
    context = page_context(session, item, history, known=known)
    form = _complete_form(item, context["facts"])
    status = 200
    here = url_for("supervisor.evaluation_detail", member_id=member_id, year=year)
    if request.method == "POST" and item.status == EvaluationStatus.SIGNED:
        flash(_("This evaluation is signed. Correct it to change it."), "error")
        return redirect(here)  # an old page: its form would fail on rows it no longer has
    scan = privacy_check.validated(form, form.texts())
    if scan.may_save:
        agreements = parse_agreements(
            [(row["competency_code"], row["text"]) for row in form.agreements.data]
        )
        as_draft = "draft" in request.form and item.status not in COMPLETED_OR_SIGNED
        try:
            if as_draft:
                saved = evaluations.save_draft(
                    session,
                    supervisor=current_user._get_current_object(),
                    worker=member,
                    year=year,
                    text=form.evaluation.data or "",
                    agreements=agreements,
                    expected=form.expected_at(),
                    now=clock.now(),
                )
            else:
                saved = evaluations.complete(
                    session,
                    supervisor=current_user._get_current_object(),
                    worker=member,
                    year=year,
                    text=form.evaluation.data or "",
                    agreements=agreements,
                    expected=form.expected_at(),
                    now=clock.now(),
                    today=clock.today(),
                )
        except evaluations.Stale:
            flash(str(STALE), "error")
            history = evaluations.versions(session, worker_id=member.id, year=year)
            item = evaluations.current_in(history) or item
            context = page_context(session, item, history, known=known)
            form.expected.data, status = stamp(item), 409
        except evaluations.Locked:
            flash(_("This evaluation is signed. Correct it to change it."), "error")
            return redirect(here)
        else:
            scan.record_override(
                session,
                actor=current_user._get_current_object(),
                subject_id=member.id,
                subject_type="yearly_evaluation",
                object_id=saved.id,
            )
            if as_draft:
                flash(
                    _("Saved as a draft. %(name)s sees it once you complete it.", name=member.name),
                    "success",
                )
            else:
                flash(_("The evaluation is completed. Both of you can now sign it."), "success")
            return redirect(here)
    return render_template(
        "evaluation/supervisor.html",
        member=member,
        form=form,
        **context,
        findings=scan.findings,
        privacy_labels=form.labels(),
    ), status


@bp.route("/evaluations/<int:member_id>/<int:year>/sign", methods=["POST"])
@access.roles(Role.SUPERVISOR)
def evaluation_sign(member_id: int, year: int):
    """The supervisor signs the completed evaluation."""
    _member, item, _history = _evaluation(member_id, year)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if item.id is None:
            raise evaluations.Locked(year)
        evaluations.sign(
            db.session(),
            user=current_user._get_current_object(),
            evaluation=item,
            expected=form.expected_at(),
            now=clock.now(),
        )
    except evaluations.Stale:
        flash(str(STALE_SIGN), "error")
    except evaluations.Locked:
        flash(_("Only a completed evaluation can be signed."), "error")
    else:
        flash(_("Signed."), "success")
    return redirect(url_for("supervisor.evaluation_detail", member_id=member_id, year=year))


@bp.route("/evaluations/<int:member_id>/<int:year>/correct", methods=["GET", "POST"])
@access.roles(Role.SUPERVISOR)
def evaluation_correct(member_id: int, year: int):
    """Ask, then open a new version of a signed evaluation (the signed one is kept)."""
    member, item, _history = _evaluation(member_id, year)
    form = SignForm(data={"expected": stamp(item)})
    if form.validate_on_submit():
        try:
            if item.id is None:
                raise evaluations.Locked(year)
            evaluations.correct(
                db.session(),
                supervisor=current_user._get_current_object(),
                evaluation=item,
                expected=form.expected_at(),
                now=clock.now(),
            )
        except evaluations.Stale:
            flash(
                _("Someone corrected or changed this evaluation first; see its versions."), "error"
            )
        except evaluations.Locked:
            flash(_("Only a signed evaluation needs a correction."), "error")
        else:
            flash(_("A new version is open. Change it and sign it again, both of you."), "success")
        return redirect(url_for("supervisor.evaluation_detail", member_id=member_id, year=year))
    return render_template("evaluation/correct.html", member=member, item=item, form=form)
