"""The yearly evaluation (Kwaliteitslabel Organisatie 3.10; CAO Sociaal Werk art. 3.2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class EvaluationStatus(StrEnum):
    """Not started → prepared (worker) → completed (supervisor) → signed (both)."""

    NOT_STARTED = "not_started"
    PREPARED = "prepared"
    COMPLETED = "completed"
    SIGNED = "signed"


class YearlyEvaluation(SQLModel, table=True):
    """One worker's evaluation of one year; a correction after signing is a new version.

    `facts` is a snapshot of the portfolio figures as of the end of the year (hours and points
    per category, work hours, signed sessions, Art. 3 coverage, goals, competency levels,
    registration standing) — counts and statuses only, never reflection or case text.
    """

    __tablename__ = "yearly_evaluation"
    __table_args__ = (
        UniqueConstraint("worker_id", "year", "version"),
        Index("ix_yearly_evaluation_org_year", "organisation_id", "year", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    worker_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    supervisor_id: int | None = Field(default=None, foreign_key="user_account.id")
    year: int
    version: int = Field(default=1)
    is_current: bool = Field(default=True)
    status: str = Field(default=EvaluationStatus.NOT_STARTED.value, max_length=12)
    # The worker's preparation: {"year_in_short", "went_well", "to_develop"}.
    self_evaluation: dict | None = Field(default=None, sa_type=JSON)
    supervisor_evaluation: str | None = Field(default=None, sa_type=Text)
    agreements: str | None = Field(default=None, sa_type=Text)
    facts: dict | None = Field(default=None, sa_type=JSON)
    prepared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    worker_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    supervisor_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
