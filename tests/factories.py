"""Plain `make_*` factories that write real rows."""

from __future__ import annotations

import itertools
import secrets

from sqlmodel import Session

from portfolio.models import Organisation, Role, Team, TeamLead, User
from portfolio.services.accounts.passwords import hash_password

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)
_sequence = itertools.count(1)


def make_organisation(db: Session, name: str | None = None) -> Organisation:
    """An organisation with a unique slug."""
    n = next(_sequence)
    organisation = Organisation(name=name or f"Organisatie {n}", slug=f"org-{n}")
    db.add(organisation)
    db.commit()
    return organisation


def make_team(db: Session, organisation: Organisation, name: str | None = None) -> Team:
    """A team in `organisation`."""
    team = Team(organisation_id=organisation.id, name=name or f"Team {next(_sequence)}")
    db.add(team)
    db.commit()
    return team


def make_user(
    db: Session,
    organisation: Organisation,
    *,
    role: Role = Role.WORKER,
    team: Team | None = None,
    leads: Team | None = None,
    email: str | None = None,
    name: str | None = None,
    is_active: bool = True,
    locale: str = "nl",
) -> User:
    """An account with the shared test PASSWORD."""
    n = next(_sequence)
    user = User(
        organisation_id=organisation.id,
        team_id=team.id if team else None,
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.value.title()} {n}",
        role=role.value,
        password_hash=_PASSWORD_HASH,
        session_token=secrets.token_hex(16),
        is_active=is_active,
        locale=locale,
    )
    db.add(user)
    db.commit()
    if leads is not None:
        db.add(TeamLead(team_id=leads.id, user_id=user.id))
        db.commit()
    return user
