"""A private iCalendar feed per user: deadlines, VOG renewal, goal due dates, planned sessions.

The feed URL carries a secret token; only its hash is stored, so it can be revoked and renewed
but never read back.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import delete, select
from sqlmodel import Session

import competencies
from competencies.reminders import VOG_WARNING_MONTHS, months_before
from portfolio.models import (
    CalendarFeed,
    DevelopmentGoal,
    Entry,
    GoalStatus,
    Registration,
    User,
)

OPEN_GOALS = (GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew_token(db: Session, *, user: User) -> str:
    """A new secret token for `user` (the old URL stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    db.flush()
    return token


def revoke(db: Session, *, user: User) -> None:
    """Switch the feed off."""
    db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.flush()


def has_feed(db: Session, *, user_id: int) -> bool:
    """True when the user has an active feed."""
    return db.get(CalendarFeed, user_id) is not None


def user_for_token(db: Session, *, token: str) -> User | None:
    """The active user whose feed this token opens."""
    feed = db.scalars(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token))).first()
    user = db.get(User, feed.user_id) if feed else None
    return user if user and user.is_active else None


def _event(uid: str, summary: str, day: date, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@vakbekwaam")
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", stamp)
    return event


def build(db: Session, *, user: User, today: date, now: datetime) -> bytes:
    """The user's calendar as iCalendar bytes (all-day events)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Vakbekwaam//vakbekwaam//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Vakbekwaam")
    registrations = db.scalars(select(Registration).where(Registration.owner_id == user.id))
    for registration in registrations:
        try:
            norm = competencies.load_norm(registration.norm_id)
        except KeyError:
            continue
        period = competencies.registration_period(registration.registered_on, norm.period_years)
        key = f"registration-{registration.id}"
        calendar.add_component(
            _event(
                f"{key}-deadline",
                _("Submission deadline: %(norm)s", norm=norm.title),
                period.deadline,
                now,
            )
        )
        calendar.add_component(
            _event(f"{key}-end", _("Registration ends: %(norm)s", norm=norm.title), period.end, now)
        )
        if registration.norm_id.startswith("registerplein"):
            calendar.add_component(
                _event(
                    f"{key}-vog",
                    _("Request a new certificate of conduct (VOG)"),
                    months_before(period.deadline, VOG_WARNING_MONTHS),
                    now,
                )
            )
    goals = db.scalars(
        select(DevelopmentGoal).where(
            DevelopmentGoal.owner_id == user.id,
            DevelopmentGoal.status.in_(OPEN_GOALS),
            DevelopmentGoal.due_on.is_not(None),
        )
    )
    for goal in goals:
        calendar.add_component(
            _event(f"goal-{goal.id}", _("Goal due: %(title)s", title=goal.title), goal.due_on, now)
        )
    sessions = db.scalars(
        select(Entry).where(
            Entry.owner_id == user.id, Entry.kind == "peer_review", Entry.occurred_on >= today
        )
    )
    for session in sessions:
        calendar.add_component(
            _event(f"entry-{session.id}", session.title, session.occurred_on, now)
        )
    return calendar.to_ical()
