"""The words of each reminder, in the recipient's language, or None when it no longer applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlmodel import Session

import competencies
from competencies.reminders import DEFAULT_OFFSETS, deadline_reminder_dates, vog_is_due
from portfolio.models import (
    DevelopmentGoal,
    GoalStatus,
    OrganisationSettings,
    Registration,
    Reminder,
)
from portfolio.services import reminder_planning as planning

DASHBOARD = "/portfolio/"


@dataclass(frozen=True)
class Message:
    """A reminder's texts (called inside the recipient's locale) and its link."""

    texts: Callable[[], tuple[str, str]]
    link: str | None


def build(db: Session, *, reminder: Reminder, today: date) -> Message | None:
    """The message for a reminder, or None when its reason has gone away."""
    if reminder.subject_type == "registration":
        return _registration(db, reminder, today)
    if reminder.subject_type == "goal":
        return _goal(db, reminder)
    if reminder.subject_type == "team":
        return _digest(db, reminder, today)
    return None


def _digest(db: Session, reminder: Reminder, today: date) -> Message | None:
    waiting = planning.waiting_for_signoff(db, today=today).get(reminder.user_id)
    if waiting is None:
        return None
    count = waiting[1]

    def digest_texts():
        return (
            ngettext("%(num)d entry is waiting for your sign-off",
                     "%(num)d entries are waiting for your sign-off", count),
            ngettext("%(num)d entry of your team has waited longer than agreed for your "
                     "sign-off. The queue shows the oldest first.",
                     "%(num)d entries of your team have waited longer than agreed for your "
                     "sign-off. The queue shows the oldest first.", count),
        )  # fmt: skip

    return Message(digest_texts, "/team/")


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

        def deadline_texts():
            return (
                _("Your %(norm)s registration: renew by %(date)s",
                  norm=norm.title, date=format_date(deadline, "long")),
                ngettext("The submission deadline of your registration (%(norm)s) is %(date)s, "
                         "%(num)d day from now. Check on your dashboard whether your portfolio "
                         "meets the norm.",
                         "The submission deadline of your registration (%(norm)s) is %(date)s, "
                         "%(num)d days from now. Check on your dashboard whether your portfolio "
                         "meets the norm.", days_left, norm=norm.title,
                         date=format_date(deadline, "long")),
            )  # fmt: skip

        return Message(deadline_texts, DASHBOARD)
    if reminder.kind == planning.VOG:
        if not vog_is_due(deadline, registration.vog_issued_on, today):
            return None

        def vog_texts():
            return (
                _("Request a new certificate of conduct (VOG)"),
                _("Your registration deadline is %(date)s. The register accepts a VOG of at "
                  "most 12 months old, and yours will be older by then.",
                  date=format_date(deadline, "long")),
            )  # fmt: skip

        return Message(vog_texts, DASHBOARD)
    return None


def _goal(db: Session, reminder: Reminder) -> Message | None:
    goal = db.get(DevelopmentGoal, reminder.subject_id)
    if goal is None or goal.status not in {GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value}:
        return None

    def goal_texts():
        return (
            _("Development goal due: %(title)s", title=goal.title),
            _("Your development goal \u201c%(title)s\u201d was due on %(date)s. Update its "
              "status or set a new date.", title=goal.title,
              date=format_date(goal.due_on, "long")),
        )  # fmt: skip

    return Message(goal_texts, DASHBOARD)
