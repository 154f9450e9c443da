"""Views of the supervisor area."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portfolio import access, db
from portfolio.models import Role
from portfolio.services import people
from portfolio.supervisor import bp


@bp.route("/")
@access.roles(Role.SUPERVISOR)
def team():
    """The teams this supervisor leads, with their members."""
    teams = people.team_members(db.session(), supervisor=current_user._get_current_object())
    return render_template("supervisor/team.html", teams=teams)
