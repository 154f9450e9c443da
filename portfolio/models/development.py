"""Registrations with a register, self-assessments and development goals."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class Registration(SQLModel, table=True):
    """A worker's registration with a register, under one norm (competencies.norms)."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("owner_id", "norm_id", "registered_on"),
        # Reminder planning selects registrations by date windows (QUALITY.md P6).
        Index("ix_registration_registered_on", "registered_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    owner_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    norm_id: str = Field(max_length=60)
    registration_number: str | None = Field(default=None, max_length=60)
    registered_on: date
    vog_issued_on: date | None = None  # certificate of conduct (Registerplein, NORMS.md)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ThresholdOverride(SQLModel, table=True):
    """An organisation's thresholds for a norm; rows are kept, the newest one applies."""

    __tablename__ = "threshold_override"
    __table_args__ = (Index("ix_threshold_override_org_norm", "organisation_id", "norm_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    norm_id: str = Field(max_length=60)
    # The override format of competencies.Norm.with_thresholds.
    thresholds: dict = Field(sa_type=JSON)
    note: str | None = Field(default=None, max_length=500)
    changed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CompetencyAssessment(SQLModel, table=True):
    """A rating of the ten competencies on one date: by the worker, or by a supervisor."""

    __tablename__ = "competency_assessment"
    __table_args__ = (Index("ix_competency_assessment_subject", "subject_id", "assessed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    subject_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    assessor_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    assessed_on: date
    catalogue_version: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_self_assessment(self) -> bool:
        """True when the worker rated themselves."""
        return self.subject_id == self.assessor_id


class CompetencyRating(SQLModel, table=True):
    """One competency's level within an assessment, with a short motivation."""

    __tablename__ = "competency_rating"

    assessment_id: int = Field(
        foreign_key="competency_assessment.id", primary_key=True, ondelete="CASCADE"
    )
    competency_code: str = Field(primary_key=True, max_length=10)
    level_code: str = Field(max_length=30)
    motivation: str | None = Field(default=None, sa_type=Text)


class GoalStatus(StrEnum):
    """The life of a development goal."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class DevelopmentGoal(SQLModel, table=True):
    """A POP goal: a competency from a current to a target level, with actions and evidence."""

    __tablename__ = "development_goal"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    owner_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    competency_code: str = Field(max_length=10)
    current_level: str = Field(max_length=30)
    target_level: str = Field(max_length=30)
    title: str = Field(max_length=200)
    actions: str | None = Field(default=None, sa_type=Text)
    due_on: date | None = None
    status: str = Field(default=GoalStatus.OPEN.value, max_length=12)
    details: dict | None = Field(default=None, sa_type=JSON)
    version: int = Field(default=1)  # optimistic concurrency: a stale edit is refused
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GoalEvidence(SQLModel, table=True):
    """An entry linked to a goal as evidence."""

    __tablename__ = "goal_evidence"

    goal_id: int = Field(foreign_key="development_goal.id", primary_key=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
