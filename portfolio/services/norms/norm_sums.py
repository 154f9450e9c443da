"""Norm statuses of many registrations from hours summed in SQL: for HR exports and overviews.

`norm_progress.statuses_for` reads every entry that can count and makes one Activity of each,
so that a status can name the entries behind it (refs: the worker's dashboard and PDF). The
overviews and exports need the numbers only, and those follow from sums: `norm_status` puts
each activity in the first category whose rules cover it (`Norm.category_for`), drops a session
shorter than that category's minimum, and adds up net hours per category; caps, the total, met
and the forecast read those sums only. So the database does the same per registration: the
entries inside the registration's own period up to `as_of` that no correction supersedes, each
put in its category by the norm's rules written as SQL (`norm_rules`), summed per category.
The statuses equal `norm_progress.statuses_for`'s, without refs (tests/test_norm_sums.py
compares them). Work periods are read one by one, since work hours depend on their dates.

Two statements, as entry by entry: one for the overrides, then per `REGISTRATION_CHUNK`
registrations one for the sums and the work periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    extract,
    func,
    null,
    or_,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from competencies import Activity, Norm, NormStatus
from competencies.period import add_years
from competencies.status import norm_status_from_hours
from portfolio.infra.bulk_reads import joined_pairs, split_pairs
from portfolio.models import Entry, EntryKind, Registration
from portfolio.services.norms.norm_progress import COUNTABLE, norms_for
from portfolio.services.norms.norm_rules import HOURS, RuleSet, category_of, rule_set

# Registrations per statement (their ids are written into the SQL, so no parameter limit
# applies): bounds the rows a statement returns.
REGISTRATION_CHUNK = 5_000

# Built once (evaluation_facts uses it too): not an entry that a correction (by the same owner)
# replaces. NOT IN over the few corrections: PostgreSQL hashes them once, where
# norm_progress's NOT EXISTS probes the supersedes_id index for every entry. Neither column of
# the list is ever NULL.
_CORRECTED = aliased(Entry)
NOT_SUPERSEDED = tuple_(Entry.id, Entry.owner_id).not_in(
    select(_CORRECTED.supersedes_id, _CORRECTED.owner_id).where(
        _CORRECTED.supersedes_id.is_not(None)
    )
)


def _day_number(day):
    """year × 10,000 + month × 100 + day: ordered as the dates, in SQLite and PostgreSQL."""
    return extract("year", day) * 10_000 + extract("month", day) * 100 + extract("day", day)


def _period_end_number(years):
    """The `_day_number` of the registration's period end: competencies.period.add_years in
    SQL (the same date `years` later; 29 February becomes 28 February)."""
    start = Registration.registered_on
    day = extract("day", start)
    leap_day = and_(extract("month", start) == 2, day == 29)
    return (
        (extract("year", start) + years) * 10_000
        + extract("month", start) * 100
        + case((leap_day, 28), else_=day)
    )


def latest_start_ended(years: int, as_of: date) -> date:
    """The latest registration date whose period of `years` has ended on `as_of`."""
    start = add_years(as_of, -years)
    while add_years(start, years) > as_of:
        start -= timedelta(days=1)
    while add_years(start + timedelta(days=1), years) <= as_of:
        start += timedelta(days=1)
    return start


def _ids(name: str):
    # Written into the SQL text at execution (integers only; see bulk_reads).
    return bindparam(name, type_=Integer, expanding=True, literal_execute=True)


@lru_cache(maxsize=64)
def _statement(rules: tuple[RuleSet, ...]):
    """Per registration under these rule sets: its net hours per category, then its work periods.

    Rows (registration id, joined_pairs of category id and cents, NULL, NULL, NULL) and
    (registration id, NULL, start, end, hours a week). Parameters: registration_ids,
    owner_ids, as_of and ended_from (latest_start_ended of the shortest period). Built once
    per combination of norms.
    """
    years = case({r.norm_id: r.period_years for r in rules}, value=Registration.norm_id)
    # Entries end at as_of anyway: the period end matters only for registrations whose period
    # has ended by then, and only for those is it computed (it costs the database more than
    # the rest of the sums).
    ended = Registration.registered_on <= bindparam("ended_from", type_=Date)
    in_period = case(
        (ended, _day_number(Entry.occurred_on) < _period_end_number(years)), else_=True
    )
    as_of = bindparam("as_of", type_=Date)
    kinds = sorted({kind for r in rules for kind in r.kinds})
    # Correlated to each registration: the database reads that owner's entries through the
    # (owner_id, occurred_on) index, whatever it estimates; joined, it scans every entry of
    # every worker for each batch of a large organisation (twice the time at 70,000).
    entries = (
        select(
            category_of(rules, Registration.norm_id).label("category"),
            # Whole cents add up exactly in SQLite too (hours are stored with two decimals).
            cast(func.round(HOURS * 100), Integer).label("cents"),
        )
        .where(
            Entry.owner_id == Registration.owner_id,
            Entry.kind.in_(kinds),
            Entry.occurred_on >= Registration.registered_on,
            Entry.occurred_on <= as_of,
            in_period,
            COUNTABLE,
            NOT_SUPERSEDED,
        )
        .correlate(Registration)
        .subquery()
    )
    # Grouped outside: PostgreSQL matches GROUP BY to the SELECT list by text, and the bound
    # values in the category expression would never match.
    per_category = (
        select(entries.c.category, func.sum(entries.c.cents).label("cents"))
        .where(entries.c.category.is_not(None))
        .group_by(entries.c.category)
        .subquery()
    )
    summed = select(
        joined_pairs(per_category.c.category, cast(per_category.c.cents, String))
    ).scalar_subquery()
    sums = select(
        Registration.id,
        summed,
        type_coerce(null(), Date),
        type_coerce(null(), Date),
        type_coerce(null(), Entry.hours_per_week.type),
        type_coerce(null(), Entry.in_profession.type),
    ).where(Registration.id.in_(_ids("registration_ids")))
    # Work periods that can overlap the period (work_hours_earned clips them to it): in the same
    # statement, so the facts and the pages need no statement more than entry by entry.
    work = (
        select(
            Registration.id,
            null(),
            Entry.occurred_on,
            Entry.end_on,
            Entry.hours_per_week,
            Entry.in_profession,
        )
        .join(
            Entry,
            and_(
                Entry.owner_id == Registration.owner_id,
                Entry.kind == EntryKind.WORK.value,
                Entry.occurred_on <= as_of,
                or_(Entry.end_on.is_(None), Entry.end_on >= Registration.registered_on),
                in_period,
                NOT_SUPERSEDED,
            ),
        )
        # The owners again, for the planner: their work periods come from the owner index.
        .where(Registration.id.in_(_ids("registration_ids")), Entry.owner_id.in_(_ids("owner_ids")))
    )
    return union_all(sums, work)


def _inputs(db: Session, chunk: Sequence[Any], norms: dict[int, Norm], as_of: date):
    """({registration id: {category id: net hours}}, {registration id: work periods})."""
    rules = {norms[r.id].id: rule_set(norms[r.id]) for r in chunk}
    statement = _statement(tuple(rules[norm_id] for norm_id in sorted(rules)))
    rows = (
        db.connection()
        .execute(
            statement,
            {
                "registration_ids": [r.id for r in chunk],
                "owner_ids": sorted({r.owner_id for r in chunk}),
                "as_of": as_of,
                "ended_from": latest_start_ended(
                    min(r.period_years for r in rules.values()), as_of
                ),
            },
        )
        .all()
    )
    hours: dict[int, dict[str, Decimal]] = {}
    work: dict[int, list[Activity]] = defaultdict(list)
    for registration_id, joined, start, end, per_week, in_profession in rows:
        if start is None:
            # Cents back to hours with two decimals, as the database holds them.
            cents = split_pairs(joined)
            hours[registration_id] = {c: Decimal(n).scaleb(-2) for c, n in cents.items()}
        else:
            work[registration_id].append(
                Activity(
                    "work",
                    start=start,
                    end=end,
                    hours_per_week=per_week,
                    in_profession=in_profession is not False,
                )
            )
    return hours, work


def summed_statuses(
    db: Session, *, registrations: Sequence[Any], as_of: date
) -> Iterator[tuple[Any, Norm, NormStatus]]:
    """(registration, effective norm, status) one by one, in order, for known norms only."""
    # One at a time: a caller that keeps only what it needs of each status lets the rest go
    # at once, instead of holding thousands of them (which costs the garbage collector most).
    # norms_for goes through the session first, so pending changes are flushed before the
    # sums read the connection directly.
    norms = norms_for(db, registrations=registrations)
    counted = [r for r in registrations if r.id in norms]
    for first in range(0, len(counted), REGISTRATION_CHUNK):
        chunk = counted[first : first + REGISTRATION_CHUNK]
        hours, work = _inputs(db, chunk, norms, as_of)
        for r in chunk:
            norm = norms[r.id]
            status = norm_status_from_hours(
                norm, r.registered_on, hours.get(r.id, {}), work.get(r.id, ()), as_of
            )
            yield r, norm, status


def summed_statuses_for(
    db: Session, *, registrations: Sequence[Any], as_of: date
) -> dict[int, tuple[Norm, NormStatus]]:
    """{registration id: (effective norm, status)} as norm_progress.statuses_for, without refs."""
    found = summed_statuses(db, registrations=registrations, as_of=as_of)
    return {r.id: (norm, status) for r, norm, status in found}
