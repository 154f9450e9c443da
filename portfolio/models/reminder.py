"""Reminders, in-app notifications and per-organisation schedule settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class Reminder(SQLModel, table=True):
    """One reminder to one person about one subject, due on one date.

    Unique per (person, subject, kind, due date): planning twice, or two schedulers at once,
    cannot create it twice. `sent_at` is stamped in the same transaction that writes the
    notification and the outbox mail, so it is sent exactly once.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("user_id", "subject_type", "subject_id", "kind", "due_on"),
        Index("ix_reminder_due", "sent_at", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    subject_type: str = Field(max_length=20)  # registration, goal, team
    subject_id: int
    kind: str = Field(max_length=30)
    due_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "sent", or why it was not: "superseded" (a newer one of the same kind went out),
    # "obsolete" (its reason no longer holds).
    outcome: str | None = Field(default=None, max_length=20)


class Notification(SQLModel, table=True):
    """A message in a user's in-app notification list."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    link: str | None = Field(default=None, max_length=300)
    subject_id: int | None = None  # the record it is about (an attendance request's session)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """Whether a kind of notification also comes by e-mail (default: yes)."""

    __tablename__ = "notification_preference"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=30)
    by_email: bool = Field(default=True)


class OrganisationSettings(SQLModel, table=True):
    """Settings an organisation's admin can change; absent means the defaults."""

    __tablename__ = "organisation_settings"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    # Offsets before the submission deadline, e.g. ["12m", "6m", "3m", "1m", "1w"].
    reminder_offsets: list | None = Field(default=None, sa_type=JSON)
    signoff_digest_days: int | None = None
    # Entry kinds a worker submits for sign-off, e.g. ["peer_review"]; None: the default.
    signoff_kinds: list | None = Field(default=None, sa_type=JSON)
    # Who must use a second factor with a local log-in: "none", "hr_admin" or "all";
    # None: the instance's default (SECOND_FACTOR_DEFAULT).
    second_factor: str | None = Field(default=None, max_length=20)
    # Months a deactivated person's portfolio is kept before it is erased; None: the default
    # (services.privacy.erasure.DEFAULT_RETENTION_MONTHS).
    retention_months: int | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class CalendarFeed(SQLModel, table=True):
    """A user's private calendar feed; the URL holds a secret token whose hash is kept."""

    __tablename__ = "calendar_feed"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
