"""Who stands where with the yearly evaluation: a supervisor's team, and who nobody can evaluate.

Reads only, set-based. HR's organisation-wide list is `evaluation_export.worker_page`, which
reads the same columns as the exports (status, dates, who signed, agreements once both signed),
never the self-evaluation or the supervisor's text (portfolio.access).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, null, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from portfolio.models import Role, Team, TeamLead, User, YearlyEvaluation


def team_statuses(db: Session, *, supervisor: User, year: int):
    """[(member, current evaluation or None)] of the teams the supervisor leads (two queries)."""
    members = (
        db.scalars(
            select(User)
            .join(TeamLead, TeamLead.team_id == User.team_id)
            .where(
                TeamLead.user_id == supervisor.id,
                User.id != supervisor.id,
                User.organisation_id == supervisor.organisation_id,
                User.is_active.is_(True),
            )
            .order_by(User.name, User.id)
        )
        .unique()
        .all()
    )
    found = {
        e.worker_id: e
        for e in db.scalars(
            select(YearlyEvaluation).where(
                YearlyEvaluation.worker_id.in_([m.id for m in members]),
                YearlyEvaluation.year == year,
                YearlyEvaluation.is_current.is_(True),
            )
        )
    }
    return [(member, found.get(member.id)) for member in members]


@dataclass(frozen=True)
class LeaderlessTeam:
    """A team with active workers and no active supervisor leading it."""

    team_id: int
    name: str
    workers: int


@dataclass(frozen=True)
class Unled:
    """Active workers whose evaluation nobody can complete (portfolio.access: only the
    supervisor of the worker's team may): teams without a lead, and workers without a team."""

    teams: tuple[LeaderlessTeam, ...]
    without_team: int

    @property
    def workers(self) -> int:
        """How many active workers are affected."""
        return sum(team.workers for team in self.teams) + self.without_team


_LEAD = aliased(User, name="lead")  # built once (an alias made per call is adapted per request)


def unled_workers(db: Session, *, organisation_id: int) -> Unled:
    """The organisation's active workers without a supervisor, by team: one statement.

    A lead counts when they are an active supervisor (a deactivated one cannot log in). Read
    from the teams, not the workers: the teams without a lead, then only their workers (the
    index on active workers by organisation and team), and the workers without a team — so
    the cost follows the number of teams, not of people.
    """
    lead = _LEAD
    has_lead = exists().where(
        TeamLead.team_id == Team.id,
        lead.id == TeamLead.user_id,
        lead.is_active.is_(True),
        lead.role == Role.SUPERVISOR.value,
    )
    active_worker = and_(
        User.organisation_id == organisation_id,
        User.role == Role.WORKER.value,
        User.is_active.is_(True),
    )
    unled_teams = (
        select(Team.id, Team.name, func.count())
        .join(User, and_(User.team_id == Team.id, active_worker))
        .where(Team.organisation_id == organisation_id, ~has_lead)
        .group_by(Team.id, Team.name)
    )
    without_team = (
        select(null(), null(), func.count())
        .select_from(User)
        .where(active_worker, User.team_id.is_(None))
    )
    rows = db.execute(union_all(unled_teams, without_team)).all()
    teams = sorted(
        (LeaderlessTeam(team_id, name, n) for team_id, name, n in rows if team_id is not None),
        key=lambda t: (t.name.lower(), t.team_id),
    )
    return Unled(tuple(teams), sum(n for team_id, _name, n in rows if team_id is None))
