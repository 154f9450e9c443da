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
  ``as_of`` and signed off;
- ``art3_covered`` / ``art3_missing``: codes of the Beroepscode art. 3 requirements with /
  without evidence dated in the year up to ``as_of`` (competencies.art3_coverage);
- ``goals``: {goal status: number} of the development goals that existed on ``as_of``
  (their status now: goals keep no status history);
- ``levels_self`` / ``levels_supervisor``: {competency code: level code} of the latest
  self-assessment and the latest assessment by someone else up to ``as_of`` (empty if none);
- ``last_activity``: ISO date of the latest portfolio entry up to ``as_of``, or ``null``.

Facts stored with an evaluation before a key was added lack it; `fact_row` and the pages read
such keys with a default (empty), so older snapshots export as they were.

Set-based: six statements for up to 5,000 workers, whatever their number (one more set per
further 5,000, as norm_progress.statuses_for), fewer when there are no registrations.

`FACT_COLUMNS` ({column name: FactColumn}) flattens a facts dict into one row of scalar cells
for CSV/XLSX exports, the same columns for every worker; `fact_row(facts)` gives the cells in
order. Every column is listed (with its description) at the end of this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

import competencies
from competencies.standing import standing
from competencies.status import json_number
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
from portfolio.services.dashboard import art3_evidence_by_owner
from portfolio.services.norm_progress import OWNER_CHUNK, statuses_for

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def as_of_for(year: int, today: date) -> date:
    """The day the facts of `year` are computed for: its last day, or today within the year."""
    return min(date(year, 12, 31), today)


def _threshold(counted, required, unconfirmed: bool) -> dict:
    return {"counted": json_number(counted), "required": json_number(required),
            "unconfirmed": unconfirmed}  # fmt: skip


def _registrations(db: Session, organisation_id: int, ids: Sequence[int], year: int,
                   as_of: date) -> dict[int, list]:  # fmt: skip
    """Registrations whose period overlaps the year, each with its status as of `as_of`."""
    registrations = db.scalars(
        select(Registration)
        .where(Registration.owner_id.in_(ids), Registration.organisation_id == organisation_id,
               Registration.registered_on <= as_of)
        .order_by(Registration.registered_on, Registration.id)
    ).all()  # fmt: skip
    statuses = statuses_for(db, registrations=registrations, as_of=as_of)
    result: dict[int, list] = defaultdict(list)
    for registration in registrations:
        found = statuses.get(registration.id)
        if found is None or found[1].period.last_day < date(year, 1, 1):
            continue
        norm, status = found
        total, work, forecast = status.total, status.work_hours, status.forecast
        result[registration.owner_id].append({
            "norm": norm.id, "register": norm.register, "title": norm.title,
            "number": registration.registration_number,
            "period_end": status.period.last_day.isoformat(),
            "standing": standing(status, as_of), "met": status.met,
            "total": _threshold(total.counted, total.required, total.unconfirmed)
            if total else None,
            "work_hours": _threshold(work.earned, work.required, work.unconfirmed)
            if work else None,
            "categories": [
                {"id": c.id, "title": c.title,
                 "hours": json_number(c.earned / norm.points_per_hour),
                 **_threshold(c.counted, c.required, rule.min_unconfirmed)}
                for c, rule in zip(status.categories, norm.categories, strict=True)
            ],
            "forecast_met_on": forecast.met_on.isoformat() if forecast.met_on else None,
            "on_track": forecast.on_track,
            "shortfalls": [
                {"requirement": s.requirement, "projected": json_number(s.projected),
                 "required": json_number(s.required), "short_by": json_number(s.short_by)}
                for s in forecast.shortfalls
            ],
        })  # fmt: skip
    return result


def _latest_levels(db: Session, organisation_id: int, ids: Sequence[int], as_of: date) -> dict:
    """{worker: {"self": {code: level}, "supervisor": {code: level}}}, in one statement.

    The latest assessment per worker and kind (self or by someone else) is picked with a window
    function; the ratings' motivations are never read.
    """
    is_self = (CompetencyAssessment.subject_id == CompetencyAssessment.assessor_id).label("is_self")
    ranked = (
        select(
            CompetencyAssessment.id, CompetencyAssessment.subject_id, is_self,
            func.row_number().over(
                partition_by=(CompetencyAssessment.subject_id, is_self),
                order_by=(CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.id.desc()),
            ).label("rank"),
        )
        .where(CompetencyAssessment.subject_id.in_(ids),
               CompetencyAssessment.organisation_id == organisation_id,
               CompetencyAssessment.assessed_on <= as_of)
        .subquery()
    )  # fmt: skip
    rows = db.execute(
        select(ranked.c.subject_id, ranked.c.is_self, CompetencyRating.competency_code,
               CompetencyRating.level_code)
        .join(CompetencyRating, CompetencyRating.assessment_id == ranked.c.id)
        .where(ranked.c.rank == 1)
    )  # fmt: skip
    levels: dict[int, dict[str, dict[str, str]]] = defaultdict(
        lambda: {"self": {}, "supervisor": {}}
    )
    for subject_id, self_rated, code, level in rows:
        levels[subject_id]["self" if self_rated else "supervisor"][code] = level
    return levels


def _people(db: Session, organisation_id: int, ids: Sequence[int], year: int,
            as_of: date) -> dict[int, tuple]:  # fmt: skip
    """{worker: (last activity, signed sessions, {goal status: n})} for the organisation's
    workers among `ids`, in one statement (the goal counts are correlated subqueries)."""
    signed = and_(
        Entry.kind == EntryKind.PEER_REVIEW.value,
        Entry.status == EntryStatus.SIGNED.value,
        Entry.occurred_on >= date(year, 1, 1),
    )
    created_before = datetime.combine(as_of + timedelta(days=1), time(), AMSTERDAM).astimezone(UTC)
    goals = [
        select(func.count())
        .where(
            DevelopmentGoal.owner_id == User.id,
            DevelopmentGoal.status == status.value,
            DevelopmentGoal.organisation_id == organisation_id,
            DevelopmentGoal.created_at < created_before,
        )
        .scalar_subquery()
        for status in GoalStatus
    ]
    rows = db.execute(
        select(User.id, func.max(Entry.occurred_on),
               func.coalesce(func.sum(case((signed, 1), else_=0)), 0), *goals)
        .outerjoin(Entry, and_(Entry.owner_id == User.id, Entry.occurred_on <= as_of,
                               Entry.organisation_id == organisation_id))
        .where(User.id.in_(ids), User.organisation_id == organisation_id)
        .group_by(User.id)
    )  # fmt: skip
    return {
        worker_id: (last, int(sessions),
                    {s.value: n for s, n in zip(GoalStatus, counts, strict=True) if n})
        for worker_id, last, sessions, *counts in rows
    }  # fmt: skip


def _chunk_facts(db: Session, organisation_id: int, ids: Sequence[int], year: int,
                 as_of: date) -> dict[int, dict]:  # fmt: skip
    people = _people(db, organisation_id, ids, year, as_of)
    ids = sorted(people)
    if not ids:
        return {}
    registrations = _registrations(db, organisation_id, ids, year, as_of)
    evidence = art3_evidence_by_owner(db, owner_ids=ids, year=year)
    levels = _latest_levels(db, organisation_id, ids, as_of)
    facts = {}
    for worker_id in ids:
        last, signed_sessions, goals = people[worker_id]
        in_range = [e for e in evidence.get(worker_id, []) if e.date <= as_of]
        coverage = competencies.art3_coverage(in_range, year)
        facts[worker_id] = {
            "year": year,
            "as_of": as_of.isoformat(),
            "registrations": registrations.get(worker_id, []),
            "signed_sessions": signed_sessions,
            "art3_covered": [c.requirement.code for c in coverage if c.covered],
            "art3_missing": [c.requirement.code for c in coverage if not c.covered],
            "goals": goals,
            "levels_self": levels[worker_id]["self"],
            "levels_supervisor": levels[worker_id]["supervisor"],
            "last_activity": last.isoformat() if last else None,
        }
    return facts


def facts_for(
    db: Session, *, organisation_id: int, worker_ids: Sequence[int], year: int,
    today: date | None = None,
) -> dict[int, dict]:  # fmt: skip
    """{worker id: facts of `year`} for the organisation's workers among `worker_ids`.

    The keys are described in the module docstring. `today` defaults to the date in the
    Netherlands; views pass `portfolio.clock.today()` so tests can set it.
    """
    today = today or datetime.now(AMSTERDAM).date()
    as_of = as_of_for(year, today)
    ids = sorted(set(worker_ids))
    facts: dict[int, dict] = {}
    for first in range(0, len(ids), OWNER_CHUNK):
        facts.update(_chunk_facts(db, organisation_id, ids[first : first + OWNER_CHUNK], year,
                                  as_of))  # fmt: skip
    return facts


# --- one row per worker ----------------------------------------------------------------------

Cell = str | int | float | None
UNCONFIRMED = "te verifiëren"  # a threshold nobody has confirmed yet (NORMS.md)


@dataclass(frozen=True)
class FactColumn:
    """One export column: its name, what it holds, and how to read it from a facts dict."""

    name: str
    description: str
    value: Callable[[dict], Cell]


def _registration(facts: dict, norm_id: str) -> dict | None:
    """The newest registration under a norm (a re-registration within the year replaces it)."""
    found = [r for r in facts["registrations"] if r["norm"] == norm_id]
    return found[-1] if found else None


def _required(part: dict) -> Cell:
    return UNCONFIRMED if part["unconfirmed"] and part["required"] is None else part["required"]


def _requirement_columns(name: str, label: str, find: Callable[[dict], dict | None]) -> list:
    """`name` (counted) and `name_required`, read from the requirement `find` picks."""

    def counted(facts):
        found = find(facts)
        return found["counted"] if found else None

    def required(facts):
        found = find(facts)
        return _required(found) if found else None

    return [FactColumn(name, f"{label}: counted", counted),
            FactColumn(f"{name}_required", f"{label}: required", required)]  # fmt: skip


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def shortfall_text(shortfalls: list[dict] | None) -> str | None:
    """The shortfalls in words, e.g. "scholing short by 35; total short by 10"."""
    words = [f"{s['requirement']} short by {s['short_by']}" for s in shortfalls or ()]
    return "; ".join(words) or None


def _norm_columns(norm) -> list[FactColumn]:
    """The columns of one norm: registration, standing, forecast, and each requirement
    counted/required (categories: and their hours)."""
    n, where = norm.id, f"{norm.register}, {norm.id}"

    def field(key, convert=lambda value: value):
        return lambda facts: convert((_registration(facts, n) or {}).get(key))

    def category(category_id):
        def find(facts):
            registration = _registration(facts, n) or {"categories": []}
            return next((c for c in registration["categories"] if c["id"] == category_id), None)

        return find

    def hours(category_id):
        find = category(category_id)
        return lambda facts: (find(facts) or {}).get("hours")

    columns = [
        FactColumn(f"{n}.number", f"registration number ({where})", field("number")),
        FactColumn(f"{n}.standing", f"on_track/behind/at_risk/expired/unknown ({where})",
                   field("standing")),
        FactColumn(f"{n}.period_end", f"last day of the period ({where})", field("period_end")),
        FactColumn(f"{n}.forecast_met_on",
                   f"date the norm will be met at the current pace (ISO), empty when that "
                   f"cannot be told ({where})", field("forecast_met_on")),
        FactColumn(f"{n}.on_track",
                   f"yes/no: met by the deadline at the current pace; empty while a threshold "
                   f"is unconfirmed ({where})", field("on_track", _yes_no)),
        FactColumn(f"{n}.shortfall",
                   f"what the current pace leaves short at the deadline, e.g. `scholing short "
                   f"by 35; total short by 10` (points; work_hours: hours) ({where})",
                   field("shortfalls", shortfall_text)),
    ]  # fmt: skip
    if norm.has_total:
        columns += _requirement_columns(f"{n}.total", f"total points ({where})", field("total"))
    if norm.has_work_hours:
        columns += _requirement_columns(f"{n}.work_hours", f"work hours ({where})",
                                        field("work_hours"))  # fmt: skip
    for c in norm.categories:
        columns += _requirement_columns(f"{n}.{c.id}", f"points for {c.title} ({where})",
                                        category(c.id))  # fmt: skip
        columns.append(FactColumn(f"{n}.{c.id}_hours",
                                  f"net hours for {c.title}, before any cap ({where})",
                                  hours(c.id)))  # fmt: skip
    return columns


def _goal_column(status: str) -> FactColumn:
    return FactColumn(f"goals.{status}", f"development goals with status {status}",
                      lambda facts: facts["goals"].get(status, 0))  # fmt: skip


def _level_column(kind: str, competency) -> FactColumn:
    who = "latest self-assessment" if kind == "self" else "latest assessment by a supervisor"
    return FactColumn(f"{kind}.{competency.code}", f"level of {competency.code} in {who}",
                      lambda facts: facts[f"levels_{kind}"].get(competency.code))  # fmt: skip


def _build_columns() -> dict[str, FactColumn]:
    columns = [
        FactColumn("year", "the evaluation year", lambda facts: facts["year"]),
        FactColumn("as_of", "the date the figures are computed for (ISO)",
                   lambda facts: facts["as_of"]),
        FactColumn("signed_sessions", "peer review sessions in the year, signed off (art. 24)",
                   lambda facts: facts["signed_sessions"]),
        FactColumn("art3_covered", "number of Beroepscode art. 3 requirements with evidence",
                   lambda facts: len(facts["art3_covered"])),
        FactColumn("art3_missing", "codes of art. 3 requirements without evidence, space-separated",
                   lambda facts: " ".join(facts["art3_missing"])),
        FactColumn("last_activity", "date of the latest portfolio entry (ISO), empty if none",
                   lambda facts: facts["last_activity"]),
    ]  # fmt: skip
    columns += [_goal_column(status.value) for status in GoalStatus]
    for norm in competencies.all_norms():
        columns += _norm_columns(norm)
    for kind in ("self", "supervisor"):
        columns += [_level_column(kind, c) for c in competencies.COMPETENCIES]
    return {column.name: column for column in columns}


# Column name -> FactColumn. Cells are numbers, ISO dates, codes or empty (None); a required
# threshold that is unconfirmed reads "te verifiëren". Registration columns exist for every
# norm the product knows (competencies/norms) and are empty without such a registration; with
# two registrations under one norm in the year, the newest one fills them. Columns:
#   year, as_of, signed_sessions, art3_covered, art3_missing, last_activity;
#   goals.<status> for open / in_progress / achieved / dropped (0 when none);
#   <norm>.number, <norm>.standing, <norm>.period_end, <norm>.forecast_met_on, <norm>.on_track
#   (yes / no / empty), <norm>.shortfall (in words), <norm>.total and .total_required (norms
#   with a total), <norm>.work_hours and .work_hours_required (norms with work hours),
#   <norm>.<category>, <norm>.<category>_required and <norm>.<category>_hours (net hours before
#   any cap) for each category of the norm;
#   self.<competency> and supervisor.<competency>: level codes for WMO1 … WMO10.
FACT_COLUMNS: dict[str, FactColumn] = _build_columns()


def fact_row(facts: dict) -> list[Cell]:
    """The cells of one worker, in the order of FACT_COLUMNS."""
    return [column.value(facts) for column in FACT_COLUMNS.values()]
