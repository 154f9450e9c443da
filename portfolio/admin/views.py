"""Views of the admin area."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.admin import bp
from portfolio.admin.forms import SettingsForm
from portfolio.models import MailStatus, Role
from portfolio.requests import page_number
from portfolio.services import audit_log, mail, org_settings


@bp.route("/audit")
@access.roles(Role.ADMIN)
def audit():
    """Who accessed or exported what, and when — never the content."""
    viewer = current_user._get_current_object()
    page = audit_log.events_page(
        db.session(),
        organisation_id=viewer.organisation_id,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("admin/audit.html", page=page)


@bp.route("/settings", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def settings():
    """Organisation settings: reminder schedule and sign-off digest."""
    admin = current_user._get_current_object()
    session = db.session()
    offsets, digest_days = org_settings.current(session, organisation_id=admin.organisation_id)
    form = SettingsForm(
        data={"reminder_offsets": ", ".join(offsets), "signoff_digest_days": digest_days}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        org_settings.save(
            session,
            admin=admin,
            offsets=org_settings.parse_offsets(form.reminder_offsets.data),
            digest_days=form.signoff_digest_days.data,
            now=clock.now(),
        )
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)


@bp.route("/outbox")
@access.roles(Role.ADMIN)
def outbox():
    """Mail in the outbox: queued, sent, failed with the reason."""
    admin = current_user._get_current_object()
    status = request.args.get("status", "")
    page = mail.outbox_page(
        db.session(),
        organisation_id=admin.organisation_id,
        status=status if status in {s.value for s in MailStatus} else None,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("admin/outbox.html", page=page, status=status, statuses=list(MailStatus))
