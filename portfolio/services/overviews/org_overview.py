"""HR's organisation overview: registration standings per norm and evaluations per status.

Standings (competencies.standing: on_track / behind / at_risk / expired / unknown) are those of
the team overview, computed set-based with `norm_sums.summed_statuses_for` (hours summed in the
database) for every registration of the organisation's active people at once, as of 31 December
of the chosen year (today within the current year). A re-registration under the same norm
replaces the previous registration. Evaluations count the active workers of the organisation by
the status of their current evaluation of the year (no evaluation: not started), as the HR
export does. Counts only: no person is named. For the current year the standings are the
stored ones (services.norms.standings: stale ones are computed first, then counted in SQL).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from competencies import Norm
from competencies.standing import STANDINGS, standing
from portfolio.models import Registration, Team, User
from portfolio.services.evaluations.evaluation_export import STATUSES, Selection, workers_statement
from portfolio.services.evaluations.evaluation_facts import as_of_for
from portfolio.services.norms import standings
from portfolio.services.norms.norm_sums import summed_statuses_for


@dataclass(frozen=True)
class NormStandings:
    """How many registrations under one norm stand where."""

    norm_id: str
    register: str
    title: str
    counts: dict[str, int]  # every standing, in STANDINGS order

    @property
    def total(self) -> int:
        """All registrations under the norm."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class TeamOverview:
    """One team (or the people without a team: team_id None)."""

    team_id: int | None
    name: str | None
    norms: list[NormStandings]
    evaluations: dict[str, int]


@dataclass(frozen=True)
class Overview:
    """The whole organisation, then each team."""

    year: int
    as_of: date
    norms: list[NormStandings]
    evaluations: dict[str, int]
    teams: list[TeamOverview]


def _current_registrations(db: Session, organisation_id: int, as_of: date):
    """[(registration, team id)] of active people, the newest per person and norm."""
    rows = db.execute(
        select(Registration, User.team_id)
        .join(User, User.id == Registration.owner_id)
        .where(
            Registration.organisation_id == organisation_id,
            User.organisation_id == organisation_id,
            User.is_active.is_(True),
            Registration.registered_on <= as_of,
        )
        .order_by(Registration.registered_on, Registration.id)
    ).all()
    newest = {(r.owner_id, r.norm_id): (r, team_id) for r, team_id in rows}
    return list(newest.values())


def _standings(
    db: Session, organisation_id: int, as_of: date, today: date
) -> tuple[Counter, list[Norm]]:
    """Counter of (team id, norm id, standing), and the norms that occur, by register: the
    stored standings for today (services.norms.standings), computed for an earlier year's end."""
    if as_of == today:
        counts = Counter()
        known = standings.known_norms()
        norms = {}
        for team_id, norm_id, value, n in standings.organisation_counts(
            db, organisation_id=organisation_id, today=today
        ):
            counts[team_id, norm_id, value] += n
            norms[norm_id] = known[norm_id]
        return counts, sorted(norms.values(), key=lambda n: (n.register, n.id))
    found = _current_registrations(db, organisation_id, as_of)
    statuses = summed_statuses_for(db, registrations=[r for r, _team in found], as_of=as_of)
    counts: Counter = Counter()
    norms: dict[str, Norm] = {}
    for registration, team_id in found:
        if registration.id in statuses:
            norm, status = statuses[registration.id]
            norms[norm.id] = norm
            counts[team_id, norm.id, standing(status, as_of)] += 1
    return counts, sorted(norms.values(), key=lambda n: (n.register, n.id))


def _norm_rows(counts: Counter, norms: list[Norm], team_ids) -> list[NormStandings]:
    """One row per norm, summed over `team_ids`."""
    return [
        NormStandings(
            norm.id,
            norm.register,
            norm.title,
            {value: sum(counts[team, norm.id, value] for team in team_ids) for value in STANDINGS},
        )
        for norm in norms
    ]


def _evaluations(db: Session, organisation_id: int, year: int) -> Counter:
    """Counter of (team id, status) over the active workers (one statement)."""
    statement = workers_statement(Selection(organisation_id, year))
    status = statement.selected_columns.status
    grouped = statement.with_only_columns(User.team_id, status, func.count()).group_by(
        User.team_id, status
    )
    return Counter({(team_id, value): n for team_id, value, n in db.execute(grouped)})


def organisation_overview(db: Session, *, organisation_id: int, year: int, today: date) -> Overview:
    """The overview of a year (standings as of its last day, or today within it)."""
    as_of = as_of_for(year, today)
    counted, norms = _standings(db, organisation_id, as_of, today)
    evaluations = _evaluations(db, organisation_id, year)
    teams = db.execute(
        select(Team.id, Team.name)
        .where(Team.organisation_id == organisation_id)
        .order_by(Team.name, Team.id)
    ).all()
    team_ids = [team_id for team_id, _name in teams]
    used = {team for team, _norm, _s in counted} | {team for team, _s in evaluations}
    groups = list(teams) + ([(None, None)] if None in used else [])
    every_team = [*team_ids, None]

    def evaluation_counts(ids) -> dict[str, int]:
        return {value: sum(evaluations[team, value] for team in ids) for value in STATUSES}

    return Overview(
        year=year,
        as_of=as_of,
        norms=_norm_rows(counted, norms, every_team),
        evaluations=evaluation_counts(every_team),
        teams=[
            TeamOverview(
                team_id, name, _norm_rows(counted, norms, [team_id]), evaluation_counts([team_id])
            )
            for team_id, name in groups
        ],
    )
