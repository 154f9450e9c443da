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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import Session

from competencies import Norm
from competencies.standing import STANDINGS, standing
from portfolio.models import Registration, Team, User
from portfolio.pagination import Page, paginate
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
    teams: list[TeamOverview]  # those of `team_page`
    team_page: Page  # items: (team id, name) of the teams shown


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
    db: Session,
    organisation_id: int,
    as_of: date,
    today: date,
    team_ids: Sequence[int | None] | None = None,
) -> tuple[Counter, list[Norm]]:
    """Counter of (team id, norm id, standing), and the norms that occur, by register: the
    stored standings for today (services.norms.standings), computed for an earlier year's end.
    Today's: with `team_ids` only those teams (None: without a team), with `()` the whole
    organisation counted under team id None. An earlier year's: every team."""
    if as_of == today:
        counts = Counter()
        known = standings.known_norms()
        norms = {}
        for team_id, norm_id, value, n in standings.organisation_counts(
            db, organisation_id=organisation_id, today=today, team_ids=team_ids
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


def _summed(counts: Counter) -> Counter:
    """(team, norm, standing) counts summed over the teams (under team id None)."""
    total: Counter = Counter()
    for (_team, norm, value), n in counts.items():
        total[None, norm, value] += n
    return total


def _norm_rows(counts: Counter, norms: list[Norm], team_id) -> list[NormStandings]:
    """One row per norm of one team (None: the people without a team, or the whole
    organisation's counter)."""
    return [
        NormStandings(
            norm.id,
            norm.register,
            norm.title,
            {value: counts[team_id, norm.id, value] for value in STANDINGS},
        )
        for norm in norms
    ]


def _evaluations(
    db: Session, organisation_id: int, year: int, team_ids: Sequence[int | None] | None = None
) -> Counter:
    """Counter of (team id, status) over the active workers (one statement); with `team_ids`
    only those teams (None: without a team), with `()` the whole organisation (team id None)."""
    statement = workers_statement(Selection(organisation_id, year))
    status = statement.selected_columns.status
    if team_ids is not None and not team_ids:
        grouped = statement.with_only_columns(status, func.count()).group_by(status)
        return Counter({(None, value): n for value, n in db.execute(grouped)})
    grouped = statement.with_only_columns(User.team_id, status, func.count()).group_by(
        User.team_id, status
    )
    if team_ids is not None:
        in_teams = User.team_id.in_([t for t in team_ids if t is not None])
        if None in team_ids:
            in_teams = or_(in_teams, User.team_id.is_(None))
        grouped = grouped.where(in_teams)
    return Counter({(team_id, value): n for team_id, value, n in db.execute(grouped)})


def organisation_overview(
    db: Session,
    *,
    organisation_id: int,
    year: int,
    today: date,
    page: int = 1,
    per_page: int | None = None,
) -> Overview:
    """The overview of a year (standings as of its last day, or today within it): the whole
    organisation, and the teams of page `page` (by name; the people without a team after the
    last team). Without `per_page`, every team. Counted in the database (GROUP BY over the
    stored standings): no statement reads every team or person."""
    as_of = as_of_for(year, today)
    teams_statement = (
        select(Team.id, Team.name)
        .where(Team.organisation_id == organisation_id)
        .order_by(Team.name, Team.id)
    )
    if per_page is None:
        teams = db.execute(teams_statement).all()
        team_page = Page([tuple(row) for row in teams], 1, max(len(teams), 1), len(teams))
    else:
        found = paginate(db, teams_statement, page=page, per_page=per_page, scalars=False)
        team_page = Page([tuple(row) for row in found.items], found.number, per_page, found.total)
    shown: list[int | None] = [team_id for team_id, _name in team_page.items]
    if not team_page.has_next:
        shown.append(None)  # the people without a team, when there are any
    if as_of == today:
        whole, norms = _standings(db, organisation_id, as_of, today, team_ids=())
        counted, _norms = _standings(db, organisation_id, as_of, today, team_ids=shown)
    else:  # computed once for the whole organisation (the page caches it)
        counted, norms = _standings(db, organisation_id, as_of, today)
        whole = _summed(counted)
    evaluations = _evaluations(db, organisation_id, year, team_ids=shown)
    whole_evaluations = _evaluations(db, organisation_id, year, team_ids=())
    used = {team for team, _norm, _s in counted} | {team for team, _s in evaluations}
    groups = list(team_page.items) + ([(None, None)] if None in used and None in shown else [])

    def evaluation_counts(counter: Counter, team_id) -> dict[str, int]:
        return {value: counter[team_id, value] for value in STATUSES}

    return Overview(
        year=year,
        as_of=as_of,
        norms=_norm_rows(whole, norms, None),
        evaluations=evaluation_counts(whole_evaluations, None),
        teams=[
            TeamOverview(
                team_id,
                name,
                _norm_rows(counted, norms, team_id),
                evaluation_counts(evaluations, team_id),
            )
            for team_id, name in groups
        ],
        team_page=team_page,
    )
