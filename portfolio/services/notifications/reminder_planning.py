"""Which reminders are due: set-based selection, written as rows unique per subject and date.

Only reminders that fell due in the last LOOKBACK_DAYS are created, so a scheduler that was
down catches up without a flood, and a new registration does not get every past reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

import competencies
from competencies.reminders import (
    DEFAULT_OFFSETS,
    VOG_WARNING_MONTHS,
    before,
    deadline_reminder_dates,
    months_before,
    vog_is_due,
)
from portfolio.models import (
    DevelopmentGoal,
    Entry,
    EntryParticipant,
    EntryStatus,
    FeedbackRequest,
    GoalStatus,
    OrganisationSettings,
    Registration,
    Reminder,
    TeamLead,
    User,
)
from portfolio.services.organisation.org_settings import DEFAULT_DIGEST_DAYS

LOOKBACK_DAYS = 45
DEADLINE = "registration_deadline"
VOG = "vog"
GOAL_DUE = "goal_due"
SIGNOFF_DIGEST = "signoff_digest"
BEHIND_PACE = "behind_pace"
FEEDBACK_UNANSWERED = "feedback_requested"
ATTENDANCE_UNCONFIRMED = "attendance"
NUDGE_AFTER_DAYS = 7  # an open feedback request or attendance question is nudged once
BEHIND_PACE_DAYS = 7  # checked in the first week of a month: at most one reminder a month


def organisation_offsets(db: Session) -> dict[int, tuple[str, ...]]:
    """Each organisation's own reminder offsets (organisations without use the default)."""
    rows = db.execute(
        select(OrganisationSettings.organisation_id, OrganisationSettings.reminder_offsets)
    ).all()
    return {org_id: tuple(offsets) for org_id, offsets in rows if offsets}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _matching_range(start: date, matches) -> tuple[date, date] | None:
    """The first and last day within 150 days of `start` (either side) for which `matches`."""
    days = [start + timedelta(days=d) for d in range(-150, 151)]
    hits = [day for day in days if matches(day)]
    return (hits[0], hits[-1]) if hits else None


@lru_cache(maxsize=4096)
def _deadline(registered_on: date, years: int) -> date:
    return competencies.registration_period(registered_on, years).deadline


@lru_cache(maxsize=4096)
def _reminder_dates(registered_on: date, years: int, offsets: tuple[str, ...]) -> tuple[date, ...]:
    # Many registrations share a date: compute each date's reminders once.
    return deadline_reminder_dates(_deadline(registered_on, years), offsets)


def registered_on_windows(
    today: date, offsets: Iterable[str], years: Iterable[int]
) -> list[tuple[date, date]]:
    """Exact registered_on ranges with a deadline reminder due in the look-back window.

    The reminder date is a non-decreasing function of the registration date, so each
    (offset, period length) gives one contiguous range, found by a short scan.
    """
    window_start = today - timedelta(days=LOOKBACK_DAYS)
    ranges = []
    for offset in set(offsets):
        for period in set(years):
            # Start near the answer: the deadline lies about `offset` after today.
            approximate = today + (today - before(today, offset))
            found = _matching_range(
                _years_before(approximate, period),
                lambda day, o=offset, p=period: (
                    window_start < before(_deadline(day, p), o) <= today
                ),
            )
            if found:
                ranges.append(found)
    return ranges


def vog_windows(today: date, years: Iterable[int]) -> list[tuple[date, date]]:
    """registered_on ranges whose deadline is within the VOG warning months from today."""
    ranges = []
    for period in set(years):
        found = _matching_range(
            _years_before(today, period) + timedelta(days=45),
            lambda day, p=period: (
                months_before(_deadline(day, p), VOG_WARNING_MONTHS) <= today <= _deadline(day, p)
            ),
        )
        if found:
            ranges.append(found)
    return ranges


def due_registration_reminders(db: Session, *, today: date) -> list[dict]:
    """Deadline and VOG reminders due in the lookback window, as rows to insert."""
    per_org = organisation_offsets(db)
    all_offsets = set(DEFAULT_OFFSETS).union(*per_org.values()) if per_org else DEFAULT_OFFSETS
    norms = {norm.id: norm for norm in competencies.all_norms()}
    years = {norm.period_years for norm in norms.values()}
    vog_norms = [norm_id for norm_id in norms if norm_id.startswith("registerplein")]
    in_windows = [
        Registration.registered_on.between(low, high)
        for low, high in registered_on_windows(today, all_offsets, years)
    ] + [
        and_(Registration.registered_on.between(low, high), Registration.norm_id.in_(vog_norms))
        for low, high in vog_windows(today, years)
    ]
    if not in_windows:
        return []
    statement = (
        select(
            Registration.id,
            Registration.organisation_id,
            Registration.owner_id,
            Registration.norm_id,
            Registration.registered_on,
            Registration.vog_issued_on,
        )
        .join(User, User.id == Registration.owner_id)
        .where(User.is_active.is_(True), or_(*in_windows))
    )
    rows = []
    window_start = today - timedelta(days=LOOKBACK_DAYS)
    for reg_id, org_id, owner_id, norm_id, registered_on, vog_issued_on in db.execute(statement):
        norm = norms.get(norm_id)
        if norm is None:
            continue
        offsets = per_org.get(org_id, DEFAULT_OFFSETS)
        base = {
            "organisation_id": org_id,
            "user_id": owner_id,
            "subject_type": "registration",
            "subject_id": reg_id,
        }
        for due in _reminder_dates(registered_on, norm.period_years, offsets):
            if window_start < due <= today:
                rows.append({**base, "kind": DEADLINE, "due_on": due})
        if norm_id in vog_norms and vog_is_due(
            _deadline(registered_on, norm.period_years), vog_issued_on, today
        ):
            # At most one VOG reminder a month per registration.
            rows.append({**base, "kind": VOG, "due_on": today.replace(day=1)})
    return rows


def due_goal_reminders(db: Session, *, today: date) -> list[dict]:
    """Open development goals whose due date came in the lookback window."""
    goals = db.execute(
        select(
            DevelopmentGoal.id,
            DevelopmentGoal.owner_id,
            DevelopmentGoal.organisation_id,
            DevelopmentGoal.due_on,
        )
        .where(DevelopmentGoal.status.in_([GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value]))
        .where(DevelopmentGoal.due_on > today - timedelta(days=LOOKBACK_DAYS))
        .where(DevelopmentGoal.due_on <= today)
    ).all()
    return [
        {
            "organisation_id": org_id,
            "user_id": owner_id,
            "subject_type": "goal",
            "subject_id": goal_id,
            "kind": GOAL_DUE,
            "due_on": due_on,
        }
        for goal_id, owner_id, org_id, due_on in goals
    ]


def due_behind_pace_reminders(db: Session, *, today: date) -> list[dict]:
    """Registrations whose forecast misses the deadline: one reminder per month at most."""
    if today.day > BEHIND_PACE_DAYS:
        return []
    from portfolio.services.norms.norm_progress import statuses_for

    oldest = _years_before(today, 10)
    registrations = db.scalars(
        select(Registration)
        .join(User, User.id == Registration.owner_id)
        .where(User.is_active.is_(True), Registration.registered_on >= oldest)
    ).all()
    statuses = statuses_for(db, registrations=registrations, as_of=today)
    month = today.replace(day=1)
    rows = []
    for registration in registrations:
        _norm, status = statuses.get(registration.id, (None, None))
        if status and status.forecast.on_track is False and status.period.end > today:
            rows.append(
                {
                    "organisation_id": registration.organisation_id,
                    "user_id": registration.owner_id,
                    "subject_type": "registration",
                    "subject_id": registration.id,
                    "kind": BEHIND_PACE,
                    "due_on": month,
                }
            )
    return rows


def due_nudges(db: Session, *, today: date) -> list[dict]:
    """Open feedback requests to colleagues, and unconfirmed attendance, a week on."""
    nudge = timedelta(days=NUDGE_AFTER_DAYS)
    window = (today - timedelta(days=LOOKBACK_DAYS) - nudge, today - nudge)
    requests = db.execute(
        select(
            FeedbackRequest.id,
            FeedbackRequest.organisation_id,
            FeedbackRequest.respondent_id,
            FeedbackRequest.created_at,
        )
        .where(FeedbackRequest.respondent_id.is_not(None), FeedbackRequest.answered_at.is_(None))
        .where(FeedbackRequest.created_at >= datetime.combine(window[0], time(), UTC))
    ).all()
    rows = [
        {
            "organisation_id": org_id,
            "user_id": respondent_id,
            "subject_type": "feedback",
            "subject_id": request_id,
            "kind": FEEDBACK_UNANSWERED,
            "due_on": created_at.date() + nudge,
        }
        for request_id, org_id, respondent_id, created_at in requests
        if created_at.date() + nudge <= today
    ]
    unconfirmed = db.execute(
        select(Entry.id, Entry.organisation_id, EntryParticipant.user_id, Entry.occurred_on)
        .join(EntryParticipant, EntryParticipant.entry_id == Entry.id)
        .where(EntryParticipant.confirmed_at.is_(None))
        .where(Entry.occurred_on.between(window[0], window[1]))
    ).all()
    rows += [
        {
            "organisation_id": org_id,
            "user_id": user_id,
            "subject_type": "session",
            "subject_id": entry_id,
            "kind": ATTENDANCE_UNCONFIRMED,
            "due_on": occurred_on + nudge,
        }
        for entry_id, org_id, user_id, occurred_on in unconfirmed
    ]
    return rows


def waiting_for_signoff(db: Session, *, today: date) -> dict[int, tuple[int, int]]:
    """{supervisor id: (organisation id, entries waiting longer than the organisation's N days)}."""
    digest_days = dict(
        db.execute(
            select(OrganisationSettings.organisation_id, OrganisationSettings.signoff_digest_days)
        ).all()
    )
    worker = User.__table__.alias("worker")
    rows = db.execute(
        select(TeamLead.user_id, Entry.organisation_id, Entry.updated_at)
        .join(worker, worker.c.team_id == TeamLead.team_id)
        .join(Entry, Entry.owner_id == worker.c.id)
        .where(Entry.status == EntryStatus.SUBMITTED.value)
    ).all()
    waiting: dict[int, tuple[int, int]] = {}
    for lead_id, organisation_id, submitted_at in rows:
        days = digest_days.get(organisation_id) or DEFAULT_DIGEST_DAYS
        if (today - submitted_at.date()).days > days:
            count = waiting.get(lead_id, (organisation_id, 0))[1]
            waiting[lead_id] = (organisation_id, count + 1)
    return waiting


def due_digest_reminders(db: Session, *, today: date) -> list[dict]:
    """A weekly digest (due on Monday) for supervisors with entries waiting too long."""
    monday = today - timedelta(days=today.weekday())
    return [
        {
            "organisation_id": org_id,
            "user_id": lead_id,
            "subject_type": "team",
            "subject_id": lead_id,
            "kind": SIGNOFF_DIGEST,
            "due_on": monday,
        }
        for lead_id, (org_id, _count) in waiting_for_signoff(db, today=today).items()
    ]


def insert_reminders(db: Session, rows: list[dict]) -> None:
    """Insert reminder rows, ignoring those that exist already (unique key)."""
    if not rows:
        return
    dialect = db.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 2000):
        db.execute(insert(Reminder).values(rows[start : start + 2000]).on_conflict_do_nothing())


def plan(db: Session, *, today: date, extra: Iterable[list[dict]] = ()) -> int:
    """Create every reminder row that is due; returns how many candidates were found."""
    rows = (
        due_registration_reminders(db, today=today)
        + due_goal_reminders(db, today=today)
        + due_digest_reminders(db, today=today)
        + due_behind_pace_reminders(db, today=today)
        + due_nudges(db, today=today)
    )
    for more in extra:
        rows += more
    insert_reminders(db, rows)
    db.flush()
    return len(rows)
