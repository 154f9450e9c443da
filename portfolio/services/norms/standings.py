"""Stored registration standings: what the team page, HR's overview and people list read.

A standing row (models.RegistrationStanding) is current while it was computed today at the
owner's present portfolio revision. The revision is raised in the same transaction as every
change to the owner's entries, registrations and their organisation's thresholds
(infra.portfolio_revision), so "stale" needs no hook of its own: a reader asks for the stale rows
of the people it shows (one statement), computes those set-based with `norm_sums` (the same
statuses as the dashboard's, without refs) and writes them (INSERT … ON CONFLICT), then reads
the rest as data. The scheduler's daily job (`refresh_all`) recomputes every row for the new
day, so the first overview of the morning finds them current.

The revision is read before the sums: a change committed in between leaves a row whose revision
is already behind, which is computed again on the next read, never a row that looks current
but is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Date, Integer, and_, bindparam, case, exists, func, null, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session

import competencies
from competencies import Norm
from competencies.standing import standing as standing_of
from competencies.status import json_number
from portfolio.models import Registration, RegistrationStanding, User

# Registrations computed and written per round (bounds memory; norm_sums chunks the same way).
CHUNK = 5_000

_LATER = aliased(Registration)


@dataclass(frozen=True)
class Stored:
    """One registration's stored standing, with what the pages show beside it."""

    registration_id: int
    owner_id: int
    norm_id: str
    standing: str
    registration_number: str | None


def known_norms() -> dict[str, Norm]:
    """{norm id: norm} of the catalogue's files (titles and registers for the pages)."""
    return {norm.id: norm for norm in competencies.all_norms()}


def _current(today):
    """The condition that a standing row is current for `today` (needs User joined). A row
    of a known norm written before the facts were stored with it is stale too."""
    return and_(
        RegistrationStanding.computed_on == today,
        RegistrationStanding.revision == User.portfolio_revision,
        or_(RegistrationStanding.facts.is_not(None), RegistrationStanding.standing.is_(None)),
    )


def is_current(today):
    """1 when the (outer-joined) standing row is current for `today` (a date, or a bound
    parameter of a statement built once), else 0: a column for a reader that joins the owner
    (User) and outer-joins RegistrationStanding itself."""
    current = and_(RegistrationStanding.registration_id.is_not(None), _current(today))
    return case((current, 1), else_=0).label("current")


def newest_only(as_of: date):
    """Registration is its owner's newest under its norm by `as_of` (a re-registration
    replaces the previous one), as the organisation overview counts them."""
    return ~exists().where(
        _LATER.owner_id == Registration.owner_id,
        _LATER.norm_id == Registration.norm_id,
        _LATER.registered_on <= as_of,
        or_(
            _LATER.registered_on > Registration.registered_on,
            and_(_LATER.registered_on == Registration.registered_on, _LATER.id > Registration.id),
        ),
    )


def _stale_statement(today: date, where):
    return (
        select(Registration, User.portfolio_revision)
        .join(User, User.id == Registration.owner_id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(
            where,
            or_(RegistrationStanding.registration_id.is_(None), ~_current(today)),
        )
        .order_by(Registration.id)
    )


def refresh_stale(db: Session, *, where, today: date) -> list[dict]:
    """Compute and store the standings of the registrations matching `where` (a condition on
    Registration / User) that are not current for `today`. Returns the rows written."""
    found = db.execute(_stale_statement(today, where)).all()
    revisions = {r.owner_id: revision for r, revision in found}
    return refresh(db, registrations=[r for r, _ in found], today=today, revisions=revisions)


def refresh(
    db: Session,
    *,
    registrations: Sequence[Registration],
    today: date,
    revisions: dict[int, int] | None = None,
) -> list[dict]:
    """Compute these registrations' standings as of `today` and store them (upsert), at the
    owners' `revisions` (read now when not given: before the sums, see the module)."""
    from portfolio.services.norms.norm_sums import summed_statuses

    written: list[dict] = []
    for first in range(0, len(registrations), CHUNK):
        chunk = registrations[first : first + CHUNK]
        known = revisions
        if known is None:
            owners = sorted({r.owner_id for r in chunk})
            known = dict(
                db.connection()
                .execute(select(User.id, User.portfolio_revision).where(User.id.in_(owners)))
                .all()
            )
        rows = {
            r.id: {
                "registration_id": r.id,
                "owner_id": r.owner_id,
                "organisation_id": r.organisation_id,
                "norm_id": r.norm_id,
                "standing": None,
                "met": None,
                "forecast_on_track": None,
                "forecast_met_on": None,
                "deadline": None,
                "days_left": None,
                "counted": {},
                "facts": None,
                "computed_on": today,
                "revision": known.get(r.owner_id, 0),
            }
            for r in chunk
        }
        for registration, norm, status in summed_statuses(db, registrations=chunk, as_of=today):
            deadline = status.period.deadline
            rows[registration.id].update(
                standing=standing_of(status, today),
                met=status.met,
                forecast_on_track=status.forecast.on_track,
                forecast_met_on=status.forecast.met_on,
                deadline=deadline,
                days_left=(deadline - today).days,
                counted={c.id: _text(c.counted) for c in status.categories},
                facts=registration_fact(registration, norm, status, today),
            )
        _upsert(db, [rows[key] for key in sorted(rows)])
        written += rows.values()
    return written


def _threshold(counted, required, unconfirmed: bool) -> dict:
    return {
        "counted": json_number(counted),
        "required": json_number(required),
        "unconfirmed": unconfirmed,
    }


def registration_fact(registration, norm: Norm, status, as_of: date) -> dict:
    """One registration's part of a yearly evaluation's facts (evaluation_facts describes the
    keys), from its norm status as of `as_of`: stored with the standing for today, computed
    for an earlier year's end."""
    total, work, forecast = status.total, status.work_hours, status.forecast
    return {
        "norm": norm.id,
        "register": norm.register,
        "title": norm.title,
        "number": registration.registration_number,
        "period_end": status.period.last_day.isoformat(),
        "standing": standing_of(status, as_of),
        "met": status.met,
        "total": _threshold(total.counted, total.required, total.unconfirmed) if total else None,
        "work_hours": _threshold(work.earned, work.required, work.unconfirmed) if work else None,
        "categories": [
            {
                "id": c.id,
                "title": c.title,
                "hours": json_number(c.earned / norm.points_per_hour),
                **_threshold(c.counted, c.required, rule.min_unconfirmed),
            }
            for c, rule in zip(status.categories, norm.categories, strict=True)
        ],
        "forecast_met_on": forecast.met_on.isoformat() if forecast.met_on else None,
        "on_track": forecast.on_track,
        "shortfalls": [
            {
                "requirement": s.requirement,
                "projected": json_number(s.projected),
                "required": json_number(s.required),
                "short_by": json_number(s.short_by),
            }
            for s in forecast.shortfalls
        ],
    }


def stored_facts(
    db: Session, *, organisation_id: int, owner_ids: Sequence[int], today: date
) -> list[tuple[int, dict]]:
    """[(owner id, registration fact as of today)] of these people's registrations in the
    organisation, oldest registration first (the yearly evaluation exports' order). Current
    rows are read; stale ones are computed (set-based) but not written: exports stream from a
    session that must not write. One statement when everything is current."""
    from portfolio.services.norms.norm_sums import summed_statuses

    ids = sorted(set(owner_ids))
    if not ids:
        return []
    rows = db.execute(
        select(
            Registration.id,
            Registration.owner_id,
            Registration.organisation_id,
            Registration.norm_id,
            Registration.registered_on,
            Registration.registration_number,
            RegistrationStanding.facts,
            is_current(today),
        )
        .join(User, User.id == Registration.owner_id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(
            Registration.owner_id.in_(ids),
            Registration.organisation_id == organisation_id,
            Registration.registered_on <= today,
        )
        .order_by(Registration.registered_on, Registration.id)
    ).all()
    stale = [row for row in rows if not row.current]
    computed = {
        registration.id: registration_fact(registration, norm, status, today)
        for registration, norm, status in (
            summed_statuses(db, registrations=stale, as_of=today) if stale else ()
        )
    }
    found = [(row.owner_id, row.facts if row.current else computed.get(row.id)) for row in rows]
    return [(owner_id, facts) for owner_id, facts in found if facts is not None]


def _text(hours) -> str:
    """Hours as the shortest decimal text ("60", "12.5")."""
    return format(hours.normalize(), "f")


def _upsert(db: Session, rows: list[dict]) -> None:
    if not rows:
        return
    table = RegistrationStanding.__table__
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    updated = {
        column.name: statement.excluded[column.name]
        for column in table.columns
        if column.name != "registration_id"
    }
    db.connection().execute(
        statement.on_conflict_do_update(index_elements=["registration_id"], set_=updated), rows
    )


def refresh_all(db: Session, *, today: date) -> int:
    """The scheduler's daily job: every stale standing of every active person, set-based
    (organisation by organisation would read the same; one condition does). Returns how many
    were written."""
    return len(refresh_stale(db, where=User.is_active.is_(True), today=today))


def standings_of_owners(db: Session, *, owner_ids: Iterable[int], today: date) -> list[Stored]:
    """The current standings of these people's registrations (stale ones refreshed first),
    registrations of unknown norms left out; ordered by registration id."""
    ids = sorted(set(owner_ids))
    if not ids:
        return []
    rows = db.execute(_owners_statement(), {"owner_ids": ids, "today": today}).all()
    found = [Stored(*row) for *row, current in rows if current and row[3] is not None]
    if not all(current for *_row, current in rows):  # stale or missing ones: computed now
        numbers = {row.id: row.registration_number for row in rows}
        fresh = refresh_stale(db, where=Registration.owner_id.in_(ids), today=today)
        found += [
            Stored(
                r["registration_id"],
                r["owner_id"],
                r["norm_id"],
                r["standing"],
                numbers.get(r["registration_id"]),
            )
            for r in fresh
            if r["standing"] is not None
        ]
        found.sort(key=lambda stored: stored.registration_id)
    return found


@cache
def _owners_statement():
    """`standings_of_owners`' read; parameters owner_ids and today. Built once: building and
    keying it each time cost more than running it (about 0.5 ms)."""
    return (
        select(
            Registration.id,
            Registration.owner_id,
            RegistrationStanding.norm_id,
            RegistrationStanding.standing,
            Registration.registration_number,
            is_current(bindparam("today", type_=Date)),
        )
        .join(User, User.id == Registration.owner_id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(Registration.owner_id.in_(bindparam("owner_ids", type_=Integer, expanding=True)))
        .order_by(Registration.id)
    )


def _active_here(organisation_id: int, today: date):
    """Registrations (the newest per person and norm) of the organisation's active people."""
    return and_(
        Registration.organisation_id == organisation_id,
        User.organisation_id == organisation_id,
        User.is_active.is_(True),
        Registration.registered_on <= today,
        newest_only(today),
    )


def _refresh_organisation(db: Session, organisation_id: int, today: date) -> None:
    """Compute the stale standings of the organisation's current registrations first; one
    EXISTS statement when everything is current."""
    where = _active_here(organisation_id, today)
    stale = (
        select(Registration.id)
        .join(User, User.id == Registration.owner_id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(where, or_(RegistrationStanding.registration_id.is_(None), ~_current(today)))
    )
    if db.scalar(select(exists(stale))):
        refresh_stale(db, where=where, today=today)


@dataclass(frozen=True)
class Standing:
    """A stored standing with its owner's name (the HR start page's to-do)."""

    registration_id: int
    owner_id: int
    owner_name: str
    norm_id: str
    standing: str
    deadline: date | None
    days_left: int | None


def organisation_standings(
    db: Session, *, organisation_id: int, today: date, values: Sequence[str], limit: int
) -> tuple[list[Standing], int]:
    """The first `limit` current registrations of the organisation's active people whose
    standing is one of `values`, nearest deadline first (then by name), and how many there are
    in all; stale ones refreshed first. Two statements when everything is current."""
    _refresh_organisation(db, organisation_id, today)
    rows = db.execute(
        select(
            RegistrationStanding.registration_id,
            RegistrationStanding.owner_id,
            User.name,
            RegistrationStanding.norm_id,
            RegistrationStanding.standing,
            RegistrationStanding.deadline,
            RegistrationStanding.days_left,
            func.count().over().label("total"),
        )
        .select_from(Registration)
        .join(User, User.id == Registration.owner_id)
        .join(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(_active_here(organisation_id, today), RegistrationStanding.standing.in_(values))
        .order_by(RegistrationStanding.deadline, User.name, User.id, Registration.id)
        .limit(limit)
    ).all()
    total = rows[0].total if rows else 0
    return [Standing(*row[:-1]) for row in rows], total


def organisation_counts(
    db: Session, *, organisation_id: int, today: date, team_ids: Sequence[int | None] | None = None
) -> list[tuple[int | None, str, str, int]]:
    """[(team id, norm id, standing, count)] of the current registrations (the newest per
    person and norm) of the organisation's active people, as of today; stale ones refreshed
    first. One statement when everything is current. With `team_ids` only those teams (None:
    the people without a team); with `team_ids=()`, the whole organisation (team id None)."""
    active_here = _active_here(organisation_id, today)
    current = is_current(today)
    whole = team_ids is not None and not team_ids
    team = null().label("team_id") if whole else User.team_id
    if team_ids:
        known = [t for t in team_ids if t is not None]
        in_teams = User.team_id.in_(known)
        if None in team_ids:
            in_teams = or_(in_teams, User.team_id.is_(None))
        active_here = and_(active_here, in_teams)
    columns = (team, RegistrationStanding.norm_id, RegistrationStanding.standing, current)
    grouped = (
        select(*columns, func.count())
        .select_from(Registration)
        .join(User, User.id == Registration.owner_id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(active_here)
        .group_by(*columns[1:] if whole else columns)
    )
    rows = db.execute(grouped).all()
    if not all(is_current for *_row, is_current, _n in rows):  # one statement when current
        refresh_stale(db, where=active_here, today=today)
        rows = db.execute(grouped).all()
    return [(team, norm, value, n) for team, norm, value, _c, n in rows if value is not None]
