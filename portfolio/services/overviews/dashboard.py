"""The worker's dashboard: progress per registration, Art. 3 coverage, recent entries.

A fixed number of statements whatever the size of the portfolio (QUALITY.md P2): the
registrations, the overrides, the entries that can count, this year's evidence with its
article tags, and the latest entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, or_, select
from sqlmodel import Session

import competencies
from competencies import Art3Coverage, Evidence, Norm, NormStatus
from competencies.forecast import days_elapsed
from portfolio.infra.bulk_reads import ids_in
from portfolio.models import Entry, EntryKind, EntryTag, Registration, TagVocabulary
from portfolio.models.entry import EDITABLE_STATUSES
from portfolio.services.development import development, goals
from portfolio.services.norms import norm_progress
from portfolio.services.norms.registrations import current_registrations, registrations_of

RECENT_ENTRIES = 5
NO_PENDING = norm_progress.Pending()
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProgressRow:
    """One requirement of a norm: a category, the total or the work hours."""

    id: str
    title: str
    counted: Decimal
    earned: Decimal
    required: Decimal | None
    cap: Decimal | None
    met: bool | None
    required_unconfirmed: bool  # a minimum exists but its number is "te verifiëren"
    cap_unconfirmed: bool  # a maximum exists but its number is "te verifiëren"
    projected: Decimal  # at the deadline, at the pace since the period started
    is_hours: bool  # work hours, not points
    # The organisation set a threshold of this requirement (shown as the organisation's,
    # never as the register's); `overridden`: it changed a number the register confirmed.
    set_by_organisation: bool = False
    overridden: bool = False

    @property
    def unconfirmed(self) -> bool:
        """True when a threshold of this requirement is still "te verifiëren"."""
        return self.required_unconfirmed or self.cap_unconfirmed

    @property
    def has_requirement(self) -> bool:
        """True when there is a minimum, known or not."""
        return self.required is not None or self.required_unconfirmed


@dataclass(frozen=True)
class RegistrationProgress:
    """Where one registration stands, with its effective norm."""

    registration: Registration
    norm: Norm
    status: NormStatus
    rows: tuple[ProgressRow, ...]
    # Peer review sessions in the period that do not count yet (not signed off): shown beside
    # what counts (issue 14 point 6).
    pending: norm_progress.Pending = NO_PENDING

    @property
    def days_left(self) -> int:
        """Days until the submission deadline (0 once it has passed)."""
        return max((self.status.period.deadline - self.status.as_of).days, 0)

    @property
    def can_chart(self) -> bool:
        """True when at least one requirement has a number to measure progress against."""
        return any(row.required for row in self.rows)

    @property
    def has_unconfirmed(self) -> bool:
        """True when a threshold is still "te verifiëren"."""
        return any(row.unconfirmed for row in self.rows)


@dataclass(frozen=True)
class RecentEntry:
    """An entry's title only: the dashboard never shows entry text."""

    id: int
    kind: str
    title: str
    occurred_on: date


@dataclass(frozen=True)
class UnknownRegister:
    """A training with an accreditation id whose register is not known yet (an id recorded
    before accreditations named their register): it counts as accredited nowhere until the
    worker says which register issued it (issue 14 point 1: "the dashboard asks")."""

    id: int
    title: str
    occurred_on: date
    ids: tuple[str, ...]
    editable: bool  # a signed or submitted training is changed through its own page


@dataclass(frozen=True)
class Dashboard:
    """Everything the worker's dashboard shows."""

    as_of: date
    progress: tuple[RegistrationProgress, ...]
    unknown_norms: tuple[Registration, ...]
    art3_year: int
    art3: tuple[Art3Coverage, ...]
    recent: tuple[RecentEntry, ...]
    unknown_registers: tuple[UnknownRegister, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No registration and no entry yet: the first-use page instead of empty charts."""
        return not self.progress and not self.unknown_norms and not self.recent


def projected(counted: Decimal, status: NormStatus, cap: Decimal | None = None) -> Decimal:
    """`counted` carried on to the deadline at its average daily pace (as competencies does)."""
    period, as_of = status.period, status.as_of
    elapsed = days_elapsed(period, as_of)
    days_left = max((period.deadline - as_of).days, 0)
    value = counted + (counted * days_left / elapsed if elapsed else Decimal(0))
    if cap is not None:
        value = min(value, cap)
    return value.quantize(CENT, ROUND_HALF_UP)


def progress_rows(norm: Norm, status: NormStatus) -> tuple[ProgressRow, ...]:
    """The requirements of a status in display order: categories, total, work hours."""
    rows = [
        ProgressRow(
            id=c.id,
            title=c.title,
            counted=c.counted,
            earned=c.earned,
            required=c.required,
            cap=c.cap,
            met=c.met,
            required_unconfirmed=norm.category(c.id).min_unconfirmed,
            cap_unconfirmed=norm.category(c.id).max_unconfirmed,
            projected=projected(c.earned, status, c.cap),
            is_hours=False,
            set_by_organisation=_set_by_organisation(norm, c.id),
            overridden=_overridden(norm, c.id),
        )
        for c in status.categories
    ]
    if status.total is not None:
        total = status.total
        rows.append(
            ProgressRow(
                id="total",
                title="",
                counted=total.counted,
                earned=total.earned,
                required=total.required,
                cap=None,
                met=total.met,
                required_unconfirmed=total.unconfirmed,
                cap_unconfirmed=False,
                # What can still count: each category at its pace, a capped one up to its cap.
                projected=sum((row.projected for row in rows), Decimal(0)),
                is_hours=False,
                set_by_organisation=_set_by_organisation(norm, "total"),
                overridden=_overridden(norm, "total"),
            )
        )
    if status.work_hours is not None:
        work = status.work_hours
        rows.append(
            ProgressRow(
                id="work_hours",
                title="",
                counted=work.earned,
                earned=work.earned,
                required=work.required,
                cap=None,
                met=work.met,
                required_unconfirmed=work.unconfirmed,
                cap_unconfirmed=False,
                projected=_work_projected(status),
                is_hours=True,
                set_by_organisation=_set_by_organisation(norm, "work_hours"),
                overridden=_overridden(norm, "work_hours"),
            )
        )
    return tuple(rows)


def _set_by_organisation(norm: Norm, requirement: str) -> bool:
    return any(key.split(".")[0] == requirement for key in norm.organisation_set)


def _overridden(norm: Norm, requirement: str) -> bool:
    return any(key.split(".")[0] == requirement for key in norm.overridden)


def _work_projected(status: NormStatus) -> Decimal:
    """Work hours at the deadline at the current weekly hours (ongoing jobs), not the average
    since the period began: a job that ended adds nothing more."""
    work = status.work_hours
    days_left = max((status.period.deadline - status.as_of).days, 0)
    value = work.earned + work.current_per_week * days_left / 7
    return value.quantize(CENT, ROUND_HALF_UP)


def art3_evidence(db: Session, *, owner_id: int, year: int) -> list[Evidence]:
    """The owner's entries dated in `year` with the code articles they are tagged with."""
    return art3_evidence_by_owner(db, owner_ids=[owner_id], year=year).get(owner_id, [])


def art3_evidence_by_owner(
    db: Session, *, owner_ids: Sequence[int], year: int
) -> dict[int, list[Evidence]]:
    """{owner id: entries dated in `year` with their code articles}, in one statement."""
    rows = db.execute(
        select(
            Entry.owner_id,
            Entry.id,
            Entry.kind,
            Entry.occurred_on,
            EntryTag.code,
            Entry.activity_type,
            Entry.art3_requirement,
        )
        .outerjoin(
            EntryTag,
            and_(
                EntryTag.entry_id == Entry.id,
                EntryTag.vocabulary == TagVocabulary.ARTICLE.value,
            ),
        )
        .where(
            Entry.owner_id.in_(owner_ids),
            Entry.occurred_on >= date(year, 1, 1),
            Entry.occurred_on <= date(year, 12, 31),
        )
        .order_by(Entry.occurred_on, Entry.id)
    )
    entries: dict[int, tuple] = {}
    for owner_id, entry_id, kind, occurred_on, code, activity_type, requirement in rows:
        _owner, _kind, _on, articles, _type, _req = entries.setdefault(
            entry_id, (owner_id, kind, occurred_on, [], activity_type, requirement)
        )
        if code and code.isdigit():
            articles.append(int(code))
    by_owner: dict[int, list[Evidence]] = {}
    for entry_id, (owner_id, kind, on, articles, activity_type, requirement) in entries.items():
        by_owner.setdefault(owner_id, []).append(
            Evidence(
                ref=entry_id,
                kind=kind,
                date=on,
                articles=tuple(articles),
                type=activity_type if kind == "other" else None,
                requirement=requirement,
            )
        )
    return by_owner


def art3_evidence_by_kind(
    db: Session, *, owner_ids: Sequence[int], first: date, last: date
) -> dict[int, list[Evidence]]:
    """{owner id: one Evidence per kind of entry dated first…last} for art3_coverage, no refs."""
    # Coverage reads only the kind, the activity type (kind "other") and the requirement an
    # entry is linked to: one row per owner and combination, instead of every entry. Each
    # Evidence stands for entries of the range (ref: the kind; dated `last`), so owners share
    # the instances.
    activity_type = case((Entry.kind == "other", Entry.activity_type))
    rows = db.execute(
        select(Entry.owner_id, Entry.kind, activity_type, Entry.art3_requirement)
        .where(
            ids_in(Entry.owner_id, owner_ids), Entry.occurred_on >= first, Entry.occurred_on <= last
        )
        .group_by(Entry.owner_id, Entry.kind, activity_type, Entry.art3_requirement)
    )
    shared: dict[tuple, Evidence] = {}
    by_owner: dict[int, list[Evidence]] = {}
    for owner_id, kind, type_, requirement in rows:
        key = (kind, type_, requirement)
        if key not in shared:
            shared[key] = Evidence(kind, kind, last, (), type_, requirement)
        by_owner.setdefault(owner_id, []).append(shared[key])
    return by_owner


def asked_about(
    db: Session, *, owner_id: int, as_of: date
) -> tuple[norm_progress.PendingSessions, tuple[UnknownRegister, ...]]:
    """What the dashboard says does not count yet, in one statement: the unsigned peer review
    sessions up to `as_of`, and the trainings with an accreditation id of unknown register
    (newest first). An entry a correction replaces is left out."""
    rows = db.execute(
        select(Entry.kind, Entry.id, Entry.title, Entry.occurred_on, Entry.status)
        .add_columns(Entry.accreditations)
        .where(
            Entry.owner_id == owner_id,
            or_(
                and_(norm_progress.UNSIGNED_SESSION, Entry.occurred_on <= as_of),
                # Ids are read below: a training with a known register may still carry an old one.
                and_(Entry.kind == EntryKind.TRAINING.value, Entry.accreditations.is_not(None)),
            ),
            ~norm_progress.SUPERSEDED,
        )
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    )
    sessions, trainings = [], []
    for kind, entry_id, title, occurred_on, status, stored in rows:
        if kind != EntryKind.TRAINING.value:
            sessions.append((occurred_on, status))
            continue
        ids = tuple(
            str(item["id"]) for item in stored or () if not item.get("register") and item.get("id")
        )
        if ids:
            editable = status in EDITABLE_STATUSES
            trainings.append(UnknownRegister(entry_id, title, occurred_on, ids, editable))
    return norm_progress.PendingSessions(tuple(sessions)), tuple(trainings)


def recent_entries(db: Session, *, owner_id: int, limit: int = RECENT_ENTRIES) -> list[RecentEntry]:
    """The owner's latest entries by date, titles only."""
    rows = db.execute(
        select(Entry.id, Entry.kind, Entry.title, Entry.occurred_on)
        .where(Entry.owner_id == owner_id)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
        .limit(limit)
    )
    return [RecentEntry(*row) for row in rows]


def progress_for(
    db: Session, *, registration: Registration, as_of: date
) -> RegistrationProgress | None:
    """Where exactly this registration stands (also an older one of its norm); None when its
    norm file no longer exists."""
    statuses = norm_progress.statuses_for(db, registrations=[registration], as_of=as_of)
    if registration.id not in statuses:
        return None
    norm, status = statuses[registration.id]
    pending = norm_progress.pending_sessions(db, owner_id=registration.owner_id, as_of=as_of)
    return RegistrationProgress(
        registration,
        norm,
        status,
        progress_rows(norm, status),
        pending_in(norm, status.period, pending),
    )


def pending_in(
    norm: Norm, period: competencies.Period, sessions: norm_progress.PendingSessions
) -> norm_progress.Pending:
    """The unsigned sessions of a registration's period, when its norm counts sessions."""
    counts_sessions = any(
        rule.kind in norm_progress.COUNTS_ONCE_SIGNED for c in norm.categories for rule in c.rules
    )
    return sessions.within(period) if counts_sessions else norm_progress.Pending()


def pending_by_registration(
    db: Session, *, owner_id: int, registrations: Sequence[Registration], as_of: date
) -> dict[int, norm_progress.Pending]:
    """{registration id: its period's unsigned sessions} for the registrations page."""
    known = [r for r in registrations if r.norm_id in competencies.NORM_IDS]
    if not known:
        return {}
    sessions = norm_progress.pending_sessions(db, owner_id=owner_id, as_of=as_of)
    result = {}
    for r in known:
        norm = competencies.load_norm(r.norm_id)
        period = competencies.registration_period(r.registered_on, norm.period_years)
        result[r.id] = pending_in(norm, period, sessions)
    return result


def dashboard_for(db: Session, *, owner_id: int, as_of: date) -> Dashboard:
    """The dashboard of one worker as of a date."""
    registrations = current_registrations(registrations_of(db, owner_id=owner_id))
    statuses = norm_progress.statuses_for(db, registrations=registrations, as_of=as_of)
    pending, unknown_registers = asked_about(db, owner_id=owner_id, as_of=as_of)
    progress = tuple(
        RegistrationProgress(
            r, norm, status, progress_rows(norm, status), pending_in(norm, status.period, pending)
        )
        for r in registrations
        if r.id in statuses
        for norm, status in [statuses[r.id]]
    )
    unknown = tuple(r for r in registrations if r.id not in statuses)
    evidence = art3_evidence(db, owner_id=owner_id, year=as_of.year)
    return Dashboard(
        as_of=as_of,
        progress=progress,
        unknown_norms=unknown,
        art3_year=as_of.year,
        art3=competencies.art3_coverage(evidence, as_of.year),
        recent=tuple(recent_entries(db, owner_id=owner_id)),
        unknown_registers=unknown_registers,
    )


DASHBOARD_GOALS = 5


def development_summary(db: Session, *, owner_id: int, as_of: date) -> dict:
    """Values for the dashboard's goals and radar partials (three statements)."""
    open_goals = goals.goals_of(db, owner_id=owner_id, open_only=True, limit=DASHBOARD_GOALS)
    assessments = development.recent_assessments(db, subject_id=owner_id)
    mine = [a for a in assessments if a.is_self]
    return {
        "open_goals": open_goals,
        "goals_overdue": {g.id for g in open_goals if g.due_on and g.due_on < as_of},
        "self_now": mine[0] if mine else None,
        "self_before": mine[1] if len(mine) > 1 else None,
        "supervisor_now": development.latest(assessments, self_assessed=False),
    }
