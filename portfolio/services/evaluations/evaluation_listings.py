"""Who stands where with the yearly evaluation: a supervisor's team, the organisation (HR).

Reads only, set-based. What HR may see is the `EvaluationRecord` (status, dates, who signed,
agreements once both signed), never the self-evaluation or the supervisor's text
(portfolio.access). Until both signed, the agreements are a draft between the worker and the
supervisor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, null, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from portfolio.models import EvaluationStatus, Role, Team, TeamLead, User, YearlyEvaluation
from portfolio.services.evaluations.evaluation_agreements import Agreement, agreements_from_text
from portfolio.services.norms.norm_progress import OWNER_CHUNK


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
class EvaluationRecord:
    """What HR may see of one current evaluation: status, dates, signer, agreements (signed
    evaluations only); no texts."""

    worker_id: int
    status: str
    version: int
    prepared_at: datetime | None
    completed_at: datetime | None
    worker_signed_at: datetime | None
    supervisor_signed_at: datetime | None
    supervisor_name: str | None
    agreements: tuple[Agreement, ...]


def organisation_statuses(
    db: Session, *, organisation_id: int, year: int, worker_ids: Sequence[int] | None = None
) -> dict[int, EvaluationRecord]:
    """{worker id: record} of the current evaluations of a year (workers without one: absent).

    One statement for the whole organisation, or per 5,000 of `worker_ids`; the
    self-evaluation and the supervisor's text are never selected.
    """
    lead = aliased(User)
    signed = YearlyEvaluation.status == EvaluationStatus.SIGNED.value
    statement = (
        select(
            YearlyEvaluation.worker_id,
            YearlyEvaluation.status,
            YearlyEvaluation.version,
            YearlyEvaluation.prepared_at,
            YearlyEvaluation.completed_at,
            YearlyEvaluation.worker_signed_at,
            YearlyEvaluation.supervisor_signed_at,
            lead.name,
            case((signed, YearlyEvaluation.agreements), else_=null()),
        )
        .outerjoin(lead, lead.id == YearlyEvaluation.supervisor_id)
        .where(
            YearlyEvaluation.organisation_id == organisation_id,
            YearlyEvaluation.year == year,
            YearlyEvaluation.is_current.is_(True),
        )
    )
    ids = None if worker_ids is None else sorted(set(worker_ids))
    chunks = [ids[i : i + OWNER_CHUNK] for i in range(0, len(ids), OWNER_CHUNK)] if ids else []
    queries = (
        [statement]
        if ids is None
        else [statement.where(YearlyEvaluation.worker_id.in_(chunk)) for chunk in chunks]
    )
    result = {}
    for query in queries:
        for row in db.execute(query):
            *fields, agreements = row
            result[row[0]] = EvaluationRecord(*fields, tuple(agreements_from_text(agreements)))
    return result


def status_counts(db: Session, *, organisation_id: int, year: int, worker_count: int):
    """{status: number of workers} for a year; workers without an evaluation: not started."""
    counts = dict(
        db.execute(
            select(YearlyEvaluation.status, func.count())
            .where(
                YearlyEvaluation.organisation_id == organisation_id,
                YearlyEvaluation.year == year,
                YearlyEvaluation.is_current.is_(True),
            )
            .group_by(YearlyEvaluation.status)
        ).all()
    )
    started = sum(counts.values()) - counts.get(EvaluationStatus.NOT_STARTED.value, 0)
    counts[EvaluationStatus.NOT_STARTED.value] = max(worker_count - started, 0)
    return {status.value: counts.get(status.value, 0) for status in EvaluationStatus}


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


def unled_workers(db: Session, *, organisation_id: int) -> Unled:
    """The organisation's active workers without a supervisor, by team: one statement.

    A lead counts when they are an active supervisor (a deactivated one cannot log in).
    """
    lead = aliased(User)
    has_lead = exists().where(
        TeamLead.team_id == User.team_id,
        lead.id == TeamLead.user_id,
        lead.is_active.is_(True),
        lead.role == Role.SUPERVISOR.value,
    )
    rows = db.execute(
        select(User.team_id, Team.name, func.count())
        .select_from(User)
        .outerjoin(Team, Team.id == User.team_id)
        .where(
            User.organisation_id == organisation_id,
            User.role == Role.WORKER.value,
            User.is_active.is_(True),
            ~has_lead,
        )
        .group_by(User.team_id, Team.name)
    ).all()
    teams = sorted(
        (LeaderlessTeam(team_id, name, n) for team_id, name, n in rows if team_id is not None),
        key=lambda t: (t.name.lower(), t.team_id),
    )
    return Unled(tuple(teams), sum(n for team_id, _name, n in rows if team_id is None))
