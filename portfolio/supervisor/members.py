"""Supervisor area: drill down into a team member's portfolio (shared or submitted parts only)."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.requests import page_number
from portfolio.services.entries import signoff
from portfolio.services.overviews import member_portfolio
from portfolio.supervisor import bp
from portfolio.templating import entry_kind_labels
from portfolio.web.entry_page import entry_context


def led_member(member_id: int):
    """A member of a team the logged-in supervisor leads (audited); 404 for anybody else."""
    return member_portfolio.member_for(
        db.session(), supervisor=current_user._get_current_object(), member_id=member_id
    )


@bp.route("/members/<int:member_id>")
@access.roles(Role.SUPERVISOR)
def member(member_id: int):
    """A member's registration standings and the entries they submitted or shared."""
    subject = led_member(member_id)
    session = db.session()
    return render_template(
        "supervisor/member.html",
        member=subject,
        standings=member_portfolio.standings(session, member=subject, today=clock.today()),
        page=member_portfolio.visible_entries(
            session, member=subject, page=page_number(), per_page=current_app.config["PAGE_SIZE"]
        ),
        kinds=entry_kind_labels(),
    )


@bp.route("/members/<int:member_id>/entries/<int:entry_id>")
@access.roles(Role.SUPERVISOR)
def member_entry(member_id: int, entry_id: int):
    """One entry the member shared or submitted, read-only; audited."""
    supervisor = current_user._get_current_object()
    session = db.session()
    entry, owner = signoff.reviewable_entry(session, supervisor=supervisor, entry_id=entry_id)
    if owner.id != member_id:
        abort(404)
    return render_template(
        "supervisor/member_entry.html", member=owner, **entry_context(session, entry)
    )
