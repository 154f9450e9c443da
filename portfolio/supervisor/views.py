"""Views of the supervisor area."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services import signoff, team_overview
from portfolio.supervisor import bp
from portfolio.supervisor.forms import DecisionForm


@bp.route("/")
@access.roles(Role.SUPERVISOR)
def team():
    """The teams this supervisor leads, with their members."""
    teams = team_overview.overview(
        db.session(), supervisor=current_user._get_current_object(), today=clock.today()
    )
    return render_template("supervisor/team.html", teams=teams)


@bp.route("/sign-off")
@access.roles(Role.SUPERVISOR)
def signoff_queue():
    """Entries waiting for sign-off, oldest first."""
    items = signoff.queue(
        db.session(), supervisor=current_user._get_current_object(), now=clock.now()
    )
    return render_template("supervisor/signoff_queue.html", items=items)


@bp.route("/sign-off/<int:entry_id>", methods=["GET", "POST"])
@access.roles(Role.SUPERVISOR)
def review_entry(entry_id: int):
    """One submitted entry: read it, then sign it or return it with a comment."""
    supervisor = current_user._get_current_object()
    session = db.session()
    try:
        entry, owner = signoff.reviewable_entry(session, supervisor=supervisor, entry_id=entry_id)
    except signoff.NotReviewable:
        abort(404)
    form = DecisionForm(data={"version": entry.version} if request.method == "GET" else None)
    if form.validate_on_submit():
        approve = form.decision.data == "sign"
        if not approve and not (form.comment.data or "").strip():
            form.comment.errors.append(_("Say what should change before returning the entry."))
        else:
            try:
                signoff.decide(
                    session,
                    supervisor=supervisor,
                    entry_id=entry_id,
                    version=form.version.data,
                    approve=approve,
                    comment=(form.comment.data or "").strip(),
                    now=clock.now(),
                    base_url=current_app.config["PUBLIC_BASE_URL"],
                )
            except signoff.AlreadyDecided:
                flash(_("Someone else decided on this entry first. Nothing was changed."), "error")
                return redirect(url_for("supervisor.review_entry", entry_id=entry_id))
            flash(_("Signed off.") if approve else _("Returned to the worker."), "success")
            return redirect(url_for("supervisor.signoff_queue"))
    return render_template(
        "supervisor/review_entry.html",
        entry=entry,
        owner=owner,
        form=form,
        history=signoff.history(session, entry_id=entry_id),
    )
