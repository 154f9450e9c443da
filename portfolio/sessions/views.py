"""Views: a participant confirms attendance or copies the session."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db
from portfolio.services import participation
from portfolio.sessions import bp


@bp.route("/<int:entry_id>")
@access.authenticated
def shared_session(entry_id: int):
    """The shared facts of a session the user took part in."""
    try:
        entry, mine, people, owner_name = participation.session_for_participant(
            db.session(), user=current_user._get_current_object(), entry_id=entry_id
        )
    except participation.NotAParticipant:
        abort(404)
    return render_template(
        "sessions/shared_session.html", entry=entry, mine=mine, people=people,
        owner_name=owner_name, form=FlaskForm(),
    )  # fmt: skip


@bp.route("/<int:entry_id>/confirm", methods=["POST"])
@access.authenticated
def confirm(entry_id: int):
    """Confirm attendance with one action."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        participation.confirm(
            db.session(), user=current_user._get_current_object(), entry_id=entry_id,
            now=clock.now(),
        )  # fmt: skip
    except participation.NotAParticipant:
        abort(404)
    flash(_("Your attendance is confirmed."), "success")
    return redirect(url_for("sessions.shared_session", entry_id=entry_id))


@bp.route("/<int:entry_id>/copy", methods=["POST"])
@access.authenticated
def copy(entry_id: int):
    """Copy the session's shared facts into the user's own portfolio."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        participation.copy_to_own_portfolio(
            db.session(), user=current_user._get_current_object(), entry_id=entry_id,
            now=clock.now(),
        )  # fmt: skip
    except participation.NotAParticipant:
        abort(404)
    flash(
        _("The session is in your portfolio as a draft. Add your own learning points."), "success"
    )
    return redirect(url_for("sessions.shared_session", entry_id=entry_id))
