"""Supervisor area: drill down into a team member's portfolio (shared or submitted parts only)."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.page_cache import page_cache
from portfolio.requests import page_number
from portfolio.services.entries import signoff
from portfolio.services.overviews import member_portfolio
from portfolio.supervisor import bp
from portfolio.templating import entry_kind_labels, signoff_kinds_of
from portfolio.web.entry_page import entry_context


def led_member(member_id: int):
    """A member of a team the logged-in supervisor leads (audited); 404 for anybody else."""
    return member_portfolio.member_for(
        db.session(), supervisor=current_user._get_current_object(), member_id=member_id
    )


@bp.route("/members/<int:member_id>")
@access.roles(Role.SUPERVISOR)
def member(member_id: int):
    """A member's registration standings and the entries they submitted or shared.

    Every visit checks the access and records it in the audit log; the standings and entries
    are kept rendered per member, portfolio revision, day, language, kinds to sign off and page
    (the revision changes with everything they show), the same for each supervisor allowed."""
    subject = led_member(member_id)
    number, today = page_number(), clock.today()
    key = (
        subject.id,
        subject.portfolio_revision,
        subject.name,
        today,
        str(get_locale()),
        tuple(signoff_kinds_of(subject.organisation_id)),
        number,
        current_app.config["PAGE_SIZE"],
    )

    def render() -> Markup:
        session = db.session()
        html = render_template(
            "supervisor/_member_content.html",
            member=subject,
            standings=member_portfolio.standings(session, member=subject, today=today),
            page=member_portfolio.visible_entries(
                session, member=subject, page=number, per_page=current_app.config["PAGE_SIZE"]
            ),
            kinds=entry_kind_labels(),
        )
        return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704

    content = page_cache("member-page").get_or_render(key, render)
    return render_template("supervisor/member.html", member=subject, content=content)


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
