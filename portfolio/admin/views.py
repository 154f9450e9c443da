"""Views of the admin area."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from portfolio import access, db
from portfolio.admin import bp
from portfolio.models import Role
from portfolio.requests import page_number
from portfolio.services import audit_log


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
