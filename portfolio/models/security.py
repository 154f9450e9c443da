"""Rows that keep accounts safe: throttling counters, reset tokens, the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class LoginThrottle(SQLModel, table=True):
    """Failed log-ins per key (account or address) in the current window.

    Kept in the database so every worker process and machine shares the counters.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=300)
    window_start: datetime = Field(sa_type=UTCDateTime)
    failures: int = Field(default=0)


class PasswordResetToken(SQLModel, table=True):
    """A single-use password reset token; only its hash is stored."""

    __tablename__ = "password_reset_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """Who did what to whose data, and when. Never content, passwords or tokens."""

    __tablename__ = "audit_event"
    # The audit log's order, newest first by (at, id), straight from the index.
    __table_args__ = (Index("ix_audit_event_org_at", "organisation_id", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    action: str = Field(max_length=80)
    subject_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    subject_type: str | None = Field(default=None, max_length=40)
    subject_id: int | None = Field(default=None)
    detail: str | None = Field(default=None, max_length=500)
    ip_address: str | None = Field(default=None, max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
