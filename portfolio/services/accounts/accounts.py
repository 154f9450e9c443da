"""Accounts: log-in with throttling, sessions that can be ended, password change and reset."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Integer, bindparam, delete, func, select, update
from sqlmodel import Session

from portfolio.models import (
    CalendarFeed,
    Notification,
    OrganisationSettings,
    PasswordResetToken,
    Role,
    User,
)
from portfolio.services.accounts import throttle
from portfolio.services.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    verify_password,
)
from portfolio.services.organisation.org_settings import with_required_kinds
from portfolio.services.privacy import audit


class LoginOutcome(StrEnum):
    """Why a log-in attempt ended as it did."""

    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    """The outcome of `authenticate`, with the user when it succeeded."""

    outcome: LoginOutcome
    user: User | None = None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively."""
    return email.strip().lower()


def new_session_token() -> str:
    """A fresh random session token."""
    return secrets.token_hex(16)


def find_by_email(db: Session, email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return db.scalars(select(User).where(User.email == normalise_email(email))).first()


def authenticate(
    db: Session,
    *,
    email: str,
    password: str,
    address: str | None,
    now: datetime,
    limits: Mapping,
    device: str | None = None,
) -> LoginResult:
    """Check a log-in, counting failures per account and per address (QUALITY.md).

    `device` is the id of a browser this account logged in from before (a signed cookie, see
    `portfolio.auth.devices`). From a known device the failures are counted for that device and
    account only: a flood of failures from the same address (every client behind one proxy) or
    against the account cannot lock its owner out, while a guesser without the cookie still
    meets both counters.
    """
    window = limits["LOGIN_THROTTLE_WINDOW"]
    if device:
        keys = (throttle.device_key(device, email),)
        maxima = (limits["LOGIN_MAX_FAILURES_PER_ACCOUNT"],)
    else:
        keys = (throttle.account_key(email), throttle.address_key(address))
        maxima = (
            limits["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            limits["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        )
    if any(
        throttle.failures(db, key, now=now, window=window) >= limit
        for key, limit in zip(keys, maxima, strict=True)
    ):
        return LoginResult(LoginOutcome.THROTTLED)
    user = find_by_email(db, email)
    valid = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if not (user and valid and user.is_active):
        for key in keys:
            throttle.record_failure(db, key, now=now, window=window)
        return LoginResult(LoginOutcome.INVALID)
    for key in {keys[0], throttle.account_key(email)}:  # the owner proved who they are
        throttle.clear(db, key)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(db, actor=user, action="login", subject_user_id=user.id)
    db.flush()
    return LoginResult(LoginOutcome.OK, user)


def load_session_user(db: Session, identity: str) -> tuple[User, int, list[str]] | None:
    """Flask-Login's user loader: the id must match and the session token must be current.

    Returns the user with their unread notification count (the header shows it on every
    page) and their organisation's entry kinds to sign off (an entry's status in words depends
    on them: entry lists, the member page, the sign-off queue), read in the same statement, so
    a page costs a statement less for each.
    """
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.execute(_SESSION_USER, {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user, unread, kinds = row
    if not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user, unread, with_required_kinds(kinds)


_UNREAD = (
    select(func.count())
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate(User)
    .scalar_subquery()
)


_SIGNOFF_KINDS = (
    select(OrganisationSettings.signoff_kinds)
    .where(OrganisationSettings.organisation_id == User.organisation_id)
    .correlate(User)
    .scalar_subquery()
)


# Built once: every request runs it, and building and keying it cost about as much as running it.
_SESSION_USER = select(User, _UNREAD, _SIGNOFF_KINDS).where(
    User.id == bindparam("user_id", type_=Integer)
)


def end_all_sessions(db: Session, *, user: User, end_calendar_feed: bool = False) -> None:
    """Invalidate every session of `user` (a replayed cookie is refused), and with
    `end_calendar_feed` the secret calendar URL too ("log out everywhere")."""
    user.session_token = new_session_token()
    if end_calendar_feed:
        db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
        audit.record(db, actor=user, action="logged_out_everywhere", subject_user_id=user.id)
    db.add(user)
    db.flush()


def change_password(db: Session, *, user: User, new_password: str, now: datetime) -> None:
    """Set a new password, end every other session and void open reset links."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.session_token = new_session_token()
    # Whoever had the old password may have copied the calendar's secret URL: it ends too.
    db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    # A reset link mailed before the change must not set the password again afterwards.
    db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    audit.record(db, actor=user, action="password_changed", subject_user_id=user.id)
    db.add(user)
    db.flush()


def reset_request_allowed(
    db: Session, *, email: str, address: str | None, now: datetime, limits: Mapping
) -> User | None:
    """Count a request for a reset link, per asking address and per address asked for; the
    active account to mail when both are within their limits, else None (unknown, inactive or
    throttled look the same to the asker). Adds; the caller commits."""
    window = limits["PASSWORD_RESET_THROTTLE_WINDOW"]
    counters = (
        (throttle.reset_address_key(address), limits["PASSWORD_RESET_MAX_PER_ADDRESS"]),
        (
            throttle.reset_target_key(normalise_email(email)),
            limits["PASSWORD_RESET_MAX_PER_TARGET"],
        ),
    )
    within = all(
        throttle.failures(db, key, now=now, window=window) < limit for key, limit in counters
    )
    for key, _limit in counters:
        throttle.count(db, key, now=now, window=window)
    user = find_by_email(db, email)
    return user if within and user is not None and user.is_active else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_token_hash(token: str) -> str:
    """How a reset token is stored (for set-based inserts of many tokens, e.g. invitations)."""
    return _token_hash(token)


def create_reset_token(db: Session, *, user: User, now: datetime, ttl) -> str:
    """A single-use reset token for `user`; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.add(PasswordResetToken(user_id=user.id, token_hash=_token_hash(token), expires_at=now + ttl))
    return token


def user_for_reset_token(db: Session, *, token: str, now: datetime) -> User | None:
    """The user a valid (unused, unexpired) token belongs to."""
    row = db.scalars(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    user = db.get(User, row.user_id)
    return user if user and user.is_active else None


def reset_password(db: Session, *, token: str, new_password: str, now: datetime) -> User | None:
    """Use a reset token once: set the password, end all sessions. None when invalid."""
    user = user_for_reset_token(db, token=token, now=now)
    if user is None:
        return None
    claimed = db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.token_hash == _token_hash(token))
        .where(PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not claimed:  # used by a concurrent request
        db.rollback()
        return None
    change_password(db, user=user, new_password=new_password, now=now)
    return user


def create_user(
    db: Session,
    *,
    organisation_id: int,
    email: str,
    name: str,
    role: Role,
    password: str,
    team_id: int | None = None,
    locale: str = "nl",
) -> User:
    """Create an account. Raises ValueError when the e-mail address is taken."""
    email = normalise_email(email)
    taken = db.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise ValueError(f"an account with e-mail address {email} already exists")
    user = User(
        organisation_id=organisation_id,
        team_id=team_id,
        email=email,
        name=name.strip(),
        role=str(role),
        password_hash=hash_password(password),
        session_token=new_session_token(),
        locale=locale,
    )
    db.add(user)
    db.flush()
    return user


def set_locale(db: Session, *, user: User, locale: str) -> None:
    """Remember the user's interface language."""
    if user.locale != locale:
        user.locale = locale
        db.add(user)
        db.flush()
