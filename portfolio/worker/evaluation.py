"""Worker area: prepare the yearly evaluation, see the facts, and sign."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.evaluations import evaluations
from portfolio.web import privacy_check
from portfolio.web.evaluation_forms import PrepareForm, SignForm
from portfolio.web.evaluation_page import STALE, STALE_SIGN, page_context, stamp, valid_year
from portfolio.worker import bp


def _mine(session, me, year: int):
    """(current or unsaved evaluation, all versions) of the worker's year."""
    history = evaluations.versions(session, worker_id=me.id, year=year)
    return evaluations.current_in(history) or evaluations.unsaved(worker=me, year=year), history


@bp.route("/evaluation")
@access.roles(Role.WORKER)
def evaluation_current():
    """This year's evaluation."""
    return redirect(url_for("worker.evaluation", year=clock.today().year))


@bp.route("/evaluation/<int:year>", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def evaluation(year: int):
    """Prepare (self-evaluation), read the facts and the supervisor's part, sign."""
    valid_year(year)
    me = current_user._get_current_object()
    session = db.session()
    item, history = _mine(session, me, year)
    form = PrepareForm(data={**(item.self_evaluation or {}), "expected": stamp(item)})
    status = 200
    scan = privacy_check.validated(form, form.texts())
    if scan.may_save:
        try:
            saved = evaluations.prepare(
                session,
                worker=me,
                year=year,
                parts=form.data,
                expected=form.expected_at(),
                now=clock.now(),
                today=clock.today(),
            )
        except evaluations.Stale:
            flash(str(STALE), "error")
            item, history = _mine(session, me, year)
            form.expected.data, status = stamp(item), 409
        except evaluations.Locked:
            flash(_("This evaluation is signed; it can no longer be changed."), "error")
            return redirect(url_for("worker.evaluation", year=year))
        else:
            scan.record_override(
                session,
                actor=me,
                subject_id=me.id,
                subject_type="yearly_evaluation",
                object_id=saved.id,
            )
            flash(_("Your preparation is saved."), "success")
            return redirect(url_for("worker.evaluation", year=year))
    context = page_context(session, item, history, known=[me])
    self_assessed_on = evaluations.latest_self_assessment_on(session, worker=me)
    return render_template(
        "evaluation/worker.html",
        form=form,
        **context,
        self_assessed_on=self_assessed_on,
        findings=scan.findings,
        privacy_labels=privacy_check.field_labels(form, form.texts()),
    ), status


@bp.route("/evaluation/<int:year>/sign", methods=["POST"])
@access.roles(Role.WORKER)
def evaluation_sign(year: int):
    """The worker signs the completed evaluation."""
    valid_year(year)
    session = db.session()
    item = evaluations.current(session, worker_id=current_user.id, year=year)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if item is None:
            raise evaluations.Locked(year)
        evaluations.sign(
            session,
            user=current_user._get_current_object(),
            evaluation=item,
            expected=form.expected_at(),
            now=clock.now(),
        )
    except evaluations.Stale:
        flash(str(STALE_SIGN), "error")
    except evaluations.Locked:
        flash(_("Only an evaluation your supervisor completed can be signed."), "error")
    else:
        flash(_("Signed."), "success")
    return redirect(url_for("worker.evaluation", year=year))
