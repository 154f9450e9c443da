"""In-app notifications, with an e-mail through the outbox when the user wants one."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, func, select, update
from sqlmodel import Session

from portfolio import access
from portfolio.errors import NotFound
from portfolio.infra import links, mail
from portfolio.infra.links import Link
from portfolio.models import Notification, NotificationPreference, User
from portfolio.pagination import Page, paginate

# Every kind of notification a user can receive; each can also come by e-mail.
KIND_LABELS = {
    "registration_deadline": _l("Registration deadline coming up"),
    "vog": _l("Certificate of conduct (VOG) needs renewing"),
    "goal_due": _l("A development goal is due"),
    "behind_pace": _l("Behind pace for the norm"),
    "submitted": _l("An entry was submitted for sign-off"),
    "signed": _l("Your entry was signed off"),
    "returned": _l("Your entry was returned"),
    "attendance": _l("Please confirm your attendance"),
    "feedback_requested": _l("Feedback was requested from you"),
    "feedback_received": _l("Feedback arrived"),
}


def email_preferences(db: Session, *, user_id: int) -> dict[str, bool]:
    """{kind: also by e-mail} for every kind, in one query."""
    chosen = dict(
        db.execute(
            select(NotificationPreference.kind, NotificationPreference.by_email).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: chosen.get(kind, True) for kind in KIND_LABELS}


def wants_email(db: Session, *, user_id: int, kind: str) -> bool:
    """The user's choice for this kind; e-mail unless they switched it off."""
    preference = db.get(NotificationPreference, (user_id, kind))
    return True if preference is None else preference.by_email


def notify(
    db: Session,
    *,
    user: User,
    kind: str,
    title_and_body,
    link: Link | None,
    base_url: str,
    now: datetime,
    subject_id: int | None = None,
) -> Notification:
    """Add a notification (and queue its e-mail) in the user's language.

    `title_and_body` is called inside the user's locale and returns (title, body), so both the
    in-app text and the mail are in the recipient's language. `link` names the page the
    notification opens; `subject_id` the record it is about (e.g. the session to confirm).
    """
    link_path = links.path(link)
    with force_locale(user.locale):
        title, body = title_and_body()
        notification = Notification(
            organisation_id=user.organisation_id,
            user_id=user.id,
            kind=kind,
            title=str(title)[:300],  # a title built from a user's text may be long
            body=str(body),
            link=link_path,
            subject_id=subject_id,
            created_at=now,
        )
        db.add(notification)
        if user.is_active and wants_email(db, user_id=user.id, kind=kind):
            context = {
                "user": user,
                "title": title,
                "body": body,
                "link": link_path,
                "base": base_url,
            }
            mail.queue_mail(
                db,
                to=user.email,
                subject=str(title),
                text=render_template("mail/notification.txt", **context),
                html=render_template("mail/notification.html", **context),
                organisation_id=user.organisation_id,
                now=now,
            )
    return notification


def unread_count(db: Session, *, user_id: int) -> int:
    """How many notifications the user has not read."""
    return db.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def page_for(
    db: Session, *, user_id: int, page: int, per_page: int, count_limit: int | None = None
) -> Page:
    """The user's notifications, newest first; counted up to `count_limit` (pagination: a
    list that fits on its first page is read in one statement, without a count)."""
    return paginate(
        db,
        _MINE,
        page=page,
        per_page=per_page,
        count_limit=count_limit,
        counted=_MINE_COUNTED,
        parameters={"user_id": user_id},
    )


# Built once, with a parameter: building and keying them on every visit cost about as much as
# running them.
_OF_USER = Notification.user_id == bindparam("user_id", type_=Integer)
_MINE = (
    select(Notification)
    .where(_OF_USER)
    .order_by(Notification.created_at.desc(), Notification.id.desc())
)
_MINE_COUNTED = select(Notification.id).where(_OF_USER)


class NotificationNotFound(NotFound):
    """No such notification for this user (it does not exist or is someone else's)."""


def mark_read(db: Session, *, user: User, notification_id: int, now: datetime) -> None:
    """Mark one of the user's notifications as read; one read before keeps its time.

    Raises NotificationNotFound for someone else's notification, as for one that does not exist.
    """
    notification = db.get(Notification, notification_id)
    if notification is None or not access.is_owner(user, notification.user_id):
        raise NotificationNotFound(notification_id)
    if notification.read_at is None:
        notification.read_at = now
    db.flush()


def mark_all_read(db: Session, *, user_id: int, now: datetime) -> None:
    """Mark every unread notification of the user as read."""
    db.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    db.flush()


def set_email_preferences(db: Session, *, user_id: int, by_kind: dict[str, bool]) -> None:
    """Store which kinds also come by e-mail."""
    for kind, by_email in by_kind.items():
        preference = db.get(NotificationPreference, (user_id, kind))
        if preference is None:
            db.add(NotificationPreference(user_id=user_id, kind=kind, by_email=by_email))
        else:
            preference.by_email = by_email
    db.flush()
