"""Views of the supervisor area."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import EntryStatus, Role
from portfolio.services.entries import signoff
from portfolio.services.overviews import team_overview
from portfolio.supervisor import bp
from portfolio.supervisor.forms import DecisionForm
from portfolio.web import privacy_check
from portfolio.web.entry_page import entry_context

# How many entries of the sign-off queue (longest waiting first) the team page shows.
QUEUE_PREVIEW_SIZE = 5


@bp.route("/")
@access.roles(Role.SUPERVISOR)
def team():
    """The teams this supervisor leads, with their members, and the head of the queue."""
    session, supervisor = db.session(), current_user._get_current_object()
    teams = team_overview.overview(session, supervisor=supervisor, today=clock.today())
    waiting, waiting_total = signoff.longest_waiting(
        session, supervisor=supervisor, now=clock.now(), limit=QUEUE_PREVIEW_SIZE
    )
    session.commit()  # the standings it refreshed
    return render_template(
        "supervisor/team.html", teams=teams, waiting=waiting, waiting_total=waiting_total
    )


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
    """One submitted entry with everything that is signed: sign it, or return it with a comment.

    When another decision came first, or the entry changed, the page is shown again with what
    happened and the comment as typed (409); nothing is redirected away.
    """
    supervisor = current_user._get_current_object()
    session = db.session()
    form = DecisionForm()
    scan = privacy_check.validated(form, {"comment": form.comment.data})
    if scan.may_save:
        approve = form.decision.data == "sign"
        comment = (form.comment.data or "").strip()
        if not approve and not comment:
            form.comment.errors.append(_("Say what should change before returning the entry."))
        else:
            try:
                decided = signoff.decide(
                    session,
                    supervisor=supervisor,
                    entry_id=entry_id,
                    version=form.version.data,
                    approve=approve,
                    comment=comment,
                    now=clock.now(),
                    base_url=current_app.config["PUBLIC_BASE_URL"],
                )
            except signoff.AlreadyDecided as conflict:
                return _conflict_page(session, supervisor, entry_id, form, conflict.status)
            scan.record_override(
                session,
                actor=supervisor,
                subject_id=decided.owner_id,
                subject_type="entry_signoff_comment",
                object_id=entry_id,
            )
            flash(_("Signed off.") if approve else _("Returned to the worker."), "success")
            return redirect(url_for("supervisor.signoff_queue"))
    entry, owner = signoff.reviewable_entry(session, supervisor=supervisor, entry_id=entry_id)
    if not form.is_submitted():
        form.version.data = entry.version
    return _review_page(session, entry, owner, form, findings=scan.findings)


def _review_page(session, entry, owner, form, *, history=None, status: int = 200, findings=None):
    if entry is None:  # returned meanwhile and not shared: nothing of it is shown
        return render_template(
            "supervisor/review_entry.html", entry=None, form=form, findings={}
        ), status
    if history is None:
        history = signoff.history(session, entry_id=entry.id)
    return render_template(
        "supervisor/review_entry.html",
        owner=owner,
        form=form,
        findings=findings or {},
        privacy_labels=privacy_check.field_labels(form, ["comment"]),
        history=history,
        **entry_context(session, entry),
    ), status


def _conflict_page(session, supervisor, entry_id: int, form, status: str):
    """The page again after a lost decision: what happened, and the comment as it was typed."""
    history = signoff.history(session, entry_id=entry_id)
    flash(_conflict_message(history, supervisor, status), "error")
    try:
        entry, owner = signoff.reviewable_entry(session, supervisor=supervisor, entry_id=entry_id)
    except signoff.NotReviewable:  # returned and not shared: the worker's again
        entry = owner = None
    if entry is not None:  # a decision on what is shown now is possible again
        form.version.data, form.version.raw_data = entry.version, [str(entry.version)]
    return _review_page(session, entry, owner, form, history=history, status=409)


def _conflict_message(history, supervisor, status: str) -> str:
    """Who decided first (or that it was this supervisor, clicking twice), or that it changed."""
    event, name = next(
        ((event, name) for event, name in reversed(history) if event.action in signoff.DECISIONS),
        (None, None),
    )
    if event is None or status not in {EntryStatus.SIGNED, EntryStatus.RETURNED}:
        return _(
            "This entry changed while you were reading it. Nothing was changed: read it "
            "again before you decide."
        )
    if event.actor_id == supervisor.id:
        if status == EntryStatus.SIGNED:
            return _("You already signed off this entry.")
        return _("You already returned this entry to the worker.")
    name = name or _("Another supervisor")
    if status == EntryStatus.SIGNED:
        return _("%(name)s signed off this entry first. Nothing was changed.", name=name)
    return _("%(name)s returned this entry to the worker first. Nothing was changed.", name=name)
