"""Changing an account's e-mail address (the log-in name), without a way to take the account over.

The policy (portfolio.access, "E-mail address of an account"): an account that has been used is
changed by its owner only, with their password, and takes effect when the link mailed to the
new address is confirmed; the old address is told at both steps. HR corrects the address only of
an account never used (`people_admin.update_person`). A change ends every session and voids the
open reset links, and is audited by who did it and how, never the addresses themselves.

The confirmation link is signed (no table): it names the account, the address it changes from
and the one it changes to, and is refused once the address is no longer the one it changes from
(so it works once), or after `LINK_TTL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import exists, func, select, update
from sqlmodel import Session

from portfolio.models import AuditEvent, CalendarFeed, PasswordResetToken, User
from portfolio.services.accounts import accounts
from portfolio.services.privacy import audit

SALT = "email-change"
LINK_TTL = timedelta(hours=24)
EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
EMAIL_MAX = 254


class EmailChangeRefused(ValueError):
    """`code`: "invalid", "same" or "unavailable" (taken, said without saying by whom)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Pending:
    """A confirmed-to-be change: the account and the address it will get."""

    user: User
    new_email: str


def has_been_used(db: Session, user: User) -> bool:
    """True once the account has chosen a password or logged in: from then on its address is
    its owner's to change."""
    if user.password_changed_at is not None:
        return True
    logged_in = exists().where(AuditEvent.action == "login", AuditEvent.subject_user_id == user.id)
    return bool(db.scalar(select(logged_in)))


def is_taken(db: Session, email: str, *, exclude_id: int | None = None) -> bool:
    """True when another account (in any organisation) has this address."""
    statement = select(func.count()).select_from(User).where(User.email == email)
    if exclude_id is not None:
        statement = statement.where(User.id != exclude_id)
    return bool(db.scalar(statement))


def _checked(db: Session, user: User, email: str) -> str:
    email = accounts.normalise_email(email)
    if len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        raise EmailChangeRefused("invalid")
    if email == user.email:
        raise EmailChangeRefused("same")
    if is_taken(db, email, exclude_id=user.id):
        raise EmailChangeRefused("unavailable")
    return email


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def request_change(db: Session, *, user: User, new_email: str, secret: str) -> tuple[str, str]:
    """Check the new address and make its confirmation token: (new address, token). The caller
    mails the link to the new address and a notice to the old one. Adds the audit event."""
    email = _checked(db, user, new_email)
    token = _serializer(secret).dumps({"u": user.id, "o": user.email, "n": email})
    audit.record(
        db,
        actor=user,
        action="email_change_requested",
        subject_user_id=user.id,
        subject_type="user",
    )
    return email, token


def pending(db: Session, *, token: str, secret: str) -> Pending | None:
    """The change a token confirms, when it is genuine, recent and still applies."""
    try:
        data = _serializer(secret).loads(token, max_age=int(LINK_TTL.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or user.email != data.get("o"):
        return None
    return Pending(user, str(data.get("n")))


def end_sessions_and_links(db: Session, *, user: User, now: datetime) -> None:
    """What every change of the log-in address does: all sessions end, open reset links and the
    calendar feed's secret stop working. Adds."""
    user.session_token = accounts.new_session_token()
    db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    db.execute(CalendarFeed.__table__.delete().where(CalendarFeed.user_id == user.id))
    db.add(user)


def confirm(db: Session, *, token: str, secret: str, now: datetime) -> tuple[User, str] | None:
    """Apply a confirmed change: (the account, its old address), or None when the link no
    longer applies. Raises EmailChangeRefused("unavailable") when the address was taken since.
    Adds and flushes; the caller commits and tells the old address."""
    found = pending(db, token=token, secret=secret)
    if found is None:
        return None
    user = found.user
    if is_taken(db, found.new_email, exclude_id=user.id):
        raise EmailChangeRefused("unavailable")
    old = user.email
    user.email = found.new_email
    end_sessions_and_links(db, user=user, now=now)
    audit.record(
        db,
        actor=user,
        action="email_changed",
        subject_user_id=user.id,
        subject_type="user",
        detail="by=owner; confirmed from the new address",
    )
    db.flush()
    return user, old
