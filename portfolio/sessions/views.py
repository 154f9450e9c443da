"""Views: a participant confirms attendance or copies the session."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.sessions import attendance, participation, session_copies
from portfolio.sessions import bp


@bp.route("/<int:entry_id>")
@access.authenticated
def shared_session(entry_id: int):
    """The shared facts of a session the user took part in."""
    session = db.session()
    user = current_user._get_current_object()
    entry, mine, people, owner_name = participation.session_for_participant(
        session, user=user, entry_id=entry_id
    )
    may_copy = user.has_role(Role.WORKER)  # only a worker keeps a portfolio
    my_copy = (
        session_copies.existing_copy(session, user=user, entry_id=entry_id) if may_copy else None
    )
    return render_template(
        "sessions/shared_session.html",
        entry=entry,
        mine=mine,
        people=people,
        owner_name=owner_name,
        form=FlaskForm(),
        may_copy=may_copy,
        my_copy=my_copy,
    )


@bp.route("/<int:entry_id>/confirm", methods=["POST"])
@access.authenticated
def confirm(entry_id: int):
    """Confirm attendance with one action (its notification is then read)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    attendance.confirm(
        db.session(),
        user=current_user._get_current_object(),
        entry_id=entry_id,
        now=clock.now(),
    )
    flash(_("Your attendance is confirmed."), "success")
    return redirect(url_for("sessions.shared_session", entry_id=entry_id))


@bp.route("/<int:entry_id>/copy", methods=["POST"])
@access.roles(Role.WORKER)
def copy(entry_id: int):
    """Copy the session's shared facts into the worker's own portfolio, once.

    The new draft opens for editing, so the worker adds their own learning points; asking
    again opens the copy made before.
    """
    if not FlaskForm().validate_on_submit():
        abort(400)
    mine, is_new = session_copies.copy_once(
        db.session(),
        user=current_user._get_current_object(),
        entry_id=entry_id,
        now=clock.now(),
    )
    if is_new:
        flash(
            _("The session is in your portfolio as a draft. Add your own learning points."),
            "success",
        )
    else:
        flash(_("You copied this session before. This is your copy."), "info")
    target = "worker.entry_edit" if mine.is_editable else "worker.entry_detail"
    return redirect(url_for(target, entry_id=mine.id))
