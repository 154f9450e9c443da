"""What to do next: the to-do block at the top of each role's start page.

Cheap by design (the start page is the most visited page): the worker's list is one statement
(a UNION ALL of small selects on indexed columns, bounded by what one person has open), the
supervisor's two, HR's two on the stored standings (services.norms.standings, no N+1).
Deadlines are computed in Python from the registration date (competencies.period), so an alarm
is raised also while a norm's thresholds are still to be verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    Integer,
    String,
    Text,
    cast,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlmodel import Session

import competencies
from competencies.period import registration_period
from competencies.reminders import months_before
from competencies.standing import AT_RISK, EXPIRED
from portfolio.models import (
    DevelopmentGoal,
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryStatus,
    FeedbackRequest,
    GoalStatus,
    Registration,
    User,
    UTCDateTime,
    YearlyEvaluation,
)
from portfolio.services.entries import signoff
from portfolio.services.evaluations.evaluation_listings import team_statuses

ALARM_MONTHS = 3  # a registration's deadline raises an alarm from three months before it
GOALS_DUE_DAYS = 30  # a goal shows from a month before its target date
SHOWN = 10  # most items of one kind on a start page (the pages behind them list all)


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the viewer: what it is about and where to go."""

    kind: str  # returned, attendance, evaluation_sign, feedback, goal_due, deadline, signoff,
    # evaluation_complete, evaluation_countersign, registration_risk
    id: int  # entry, request, evaluation, goal, registration or person id
    title: str
    day: date | None = None
    at: datetime | None = None
    detail: str | None = None  # a comment, a name, a register
    number: int | None = None  # days left or waiting, a year
    alarm: bool = False
    ref: int | None = None  # a second id (the member of an evaluation)


# --- worker --------------------------------------------------------------------------------


def _latest_return_comment():
    return (
        select(EntryEvent.comment)
        .where(EntryEvent.entry_id == Entry.id, EntryEvent.action == "returned")
        .order_by(EntryEvent.at.desc(), EntryEvent.id.desc())
        .limit(1)
        .correlate(Entry)
        .scalar_subquery()
    )


def _worker_statement(worker: User, today: date, now: datetime):
    owner_name = select(User.name).where(User.id == Entry.owner_id).correlate(Entry)
    requester = select(User.name).where(User.id == FeedbackRequest.requester_id)
    returned = select(
        literal("returned", String).label("kind"),
        Entry.id.label("id"),
        Entry.title.label("title"),
        Entry.occurred_on.label("day"),
        Entry.updated_at.label("at"),
        type_coerce(_latest_return_comment(), Text).label("detail"),
        cast(null(), Integer).label("number"),
    ).where(Entry.owner_id == worker.id, Entry.status == EntryStatus.RETURNED.value)
    attendance = (
        select(
            literal("attendance", String),
            Entry.id,
            Entry.title,
            Entry.occurred_on,
            cast(null(), UTCDateTime),
            owner_name.scalar_subquery(),
            cast(null(), Integer),
        )
        .join(EntryParticipant, EntryParticipant.entry_id == Entry.id)
        .where(EntryParticipant.user_id == worker.id, EntryParticipant.confirmed_at.is_(None))
    )
    evaluation = select(
        literal("evaluation_sign", String),
        YearlyEvaluation.id,
        literal("", String),
        cast(null(), Date),
        YearlyEvaluation.completed_at,
        cast(null(), Text),
        YearlyEvaluation.year,
    ).where(
        YearlyEvaluation.worker_id == worker.id,
        YearlyEvaluation.is_current.is_(True),
        YearlyEvaluation.status == "completed",
        YearlyEvaluation.worker_signed_at.is_(None),
    )
    feedback = select(
        literal("feedback", String),
        FeedbackRequest.id,
        requester.correlate(FeedbackRequest).scalar_subquery(),
        cast(null(), Date),
        FeedbackRequest.created_at,
        cast(null(), Text),
        cast(null(), Integer),
    ).where(
        FeedbackRequest.respondent_id == worker.id,
        FeedbackRequest.answered_at.is_(None),
        (FeedbackRequest.expires_at.is_(None)) | (FeedbackRequest.expires_at > now),
    )
    goals = select(
        literal("goal_due", String),
        DevelopmentGoal.id,
        DevelopmentGoal.title,
        DevelopmentGoal.due_on,
        cast(null(), UTCDateTime),
        cast(null(), Text),
        cast(null(), Integer),
    ).where(
        DevelopmentGoal.owner_id == worker.id,
        DevelopmentGoal.status.in_([GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value]),
        DevelopmentGoal.due_on.is_not(None),
        DevelopmentGoal.due_on <= today + timedelta(days=GOALS_DUE_DAYS),
    )
    registrations = select(
        literal("registration", String),
        Registration.id,
        Registration.norm_id,
        Registration.registered_on,
        cast(null(), UTCDateTime),
        Registration.registration_number,
        cast(null(), Integer),
    ).where(Registration.owner_id == worker.id, Registration.registered_on <= today)
    return union_all(returned, attendance, evaluation, feedback, goals, registrations)


def worker_todo(db: Session, *, worker: User, today: date, now: datetime) -> list[Todo]:
    """Returned entries (with the supervisor's comment), attendance to confirm, evaluations to
    sign, feedback to give, goals due and registration deadlines. One statement."""
    items: list[Todo] = []
    newest: dict[str, tuple[date, int, str | None]] = {}
    for kind, id_, title, day, at, detail, number in db.execute(
        _worker_statement(worker, today, now)
    ).all():
        if kind == "registration":
            if title not in newest or (day, id_) > newest[title][:2]:
                newest[title] = (day, id_, detail)
            continue
        alarm = kind == "goal_due" and day is not None and day < today
        if kind == "goal_due":
            number = (day - today).days
        items.append(Todo(kind, id_, title or "", day, at, detail, number, alarm))
    for norm_id, (registered_on, registration_id, _number) in newest.items():
        deadline_item = _deadline(norm_id, registration_id, registered_on, today)
        if deadline_item is not None:
            items.append(deadline_item)
    order = {"deadline": 0, "returned": 1, "evaluation_sign": 2, "attendance": 3}
    items.sort(key=lambda t: (order.get(t.kind, 4), t.day or date.max, t.id))
    return items


def _deadline(norm_id: str, registration_id: int, registered_on: date, today: date):
    """Days left until the register's deadline, an alarm from three months before it."""
    try:
        norm = competencies.load_norm(norm_id)
    except Exception:
        return None
    deadline = registration_period(registered_on, norm.period_years).deadline
    if today < months_before(deadline, ALARM_MONTHS):
        return None
    return Todo(
        "deadline",
        registration_id,
        norm.title,
        day=deadline,
        detail=norm.register,
        number=(deadline - today).days,
        alarm=True,
    )


# --- supervisor ----------------------------------------------------------------------------


def supervisor_todo(
    db: Session, *, supervisor: User, today: date, now: datetime
) -> tuple[list[Todo], int]:
    """Sign-offs waiting (longest first, with their age; and how many in all) and yearly
    evaluations of this year to complete or countersign. Three statements."""
    waiting, total = signoff.longest_waiting(db, supervisor=supervisor, now=now, limit=SHOWN)
    items = [
        Todo(
            "signoff",
            item.entry.id,
            item.entry.title,
            at=item.submitted_at,
            detail=item.owner_name,
            number=item.waiting_days,
            alarm=item.waiting_days >= 14,
        )
        for item in waiting
    ]
    for member, evaluation in team_statuses(db, supervisor=supervisor, year=today.year):
        if evaluation is None:
            continue
        if evaluation.status == "prepared":
            kind = "evaluation_complete"
        elif (
            evaluation.status == "completed"
            and evaluation.worker_signed_at is not None
            and evaluation.supervisor_signed_at is None
        ):
            kind = "evaluation_countersign"
        else:
            continue
        items.append(Todo(kind, evaluation.id, member.name, number=today.year, ref=member.id))
    return items, total


# --- HR ------------------------------------------------------------------------------------


def hr_todo(db: Session, *, viewer: User, today: date) -> tuple[list[Todo], int]:
    """Active people whose registration is at risk or expired (newest registration per norm),
    most urgent first, each linking to the person: the first SHOWN, and how many in all. Read
    from the stored standings (services.norms.standings; stale ones are computed first)."""
    from portfolio.services.norms import standings

    found, total = standings.organisation_standings(
        db,
        organisation_id=viewer.organisation_id,
        today=today,
        values=(AT_RISK, EXPIRED),
        limit=SHOWN,
    )
    known = standings.known_norms()
    items = [
        Todo(
            "registration_risk",
            row.owner_id,
            row.owner_name,
            day=row.deadline,
            detail=known[row.norm_id].register if row.norm_id in known else None,
            number=row.days_left,
            alarm=row.standing == EXPIRED,
            ref=row.registration_id,
        )
        for row in found
    ]
    return items, total
