"""Attendance of a shared session, confirmed in one action from its notification.

An attendance notification names its session in `subject_id` (written by `participation.invite`
and the reminder sweep). Confirming, from the notification or from the session page, marks the
session's attendance notifications read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from portfolio.models import EntryParticipant, Notification, User
from portfolio.services.sessions import participation

KIND = "attendance"


def session_of(notification: Notification) -> int | None:
    """The id of the session an attendance notification asks about; None for other kinds."""
    return notification.subject_id if notification.kind == KIND else None


def waiting_for_me(db: Session, *, user: User, notifications: Iterable[Notification]) -> set[int]:
    """Ids of those notifications whose session still waits for the user's confirmation.

    One statement, and none when no attendance notification is among them.
    """
    by_session: dict[int, list[int]] = {}
    for notification in notifications:
        if (entry_id := session_of(notification)) is not None:
            by_session.setdefault(entry_id, []).append(notification.id)
    if not by_session:
        return set()
    unconfirmed = db.scalars(
        select(EntryParticipant.entry_id).where(
            EntryParticipant.user_id == user.id,
            EntryParticipant.entry_id.in_(by_session),
            EntryParticipant.confirmed_at.is_(None),
        )
    )
    return {notification_id for entry_id in unconfirmed for notification_id in by_session[entry_id]}


def confirm(db: Session, *, user: User, entry_id: int, now: datetime) -> None:
    """Confirm attendance (idempotent) and mark the session's notifications read.

    Raises participation.NotAParticipant.
    """
    participation.confirm(db, user=user, entry_id=entry_id, now=now)
    db.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == KIND,
            Notification.subject_id == entry_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
    )
    db.flush()


def confirm_from_notification(
    db: Session, *, user: User, notification_id: int, now: datetime
) -> int:
    """Confirm the attendance one of the user's notifications asks about; returns the session.

    Raises participation.NotAParticipant, also for someone else's notification or another kind.
    """
    notification = db.get(Notification, notification_id)
    mine = notification is not None and notification.user_id == user.id
    entry_id = session_of(notification) if mine else None
    if entry_id is None:
        raise participation.NotAParticipant(notification_id)
    confirm(db, user=user, entry_id=entry_id, now=now)
    return entry_id
