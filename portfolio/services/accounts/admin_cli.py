"""Account administration used by the command line."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from portfolio.models import Organisation, Role, Team, TeamLead, User
from portfolio.services.accounts import accounts
from portfolio.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH


def create_account(
    db: Session,
    *,
    email: str,
    name: str,
    role: Role,
    organisation_slug: str,
    team_name: str | None,
    password: str,
) -> User:
    """Create an account in an existing organisation (and team).

    A supervisor given a team becomes one of its leads; anyone else becomes a member.
    """
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValueError(f"the password must have {MIN_LENGTH} to {MAX_LENGTH} characters")
    organisation = db.scalars(
        select(Organisation).where(Organisation.slug == organisation_slug)
    ).first()
    if organisation is None:
        raise ValueError(f"no organisation with slug {organisation_slug!r}")
    team = None
    if team_name:
        team = db.scalars(
            select(Team).where(Team.organisation_id == organisation.id, Team.name == team_name)
        ).first()
        if team is None:
            raise ValueError(f"no team {team_name!r} in organisation {organisation_slug!r}")
    is_lead = role is Role.SUPERVISOR and team is not None
    user = accounts.create_user(
        db,
        organisation_id=organisation.id,
        email=email,
        name=name,
        role=role,
        password=password,
        team_id=None if is_lead or team is None else team.id,
    )
    if is_lead:
        db.add(TeamLead(team_id=team.id, user_id=user.id))
    db.flush()
    return user
