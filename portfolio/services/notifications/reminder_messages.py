"""The words of each reminder, in the recipient's language, or None when it no longer applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlmodel import Session

import competencies
from competencies.reminders import DEFAULT_OFFSETS, deadline_reminder_dates, vog_is_due
from portfolio.infra.links import Link
from portfolio.models import (
    DevelopmentGoal,
    Entry,
    EntryParticipant,
    FeedbackRequest,
    GoalStatus,
    OrganisationSettings,
    Registration,
    Reminder,
    User,
)
from portfolio.services.norms.norm_progress import status_for
from portfolio.services.notifications import reminder_planning as planning

DASHBOARD = Link("worker.dashboard")


@dataclass(frozen=True)
class Message:
    """A reminder's texts (called inside the recipient's locale) and its link."""

    texts: Callable[[], tuple[str, str]]
    link: Link | None
    subject_id: int | None = None


def build(db: Session, *, reminder: Reminder, today: date) -> Message | None:
    """The message for a reminder, or None when its reason has gone away."""
    if reminder.subject_type == "registration":
        return _registration(db, reminder, today)
    if reminder.subject_type == "goal":
        return _goal(db, reminder)
    if reminder.subject_type == "team":
        return _digest(db, reminder, today)
    if reminder.subject_type == "feedback":
        return _feedback(db, reminder)
    if reminder.subject_type == "session":
        return _attendance(db, reminder)
    return None


def _feedback(db: Session, reminder: Reminder) -> Message | None:
    request = db.get(FeedbackRequest, reminder.subject_id)
    if request is None or request.answered_at is not None:
        return None
    asker = db.scalar(select(User.name).where(User.id == request.requester_id))

    def texts():
        return (
            _("%(name)s is still waiting for your feedback", name=asker),
            _("A week ago %(name)s asked for your feedback. It takes a few minutes.", name=asker),
        )

    return Message(texts, Link("feedback.answer", {"request_id": request.id}))


def _attendance(db: Session, reminder: Reminder) -> Message | None:
    participation = db.get(EntryParticipant, (reminder.subject_id, reminder.user_id))
    if participation is None or participation.confirmed_at is not None:
        return None
    title = db.scalar(select(Entry.title).where(Entry.id == reminder.subject_id))

    def texts():
        return (
            _("Did you take part in \u201c%(title)s\u201d?", title=title),
            _("Please confirm your attendance, so the session counts for everyone who was there."),
        )

    return Message(
        texts,
        Link("sessions.shared_session", {"entry_id": reminder.subject_id}),
        subject_id=reminder.subject_id,
    )


def _digest(db: Session, reminder: Reminder, today: date) -> Message | None:
    waiting = planning.waiting_for_signoff(db, today=today).get(reminder.user_id)
    if waiting is None:
        return None
    count = waiting[1]

    def digest_texts():
        return (
            ngettext(
                "%(num)d entry is waiting for your sign-off",
                "%(num)d entries are waiting for your sign-off",
                count,
            ),
            ngettext(
                "%(num)d entry of your team has waited longer than agreed for your "
                "sign-off. The queue shows the oldest first.",
                "%(num)d entries of your team have waited longer than agreed for your "
                "sign-off. The queue shows the oldest first.",
                count,
            ),
        )

    return Message(digest_texts, Link("supervisor.team"))


def _registration(db: Session, reminder: Reminder, today: date) -> Message | None:
    registration = db.get(Registration, reminder.subject_id)
    if registration is None:
        return None
    try:
        norm = competencies.load_norm(registration.norm_id)
    except KeyError:
        return None
    deadline = competencies.registration_period(
        registration.registered_on, norm.period_years
    ).deadline
    if reminder.kind == planning.DEADLINE:
        settings = db.get(OrganisationSettings, registration.organisation_id)
        offsets = (settings.reminder_offsets if settings else None) or DEFAULT_OFFSETS
        if reminder.due_on not in deadline_reminder_dates(deadline, offsets):
            return None  # the registration date or the offsets changed since it was planned
        days_left = (deadline - today).days
        outlook = _outlook(db, registration, today)

        def deadline_texts():
            title, body = (
                _(
                    "Your %(norm)s registration: renew by %(date)s",
                    norm=norm.title,
                    date=format_date(deadline, "long"),
                ),
                ngettext(
                    "The submission deadline of your registration (%(norm)s) is %(date)s, "
                    "%(num)d day from now. Check on your dashboard whether your portfolio "
                    "meets the norm.",
                    "The submission deadline of your registration (%(norm)s) is %(date)s, "
                    "%(num)d days from now. Check on your dashboard whether your portfolio "
                    "meets the norm.",
                    days_left,
                    norm=norm.title,
                    date=format_date(deadline, "long"),
                ),
            )
            return title, f"{body} {outlook()}".strip()

        return Message(deadline_texts, DASHBOARD)
    if reminder.kind == planning.BEHIND_PACE:
        return _behind_pace(db, registration, norm, today)
    if reminder.kind == planning.VOG:
        if not vog_is_due(deadline, registration.vog_issued_on, today):
            return None

        def vog_texts():
            return (
                _("Request a new certificate of conduct (VOG)"),
                _(
                    "Your registration deadline is %(date)s. The register accepts a VOG of at "
                    "most 12 months old, and yours will be older by then.",
                    date=format_date(deadline, "long"),
                ),
            )

        return Message(vog_texts, DASHBOARD)
    return None


def _goal(db: Session, reminder: Reminder) -> Message | None:
    goal = db.get(DevelopmentGoal, reminder.subject_id)
    if goal is None or goal.status not in {GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value}:
        return None

    def goal_texts():
        return (
            _("Development goal due: %(title)s", title=goal.title),
            _(
                "Your development goal \u201c%(title)s\u201d was due on %(date)s. Update its "
                "status or set a new date.",
                title=goal.title,
                date=format_date(goal.due_on, "long"),
            ),
        )

    return Message(goal_texts, DASHBOARD)


def _shortfall_text(status, shortfall) -> str:
    """ "You will be short of 12 reflectie hours by the deadline." (category title as is)."""
    amount = format_decimal(shortfall.short_by, "#,##0.#")
    if shortfall.requirement == "work_hours":
        return _("You will be short of %(amount)s work hours by the deadline.", amount=amount)
    if shortfall.requirement == "total":
        return _("You will be short of %(amount)s points in total by the deadline.", amount=amount)
    category = next((c for c in status.categories if c.id == shortfall.requirement), None)
    name = category.title if category else shortfall.requirement
    return _(
        "You will be short of %(amount)s %(category)s hours by the deadline.",
        amount=amount,
        category=name,
    )


def _outlook(db: Session, registration: Registration, today: date):
    """A function giving the forecast in words, in the recipient's locale."""
    status = status_for(db, registration=registration, as_of=today)

    def words() -> str:
        forecast = status.forecast
        if status.met:
            return _("Your portfolio already meets the norm.")
        if forecast.on_track and forecast.met_on:
            return _(
                "At this pace you meet the norm on %(date)s.",
                date=format_date(forecast.met_on, "long"),
            )
        return " ".join(_shortfall_text(status, s) for s in forecast.shortfalls)

    return words


def _behind_pace(db: Session, registration: Registration, norm, today: date) -> Message | None:
    status = status_for(db, registration=registration, as_of=today)
    if status.forecast.on_track is not False:
        return None  # caught up since it was planned

    def texts():
        return (
            _("Behind pace for %(norm)s", norm=norm.title),
            " ".join(_shortfall_text(status, s) for s in status.forecast.shortfalls)
            or _("At this pace you will not meet the norm by the deadline."),
        )

    return Message(texts, DASHBOARD)
