"""Where a worker stands against each registration's norm: entries → activities → norm status.

The rules live in `competencies` (norm_status, forecast, period arithmetic); this module only
reads the database. One activity counts toward every registration through that norm's own
mapping (NORMS.md: "one activity may count toward several registers at once"). The effective
norm is the norm file with the organisation's newest threshold override applied
(NORMS.md: "an organisation may override thresholds").

`statuses_for` is set-based: one statement for the overrides and one for the entries of all
owners (per chunk of owners), grouped in Python — for the dashboard and for HR exports.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

import competencies
from competencies import Activity, Norm, NormStatus
from competencies.period import Period
from portfolio.models import Entry, EntryKind, EntryStatus, Registration, ThresholdOverride

log = logging.getLogger(__name__)

# Owners per entries statement: far below SQLite's bound-parameter limit (32,766).
OWNER_CHUNK = 5_000

ENTRY_COLUMNS = (
    Entry.id,
    Entry.owner_id,
    Entry.kind,
    Entry.occurred_on,
    Entry.end_on,
    Entry.hours,
    Entry.accreditations,
    Entry.form,
    Entry.activity_type,
    Entry.hours_per_week,
    Entry.in_profession,
)


# Beroepscode art. 24: a peer review session counts once its supervisor signed it off (issue
# 14 point 6); until then it is pending, shown beside what counts (`pending_sessions`).
COUNTS_ONCE_SIGNED = (EntryKind.PEER_REVIEW.value,)
COUNTABLE = or_(Entry.kind.not_in(COUNTS_ONCE_SIGNED), Entry.status == EntryStatus.SIGNED.value)
UNSIGNED_SESSION = and_(
    Entry.kind.in_(COUNTS_ONCE_SIGNED), Entry.status != EntryStatus.SIGNED.value
)


def activity_for(entry: Any) -> Activity:
    """The norm's view of one entry (an Entry or a row with the same fields); ref = entry id."""
    kind = entry.kind
    if kind == EntryKind.WORK:
        return Activity(
            kind,
            start=entry.occurred_on,
            end=entry.end_on,
            hours_per_week=entry.hours_per_week,
            in_profession=entry.in_profession is not False,
            ref=entry.id,
        )
    fields: dict[str, Any] = {}
    if kind == EntryKind.TRAINING:
        # An activity entered without the register's ID counts as "overige" (NORMS.md); an id
        # whose register is not known yet counts as accredited nowhere.
        fields["accreditations"] = accreditations_of(entry.accreditations)
    elif kind == EntryKind.PEER_REVIEW:
        fields["form"] = entry.form
    elif kind == EntryKind.OTHER:
        fields["type"] = entry.activity_type
    hours = entry.hours if entry.hours is not None else Decimal(0)
    return Activity(kind, date=entry.occurred_on, hours=hours, ref=entry.id, **fields)


def accreditations_of(stored: list | None) -> tuple[competencies.Accreditation, ...]:
    """The stored [{"register", "id"}] as the norm engine's accreditations."""
    return tuple(
        competencies.Accreditation(item.get("register"), str(item["id"]))
        for item in stored or ()
        if str(item.get("id") or "").strip()
    )


def newest_overrides(
    db: Session, *, organisation_ids: Iterable[int], norm_ids: Iterable[str]
) -> dict[tuple[int, str], dict]:
    """{(organisation id, norm id): thresholds} of the newest override per pair (one query)."""
    organisation_ids, norm_ids = set(organisation_ids), set(norm_ids)
    if not organisation_ids or not norm_ids:
        return {}
    rows = db.execute(
        select(
            ThresholdOverride.organisation_id,
            ThresholdOverride.norm_id,
            ThresholdOverride.thresholds,
        )
        .where(
            ThresholdOverride.organisation_id.in_(organisation_ids),
            ThresholdOverride.norm_id.in_(norm_ids),
        )
        .order_by(ThresholdOverride.changed_at, ThresholdOverride.id)
    )
    # Ordered oldest first: the last row written for a pair is the newest.
    return {(org_id, norm_id): thresholds for org_id, norm_id, thresholds in rows}


def apply_override(norm: Norm, thresholds: dict | None) -> Norm:
    """The norm with the organisation's thresholds; a broken override leaves the file's norm."""
    if not thresholds:
        return norm
    try:
        return norm.with_thresholds(thresholds)
    except ValueError:
        log.warning("ignoring invalid threshold override for %s: %r", norm.id, thresholds)
        return norm


def _known_norms(registrations: Sequence[Registration]) -> dict[str, Norm]:
    known = {norm.id: norm for norm in competencies.all_norms()}
    return {r.norm_id: known[r.norm_id] for r in registrations if r.norm_id in known}


# Built once: an entry that a later correction (by the same owner) replaces.
_CORRECTED = aliased(Entry)
SUPERSEDED = exists().where(
    _CORRECTED.supersedes_id == Entry.id, _CORRECTED.owner_id == Entry.owner_id
)


def _activities_statement():
    """Built once (statement building cost more than running it on a dashboard): parameters
    owner_ids (a list), since and as_of."""
    since, work = bindparam("since", type_=Date), EntryKind.WORK.value
    in_window = or_(
        and_(Entry.kind != work, Entry.occurred_on >= since),
        and_(Entry.kind == work, or_(Entry.end_on.is_(None), Entry.end_on >= since)),
    )
    return (
        select(*ENTRY_COLUMNS)
        .where(
            Entry.owner_id.in_(bindparam("owner_ids", expanding=True)),
            Entry.occurred_on <= bindparam("as_of", type_=Date),
            in_window,
            COUNTABLE,
            ~SUPERSEDED,
        )
        .order_by(Entry.owner_id, Entry.occurred_on, Entry.id)
    )


_ACTIVITIES = _activities_statement()


def activities_by_owner(
    db: Session, *, owner_ids: Iterable[int], since: date, as_of: date
) -> dict[int, list[Activity]]:
    """Activities of these owners that can count in a period starting `since`, up to `as_of`.

    Dated activities from `since` to `as_of`; work periods that overlap them. An entry that a
    later correction supersedes does not count twice (only the correction counts).
    """
    owner_ids = sorted(set(owner_ids))
    result: dict[int, list[Activity]] = defaultdict(list)
    for start in range(0, len(owner_ids), OWNER_CHUNK):
        chunk = owner_ids[start : start + OWNER_CHUNK]
        rows = db.execute(_ACTIVITIES, {"owner_ids": chunk, "since": since, "as_of": as_of})
        for row in rows:
            result[row.owner_id].append(activity_for(row))
    return result


def norms_for(db: Session, *, registrations: Sequence[Registration]) -> dict[int, Norm]:
    """{registration id: effective norm}; registrations of an unknown norm are left out."""
    files = _known_norms(registrations)
    overrides = newest_overrides(
        db,
        organisation_ids={r.organisation_id for r in registrations if r.norm_id in files},
        norm_ids=files,
    )
    # One effective norm per organisation and norm, shared by its registrations (with_thresholds
    # builds a new norm each time, and each norm remembers its own category lookups).
    effective: dict[tuple[int, str], Norm] = {}
    for key in {(r.organisation_id, r.norm_id) for r in registrations if r.norm_id in files}:
        effective[key] = apply_override(files[key[1]], overrides.get(key))
    return {
        r.id: effective[r.organisation_id, r.norm_id] for r in registrations if r.norm_id in files
    }


def statuses_for(
    db: Session, *, registrations: Sequence[Registration], as_of: date
) -> dict[int, tuple[Norm, NormStatus]]:
    """{registration id: (effective norm, status as of `as_of`)} for many registrations.

    Two statements whatever the number of entries (one more per 5,000 owners); a registration
    whose norm file no longer exists is left out.
    """
    norms = norms_for(db, registrations=registrations)
    counted = [r for r in registrations if r.id in norms]
    if not counted:
        return {}
    since = min(r.registered_on for r in counted)
    activities = activities_by_owner(
        db, owner_ids={r.owner_id for r in counted}, since=since, as_of=as_of
    )
    return {
        r.id: (
            norms[r.id],
            competencies.norm_status(norms[r.id], r.registered_on, activities[r.owner_id], as_of),
        )
        for r in counted
    }


def status_for(db: Session, *, registration: Registration, as_of: date) -> NormStatus:
    """The status of one registration's effective norm; UnknownNormError for an unknown norm."""
    result = statuses_for(db, registrations=[registration], as_of=as_of)
    if registration.id not in result:
        competencies.load_norm(registration.norm_id)  # raises UnknownNormError
    return result[registration.id][1]


@dataclass(frozen=True)
class Pending:
    """Peer review sessions that do not count yet: submitted and waiting for the supervisor's
    sign-off, or not submitted at all (a draft or a returned session)."""

    awaiting: int = 0
    not_submitted: int = 0

    def __bool__(self) -> bool:
        return bool(self.awaiting or self.not_submitted)


@dataclass(frozen=True)
class PendingSessions:
    """The owner's unsigned sessions up to a date: (date, status), to count per period."""

    sessions: tuple[tuple[date, str], ...]

    def within(self, period: Period) -> Pending:
        """How many of them fall in `period` (from its start to its last day)."""
        statuses = [s for on, s in self.sessions if period.start <= on <= period.last_day]
        awaiting = statuses.count(EntryStatus.SUBMITTED.value)
        return Pending(awaiting=awaiting, not_submitted=len(statuses) - awaiting)


def pending_sessions(db: Session, *, owner_id: int, as_of: date) -> PendingSessions:
    """The owner's peer review sessions up to `as_of` that are not signed off (one statement);
    a session a correction replaces is left out."""
    rows = db.execute(
        select(Entry.occurred_on, Entry.status).where(
            Entry.owner_id == owner_id, UNSIGNED_SESSION, Entry.occurred_on <= as_of, ~SUPERSEDED
        )
    )
    return PendingSessions(tuple((on, status) for on, status in rows))
