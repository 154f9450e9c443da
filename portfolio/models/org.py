"""Organisations, teams and the people in them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person does in the product (PRODUCT.md: worker, supervisor, HR, admin)."""

    WORKER = "worker"
    SUPERVISOR = "supervisor"
    HR = "hr"
    ADMIN = "admin"


class Organisation(SQLModel, table=True):
    """An employer; one instance can serve many."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Team(SQLModel, table=True):
    """A team of workers within an organisation, led by one or more supervisors."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TeamLead(SQLModel, table=True):
    """A supervisor leads a team."""

    __tablename__ = "team_lead"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    # Indexed on its own too: "the teams this supervisor leads" is asked on most of their pages.
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, ondelete="CASCADE", index=True
    )


# The partial indexes' predicates, as SQLAlchemy writes `role == …` and `is_active.is_(True)`.
ACTIVE_WORKER = "role = 'worker' AND is_active IS true"
ACTIVE_SUPERVISOR = "role = 'supervisor' AND is_active IS true"
ACTIVE_WORKER_SQLITE = "role = 'worker' AND is_active IS 1"
ACTIVE_SUPERVISOR_SQLITE = "role = 'supervisor' AND is_active IS 1"


class User(SQLModel, table=True):
    """A person who logs in. The role decides what they may do (see portfolio.access)."""

    __tablename__ = "user_account"
    __table_args__ = (
        Index("ix_user_account_org_name", "organisation_id", "name", "id"),
        UniqueConstraint("organisation_id", "oidc_subject"),
        # HR evaluations: the status counts and the workers nobody can evaluate read every
        # active worker (organisation, team, id) and every active supervisor (id). The predicates
        # are written as the queries are (`is_active IS true`; PostgreSQL does not infer a
        # partial index on `is_active` from it).
        Index(
            "ix_user_account_active_workers",
            "organisation_id",
            "team_id",
            "id",
            postgresql_where=text(ACTIVE_WORKER),
            sqlite_where=text(ACTIVE_WORKER_SQLITE),
        ),
        # HR evaluations pages the active workers by name (migration b7d9e1f3a5c7).
        Index(
            "ix_user_account_active_workers_by_name",
            "organisation_id",
            "name",
            "id",
            postgresql_where=text(ACTIVE_WORKER),
            sqlite_where=text(ACTIVE_WORKER_SQLITE),
        ),
        Index(
            "ix_user_account_active_supervisors",
            "id",
            postgresql_where=text(ACTIVE_SUPERVISOR),
            sqlite_where=text(ACTIVE_SUPERVISOR_SQLITE),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20, default=Role.WORKER.value)
    password_hash: str = Field(max_length=255)
    # Part of the session identity: rotating it ends every session of this user.
    session_token: str = Field(max_length=64)
    is_active: bool = Field(default=True)
    locale: str = Field(default="nl", max_length=5)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Retention (services.privacy.erasure): when the person was told their portfolio will be
    # erased, and when it was; an erased account is a pseudonymous tombstone.
    retention_warned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The employment start date (HR's record, set by hand or by the employee import).
    employment_started_on: date | None = Field(default=None)
    # Raised with every change to what this person's dashboard shows (the dashboard's cache
    # key; portfolio.infra.portfolio_revision keeps it).
    portfolio_revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The provider's `sub` for this person, remembered at the first sign-in through it.
    oidc_subject: str | None = Field(default=None, max_length=255)
    # The second factor: the TOTP secret (encrypted), when it was set up, and the last time
    # step used (a code is accepted once).
    totp_secret_encrypted: str | None = Field(default=None, max_length=500)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = Field(default=None)

    # Flask-Login's user protocol (is_active is the column above).
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        """Flask-Login identity: the id plus the current session token."""
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: Role | str) -> bool:
        """True when this user's role is one of `roles`."""
        return self.role in {str(r) for r in roles}
