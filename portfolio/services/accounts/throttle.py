"""Log-in throttling with counters in the database, shared by every process."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio.models import LoginThrottle


def account_key(email: str) -> str:
    """Counter key for an account."""
    return f"account:{email.strip().lower()}"


def address_key(address: str | None) -> str:
    """Counter key for a client address."""
    return f"address:{address or 'unknown'}"


def device_key(device: str, email: str) -> str:
    """Counter key for one account on one known browser."""
    return f"device:{device[:64]}:{email.strip().lower()}"[:300]


def reset_address_key(address: str | None) -> str:
    """Counter key for reset links asked from one client address."""
    return f"reset-address:{address or 'unknown'}"


def reset_target_key(email: str) -> str:
    """Counter key for reset links asked for one e-mail address."""
    return f"reset-target:{email.strip().lower()}"[:300]


def failures(db: Session, key: str, *, now: datetime, window: timedelta) -> int:
    """Failures recorded for `key` within the current window."""
    row = db.get(LoginThrottle, key)
    if row is None or row.window_start + window <= now:
        return 0
    return row.failures


def record_failure(db: Session, key: str, *, now: datetime, window: timedelta) -> None:
    """Count one failure; a window that has run out starts again."""
    expired = LoginThrottle.window_start <= now - window
    reset = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key, expired)
        .values(window_start=now, failures=1)
    )
    if db.execute(reset).rowcount:
        db.flush()
        return
    bump = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=LoginThrottle.failures + 1)
    )
    if db.execute(bump).rowcount == 0:
        db.add(LoginThrottle(key=key, window_start=now, failures=1))
        try:
            db.flush()
        except IntegrityError:  # another process inserted it first
            db.rollback()
            db.execute(bump)
    db.flush()


def count(db: Session, key: str, *, now: datetime, window: timedelta) -> None:
    """Count one event for `key` in the caller's transaction (no commit): for counters that are
    written together with the rest of a request's work, in one commit."""
    expired = LoginThrottle.window_start <= now - window
    reset = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key, expired)
        .values(window_start=now, failures=1)
    )
    if db.execute(reset).rowcount:
        return
    bump = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=LoginThrottle.failures + 1)
    )
    if db.execute(bump).rowcount:
        return
    try:
        with db.begin_nested():  # another process may insert the same key first
            db.add(LoginThrottle(key=key, window_start=now, failures=1))
    except IntegrityError:
        db.execute(bump)


def clear(db: Session, key: str) -> None:
    """Forget the failures of `key` (after a successful log-in)."""
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
    db.flush()
