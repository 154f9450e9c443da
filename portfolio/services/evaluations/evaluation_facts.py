"""The facts of a yearly evaluation, from the portfolio as of the end of the year.

Counts, levels, dates and statuses only — never free text (no reflection or case text, no
goal actions, no motivations): these facts are shown beside the evaluation and go to HR
exports (Kwaliteitslabel Organisatie 3.10, seed 003; CAO Sociaal Werk art. 3.2).

`facts_for(db, organisation_id=…, worker_ids=…, year=…)` returns {worker id: facts} for the
workers of that organisation among `worker_ids` (other ids are left out). Each facts dict is
JSON-serialisable:

- ``year``: the year; ``as_of``: ISO date the facts are computed for (31 December of the
  year, or `today` when that is earlier);
- ``registrations``: one dict per registration whose period overlaps the year, oldest first:
  ``norm`` (norm id), ``register``, ``title`` (the norm's catalogue title), ``number``
  (registration number or ``null``), ``period_end`` (ISO date), ``standing`` (on_track /
  behind / at_risk / expired / unknown: competencies.standing, as in the team overview),
  ``met`` (true / false / ``null`` when undecided), ``total`` and ``work_hours`` (``null``
  when the norm has none) and ``categories`` (one per norm category, with ``id``, the
  catalogue ``title`` and ``hours``: the net hours that count toward it, before any cap);
  each of these is {``counted``, ``required``, ``unconfirmed``}; ``counted`` is points after
  any cap (work hours: hours), ``required`` is ``null`` when the minimum is unconfirmed
  ("te verifiëren", then ``unconfirmed`` is true) or when there is none;
  the forecast at the current pace (competencies.forecast): ``forecast_met_on`` (ISO date the
  norm will be met, ``null`` when it cannot be told), ``on_track`` (met by the deadline: true /
  false / ``null`` while a threshold is unconfirmed) and ``shortfalls`` (requirements that will
  not be reached by the deadline: {``requirement`` (a category id, ``total`` or
  ``work_hours``), ``projected``, ``required``, ``short_by``});
- ``signed_sessions``: peer review sessions (Beroepscode art. 24) dated in the year up to
  ``as_of`` and signed off, leaving out those a correction supersedes;
- ``art3_covered`` / ``art3_missing``: codes of the Beroepscode art. 3 requirements with /
  without evidence dated in the year up to ``as_of`` (competencies.art3_coverage);
- ``goals``: {goal status: number} of the development goals that existed on ``as_of``
  (their status now: goals keep no status history);
- ``levels_self`` / ``levels_supervisor``: {competency code: level code} of the latest
  self-assessment and the latest assessment by someone else up to ``as_of`` (empty if none);
- ``last_activity``: ISO date of the latest portfolio entry up to ``as_of``, or ``null``.

Facts stored with an evaluation before a key was added lack it; `fact_row` and the pages read
such keys with a default (empty), so older snapshots export as they were.

Set-based: seven statements for up to 5,000 workers, whatever their number (one more set per
further 5,000), fewer when there are no registrations. The norm statuses come from hours
summed in the database (norm_sums), the art. 3 coverage from the kinds of entry per worker.

`FACT_COLUMNS` and `fact_row` (evaluation_columns, importable from here too) flatten a facts
dict into one row of scalar cells for CSV/XLSX exports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

import competencies
from portfolio.clock import AMSTERDAM
from portfolio.infra.bulk_reads import ids_in, joined_pairs, split_pairs
from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryKind,
    EntryStatus,
    GoalStatus,
    Registration,
    User,
)
from portfolio.services.evaluations.evaluation_columns import (  # noqa: F401  (imported from here too)
    FACT_COLUMNS,
    UNCONFIRMED,
    Cell,
    FactColumn,
    fact_row,
    shortfall_text,
)
from portfolio.services.norms import standings
from portfolio.services.norms.norm_progress import OWNER_CHUNK
from portfolio.services.norms.norm_sums import NOT_SUPERSEDED, summed_statuses
from portfolio.services.norms.standings import registration_fact
from portfolio.services.overviews.dashboard import art3_evidence_by_kind


def as_of_for(year: int, today: date) -> date:
    """The day the facts of `year` are computed for: its last day, or today within the year."""
    return min(date(year, 12, 31), today)


def _registrations(
    db: Session, organisation_id: int, ids: Sequence[int], year: int, as_of: date, today: date
) -> dict[int, list]:
    """Registrations whose period overlaps the year, each with its status as of `as_of`: the
    stored facts when `as_of` is today (services.norms.standings; stale ones computed first),
    computed for an earlier year's end."""
    if as_of == today:
        found = standings.stored_facts(
            db, organisation_id=organisation_id, owner_ids=ids, today=today
        )
    else:
        found = _computed_facts(db, organisation_id, ids, as_of)
    first_day = date(year, 1, 1).isoformat()
    result: dict[int, list] = defaultdict(list)
    for owner_id, fact in found:
        if fact["period_end"] >= first_day:
            result[owner_id].append(fact)
    return result


def _computed_facts(
    db: Session, organisation_id: int, ids: Sequence[int], as_of: date
) -> list[tuple[int, dict]]:
    """[(owner id, registration fact)] computed as of `as_of`, oldest registration first."""
    registrations = db.execute(
        select(
            Registration.id,
            Registration.owner_id,
            Registration.organisation_id,
            Registration.norm_id,
            Registration.registered_on,
            Registration.registration_number,
        )
        .where(
            ids_in(Registration.owner_id, ids),
            Registration.organisation_id == organisation_id,
            Registration.registered_on <= as_of,
        )
        .order_by(Registration.registered_on, Registration.id)
    ).all()
    return [
        (registration.owner_id, registration_fact(registration, norm, status, as_of))
        for registration, norm, status in summed_statuses(
            db, registrations=registrations, as_of=as_of
        )
    ]


def _latest_levels(db: Session, organisation_id: int, ids: Sequence[int], as_of: date) -> dict:
    """{worker: {"self": {code: level}, "supervisor": {code: level}}}, in one statement.

    The latest assessment per worker and kind (self or by someone else) is picked with a window
    function; the ratings' motivations are never read.
    """
    is_self = (CompetencyAssessment.subject_id == CompetencyAssessment.assessor_id).label("is_self")
    ranked = (
        select(
            CompetencyAssessment.id,
            CompetencyAssessment.subject_id,
            is_self,
            func.row_number()
            .over(
                partition_by=(CompetencyAssessment.subject_id, is_self),
                order_by=(CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.id.desc()),
            )
            .label("rank"),
        )
        .where(
            ids_in(CompetencyAssessment.subject_id, ids),
            CompetencyAssessment.organisation_id == organisation_id,
            CompetencyAssessment.assessed_on <= as_of,
        )
        .subquery()
    )
    # One row per assessment, its ratings joined into one text (ten times fewer rows to read).
    ratings = joined_pairs(CompetencyRating.competency_code, CompetencyRating.level_code)
    rows = db.execute(
        select(ranked.c.subject_id, ranked.c.is_self, ratings)
        .join(CompetencyRating, CompetencyRating.assessment_id == ranked.c.id)
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.subject_id, ranked.c.is_self)
    )
    levels: dict[int, dict[str, dict[str, str]]] = defaultdict(
        lambda: {"self": {}, "supervisor": {}}
    )
    for subject_id, self_rated, joined in rows:
        levels[subject_id]["self" if self_rated else "supervisor"] = split_pairs(joined)
    return levels


def _people(
    db: Session, organisation_id: int, ids: Sequence[int], year: int, as_of: date
) -> dict[int, tuple]:
    """{worker: (last activity, signed sessions, {goal status: n})} for the organisation's
    workers among `ids`, in one statement."""
    # The latest date: correlated, it is the last (owner_id, occurred_on) index entry of each
    # worker. Sessions and goals: grouped per worker, over the year's entries only.
    last = (
        select(func.max(Entry.occurred_on))
        .where(
            Entry.owner_id == User.id,
            Entry.organisation_id == organisation_id,
            Entry.occurred_on <= as_of,
        )
        .scalar_subquery()
    )
    signed = (
        select(Entry.owner_id, func.count().label("sessions"))
        .where(
            ids_in(Entry.owner_id, ids),
            Entry.organisation_id == organisation_id,
            Entry.occurred_on >= date(year, 1, 1),
            Entry.occurred_on <= as_of,
            Entry.kind == EntryKind.PEER_REVIEW.value,
            Entry.status == EntryStatus.SIGNED.value,
            NOT_SUPERSEDED,
        )
        .group_by(Entry.owner_id)
        .subquery()
    )
    created_before = datetime.combine(as_of + timedelta(days=1), time(), AMSTERDAM).astimezone(UTC)
    goals = (
        select(
            DevelopmentGoal.owner_id,
            *[
                func.sum(case((DevelopmentGoal.status == status.value, 1), else_=0)).label(
                    status.value
                )
                for status in GoalStatus
            ],
        )
        .where(
            ids_in(DevelopmentGoal.owner_id, ids),
            DevelopmentGoal.organisation_id == organisation_id,
            DevelopmentGoal.created_at < created_before,
        )
        .group_by(DevelopmentGoal.owner_id)
        .subquery()
    )
    rows = db.execute(
        select(User.id, last, signed.c.sessions, *[goals.c[status.value] for status in GoalStatus])
        .outerjoin(signed, signed.c.owner_id == User.id)
        .outerjoin(goals, goals.c.owner_id == User.id)
        .where(ids_in(User.id, ids), User.organisation_id == organisation_id)
    )
    return {
        worker_id: (
            last,
            int(sessions or 0),
            {s.value: int(n) for s, n in zip(GoalStatus, counts, strict=True) if n},
        )
        for worker_id, last, sessions, *counts in rows
    }


def _chunk_facts(
    db: Session, organisation_id: int, ids: Sequence[int], year: int, as_of: date, today: date
) -> dict[int, dict]:
    people = _people(db, organisation_id, ids, year, as_of)
    ids = sorted(people)
    if not ids:
        return {}
    registrations = _registrations(db, organisation_id, ids, year, as_of, today)
    evidence = art3_evidence_by_kind(db, owner_ids=ids, first=date(year, 1, 1), last=as_of)
    levels = _latest_levels(db, organisation_id, ids, as_of)
    facts = {}
    # Coverage follows from the kinds and tags alone: a handful of combinations among workers.
    coverage_of: dict[frozenset, tuple[list[str], list[str]]] = {}
    for worker_id in ids:
        last, signed_sessions, goals = people[worker_id]
        kinds = evidence.get(worker_id, ())
        key = frozenset((e.kind, e.type, e.requirement) for e in kinds)
        if key not in coverage_of:
            coverage = competencies.art3_coverage(kinds, year)
            coverage_of[key] = (
                [c.requirement.code for c in coverage if c.covered],
                [c.requirement.code for c in coverage if not c.covered],
            )
        covered, missing = coverage_of[key]
        facts[worker_id] = {
            "year": year,
            "as_of": as_of.isoformat(),
            "registrations": registrations.get(worker_id, []),
            "signed_sessions": signed_sessions,
            "art3_covered": list(covered),
            "art3_missing": list(missing),
            "goals": goals,
            "levels_self": levels[worker_id]["self"],
            "levels_supervisor": levels[worker_id]["supervisor"],
            "last_activity": last.isoformat() if last else None,
        }
    return facts


def facts_for(
    db: Session,
    *,
    organisation_id: int,
    worker_ids: Sequence[int],
    year: int,
    today: date | None = None,
) -> dict[int, dict]:
    """{worker id: facts of `year`} for the organisation's workers among `worker_ids`.

    The keys are described in the module docstring. `today` defaults to the date in the
    Netherlands; views pass `portfolio.clock.today()` so tests can set it.
    """
    today = today or datetime.now(AMSTERDAM).date()
    as_of = as_of_for(year, today)
    ids = sorted(set(worker_ids))
    facts: dict[int, dict] = {}
    for first in range(0, len(ids), OWNER_CHUNK):
        facts.update(
            _chunk_facts(db, organisation_id, ids[first : first + OWNER_CHUNK], year, as_of, today)
        )
    return facts
