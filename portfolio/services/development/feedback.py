"""Feedback requests (Kwaliteitslabel Vakmanschap 15): ask, remind, answer.

The person giving feedback sees the request only — never the rest of the portfolio. A request
is answered once: the answer is an update that only takes an unanswered request, so a double
click, a second tab or a reused link is refused and the requester is told only once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlmodel import Session

import competencies
from portfolio.errors import Conflict, NotFound
from portfolio.infra import links, mail
from portfolio.infra.links import Link
from portfolio.models import FeedbackRequest, User
from portfolio.services.notifications import notifications

LINK_TTL = timedelta(days=30)


class NotAvailable(NotFound):
    """No such request for this person, or its link expired or was replaced by a reminder."""


class AlreadyAnswered(Conflict):
    """The request has its answer: a second one is refused."""


class TooMany(RuntimeError):
    """A limit on mail to outside addresses is reached: `what` is "per_day" or "per_request"."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class OutsideLimits:
    """How much mail a person may send to outside addresses with their text (configurable)."""

    per_day: int = 10  # new requests and reminders to outside people, per 24 hours
    reminder_interval: timedelta = timedelta(days=3)  # between reminders of one request

    @classmethod
    def from_settings(cls, settings) -> OutsideLimits:
        """FEEDBACK_OUTSIDE_PER_DAY and FEEDBACK_REMINDER_INTERVAL_DAYS, else the defaults."""
        return cls(
            per_day=int(settings.get("FEEDBACK_OUTSIDE_PER_DAY", cls.per_day)),
            reminder_interval=timedelta(
                days=int(settings.get("FEEDBACK_REMINDER_INTERVAL_DAYS", 3))
            ),
        )


def _outside_mails_since(db: Session, *, requester_id: int, since: datetime) -> int:
    """Requests and reminders this person sent to outside addresses since `since`."""
    outside = (FeedbackRequest.requester_id == requester_id) & (
        FeedbackRequest.respondent_email.is_not(None)
    )
    created = db.scalar(select(func.count()).where(outside, FeedbackRequest.created_at >= since))
    reminded = db.scalar(select(func.count()).where(outside, FeedbackRequest.reminded_at >= since))
    return int(created or 0) + int(reminded or 0)


def _check_daily_limit(db: Session, *, requester: User, now: datetime, limits) -> None:
    if limits is None:
        return
    sent = _outside_mails_since(db, requester_id=requester.id, since=now - timedelta(days=1))
    if sent >= limits.per_day:
        raise TooMany("per_day")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def colleagues(db: Session, *, user: User) -> list[User]:
    """Active people of the user's organisation who can be asked, by name."""
    return list(
        db.scalars(
            select(User)
            .where(User.organisation_id == user.organisation_id, User.is_active.is_(True))
            .where(User.id != user.id)
            .order_by(User.name)
        )
    )


def _external_link(db: Session, request: FeedbackRequest, *, now: datetime, base_url: str) -> str:
    token = secrets.token_urlsafe(32)
    request.token_hash = _hash(token)
    request.expires_at = now + LINK_TTL
    db.add(request)
    return links.external(Link("feedback.answer_by_link", {"token": token}), base_url=base_url)


def _ask(db: Session, request: FeedbackRequest, requester: User, *, now, base_url) -> None:
    """Tell the respondent: a notification for colleagues, a mail with a link for outsiders."""
    if request.respondent_id is not None:
        respondent = db.get(User, request.respondent_id)
        notifications.notify(
            db,
            user=respondent,
            kind="feedback_requested",
            title_and_body=lambda: (
                _("%(name)s asks for your feedback", name=requester.name),
                _("Open the request to see what it is about and to answer."),
            ),
            link=Link("feedback.answer", {"request_id": request.id}),
            base_url=base_url,
            now=now,
        )
        return
    link = _external_link(db, request, now=now, base_url=base_url)
    with force_locale(requester.locale):
        mail.queue_mail(
            db,
            to=request.respondent_email,
            subject=_("%(name)s asks for your feedback", name=requester.name),
            text=render_template(
                "mail/feedback_request.txt",
                request=request,
                requester=requester,
                link=link,
                competencies=[competencies.competency(c) for c in request.competency_codes],
            ),
            organisation_id=requester.organisation_id,
            now=now,
        )


def request_feedback(
    db: Session,
    *,
    requester: User,
    respondent_id: int | None,
    name: str,
    email: str | None,
    competency_codes: list[str],
    message: str | None,
    now: datetime,
    base_url: str,
    limits: OutsideLimits | None = None,
) -> FeedbackRequest:
    """Ask a colleague (respondent_id) or an outside person (name + email).

    Mail to an outside person carries the worker's text to any address typed: with `limits`,
    at most `per_day` such mails a day (TooMany)."""
    unknown = [code for code in competency_codes if not competencies.is_known_competency(code)]
    if unknown or not competency_codes:
        raise ValueError(f"unknown competency codes: {unknown}")
    if respondent_id is not None:
        respondent = db.get(User, respondent_id)
        if (
            respondent is None
            or respondent.id == requester.id
            or respondent.organisation_id != requester.organisation_id
            or not respondent.is_active
        ):
            raise ValueError("not a colleague in your organisation")
        name, email = respondent.name, None
    elif not email:
        raise ValueError("an outside person needs an e-mail address")
    else:
        _check_daily_limit(db, requester=requester, now=now, limits=limits)
    request = FeedbackRequest(
        organisation_id=requester.organisation_id,
        requester_id=requester.id,
        respondent_id=respondent_id,
        respondent_name=name.strip(),
        respondent_email=email,
        competency_codes=list(dict.fromkeys(competency_codes)),
        message=message or None,
        created_at=now,
    )
    db.add(request)
    db.flush()
    _ask(db, request, requester, now=now, base_url=base_url)
    db.flush()
    return request


def overview(db: Session, *, user: User) -> tuple[list[FeedbackRequest], list]:
    """(requests the user made, newest first; open requests addressed to the user)."""
    mine = db.scalars(
        select(FeedbackRequest)
        .where(FeedbackRequest.requester_id == user.id)
        .order_by(FeedbackRequest.created_at.desc())
    ).all()
    to_me = db.execute(
        select(FeedbackRequest, User.name)
        .join(User, User.id == FeedbackRequest.requester_id)
        .where(FeedbackRequest.respondent_id == user.id, FeedbackRequest.answered_at.is_(None))
        .order_by(FeedbackRequest.created_at)
    ).all()
    return list(mine), list(to_me)


def remind(
    db: Session,
    *,
    requester: User,
    request_id: int,
    now: datetime,
    base_url: str,
    limits: OutsideLimits | None = None,
):
    """Ask again (an outside person gets a fresh link; the old one stops working).

    With `limits`, an outside person is reminded at most once per `reminder_interval` and
    within the daily limit (TooMany)."""
    request = db.get(FeedbackRequest, request_id)
    if request is None or request.requester_id != requester.id or request.answered_at:
        raise NotAvailable(request_id)
    if limits is not None and request.respondent_email:
        last = request.reminded_at or request.created_at
        if last and now - last < limits.reminder_interval:
            raise TooMany("per_request")
        _check_daily_limit(db, requester=requester, now=now, limits=limits)
    request.reminded_at = now
    _ask(db, request, requester, now=now, base_url=base_url)
    db.flush()


def for_respondent(db: Session, *, user: User, request_id: int) -> tuple[FeedbackRequest, User]:
    """An open request addressed to this colleague, with its requester.

    Raises NotAvailable (not theirs) or AlreadyAnswered.
    """
    request = db.get(FeedbackRequest, request_id)
    if request is None or request.respondent_id != user.id:
        raise NotAvailable(request_id)
    if request.answered_at:
        raise AlreadyAnswered(request_id)
    return request, db.get(User, request.requester_id)


def for_token(db: Session, *, token: str, now: datetime) -> tuple[FeedbackRequest, User]:
    """The open request an outside person's link opens (single use, not expired).

    An answered request keeps its link's hash, so a reused link is told it is answered.
    Raises NotAvailable (unknown, replaced or expired link) or AlreadyAnswered.
    """
    request = db.scalars(
        select(FeedbackRequest).where(FeedbackRequest.token_hash == _hash(token))
    ).first()
    if request is None:
        raise NotAvailable(token)
    if request.answered_at:
        raise AlreadyAnswered(request.id)
    if not request.expires_at or request.expires_at <= now:
        raise NotAvailable(token)
    return request, db.get(User, request.requester_id)


def answer(db: Session, *, request: FeedbackRequest, text: str, now: datetime, base_url: str):
    """Store the answer once and tell the requester.

    Raises AlreadyAnswered when another answer came first (nothing is written, nobody is
    notified), or NotAvailable when an outside person's link expired or was replaced meanwhile.
    """
    conditions = [FeedbackRequest.id == request.id, FeedbackRequest.answered_at.is_(None)]
    if request.respondent_id is None:  # only through the link that opened it, while valid
        conditions += [
            FeedbackRequest.token_hash == request.token_hash,
            FeedbackRequest.expires_at > now,
        ]
    won = db.execute(
        update(FeedbackRequest).where(*conditions).values(answer=text.strip(), answered_at=now)
    ).rowcount
    if not won:
        db.rollback()  # expires `request`: read again below
        if request.answered_at is not None:
            raise AlreadyAnswered(request.id)
        raise NotAvailable(request.id)
    requester = db.get(User, request.requester_id)
    notifications.notify(
        db,
        user=requester,
        kind="feedback_received",
        title_and_body=lambda: (
            _("Feedback from %(name)s", name=request.respondent_name),
            _("%(name)s answered your request for feedback.", name=request.respondent_name),
        ),
        link=Link("feedback.feedback_list"),
        base_url=base_url,
        now=now,
    )
    db.flush()
