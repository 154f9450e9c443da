"""HR manages teams: create, rename, set who leads them, delete them when nobody is in them.

Every change is audited (team and person ids, never names).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio import access
from portfolio.errors import NotFound
from portfolio.models import Role, Team, TeamLead, User
from portfolio.pagination import Page, paginate
from portfolio.services.privacy import audit

NAME_MAX = 200


class TeamNotVisible(NotFound):
    """No such team in the viewer's organisation (answered as 404)."""


class TeamError(ValueError):
    """A value is refused: `field` names the form field, `code` says why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class TeamSummary:
    """A team with how many people are in it and who leads it."""

    team: Team
    member_count: int
    leads: list[User]


def team_page(db: Session, *, organisation_id: int, page: int, per_page: int) -> Page:
    """The organisation's teams by name, each with its size and leads (four queries)."""
    result = paginate(
        db,
        select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name, Team.id),
        page=page,
        per_page=per_page,
    )
    ids = [team.id for team in result.items]
    sizes = dict(
        db.execute(
            select(User.team_id, func.count()).where(User.team_id.in_(ids)).group_by(User.team_id)
        ).all()
    )
    leads: dict[int, list[User]] = {}
    for team_id, lead in db.execute(
        select(TeamLead.team_id, User)
        .join(User, User.id == TeamLead.user_id)
        .where(TeamLead.team_id.in_(ids))
        .order_by(User.name, User.id)
    ).all():
        leads.setdefault(team_id, []).append(lead)
    items = [TeamSummary(t, sizes.get(t.id, 0), leads.get(t.id, [])) for t in result.items]
    return Page(items=items, number=result.number, per_page=result.per_page, total=result.total)


def team_for_change(db: Session, *, actor: User, team_id: int) -> Team:
    """A team of the actor's organisation that HR or an admin may change, else TeamNotVisible."""
    team = db.get(Team, team_id)
    if team is None or team.organisation_id != actor.organisation_id:
        raise TeamNotVisible(team_id)
    if not access.may_manage_people(actor):
        raise TeamNotVisible(team_id)
    return team


def member_count(db: Session, *, team: Team) -> int:
    """How many people are in the team (active or not)."""
    return db.scalar(select(func.count()).select_from(User).where(User.team_id == team.id)) or 0


def lead_ids(db: Session, *, team: Team) -> set[int]:
    """Who leads the team."""
    return set(db.scalars(select(TeamLead.user_id).where(TeamLead.team_id == team.id)))


def lead_candidates(
    db: Session, *, organisation_id: int, current: Iterable[int] = ()
) -> list[User]:
    """Active supervisors of the organisation, plus whoever leads the team now."""
    current = list(current)
    is_candidate = (User.role == Role.SUPERVISOR.value) & User.is_active.is_(True)
    if current:
        is_candidate = is_candidate | User.id.in_(current)
    return list(
        db.scalars(
            select(User)
            .where(User.organisation_id == organisation_id, is_candidate)
            .order_by(User.name, User.id)
        )
    )


def _name(db: Session, *, organisation_id: int, name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise TeamError("name", "invalid")
    twin = (
        select(func.count())
        .select_from(Team)
        .where(Team.organisation_id == organisation_id, func.lower(Team.name) == name.lower())
    )
    if exclude_id is not None:
        twin = twin.where(Team.id != exclude_id)
    if db.scalar(twin):
        raise TeamError("name", "taken")
    return name


def _commit(db: Session) -> None:
    try:
        db.flush()
    except IntegrityError as exc:  # a concurrent request made a team of that name
        db.rollback()
        raise TeamError("name", "taken") from exc


def create_team(db: Session, *, actor: User, name: str) -> Team:
    """A new team in the actor's organisation."""
    team = Team(
        organisation_id=actor.organisation_id,
        name=_name(db, organisation_id=actor.organisation_id, name=name),
    )
    db.add(team)
    db.flush()
    audit.record(db, actor=actor, action="team_created", subject_type="team", subject_id=team.id)
    _commit(db)
    return team


def update_team(db: Session, *, actor: User, team: Team, name: str, leads: Iterable[int]) -> None:
    """Rename the team and set who leads it (supervisors of the organisation)."""
    new_name = _name(db, organisation_id=team.organisation_id, name=name, exclude_id=team.id)
    wanted = set(leads)
    current = lead_ids(db, team=team)
    allowed = {
        u.id for u in lead_candidates(db, organisation_id=team.organisation_id, current=current)
    }
    if not wanted <= allowed:
        raise TeamError("leads", "invalid")
    if new_name != team.name:
        team.name = new_name
        db.add(team)
        audit.record(
            db, actor=actor, action="team_renamed", subject_type="team", subject_id=team.id
        )
    removed, added = current - wanted, wanted - current
    if removed:
        db.execute(
            delete(TeamLead).where(TeamLead.team_id == team.id, TeamLead.user_id.in_(removed))
        )
    db.add_all(TeamLead(team_id=team.id, user_id=user_id) for user_id in sorted(added))
    for action, people in (("team_lead_removed", removed), ("team_lead_added", added)):
        for user_id in sorted(people):
            audit.record(
                db,
                actor=actor,
                action=action,
                subject_user_id=user_id,
                subject_type="team",
                subject_id=team.id,
            )
    _commit(db)


def delete_team(db: Session, *, actor: User, team: Team) -> None:
    """Delete a team nobody is in (its leads simply stop leading it).

    Raises TeamError("team", "not_empty") while people are in it.
    """
    if member_count(db, team=team):
        raise TeamError("team", "not_empty")
    db.execute(delete(TeamLead).where(TeamLead.team_id == team.id))
    audit.record(db, actor=actor, action="team_deleted", subject_type="team", subject_id=team.id)
    db.delete(team)
    try:
        db.flush()
    except IntegrityError as exc:  # somebody was put in the team meanwhile
        db.rollback()
        raise TeamError("team", "not_empty") from exc
