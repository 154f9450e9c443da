"""Feedback a worker asks of a colleague (Kwaliteitslabel Vakmanschap 15)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class FeedbackRequest(SQLModel, table=True):
    """A request for feedback on chosen competencies, to a colleague or an outside person.

    Outside people answer through a single-use link that expires; only the link's hash is kept.
    The answer belongs to the requester's portfolio; the respondent sees only the request.
    """

    __tablename__ = "feedback_request"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    requester_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    respondent_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    respondent_name: str = Field(max_length=200)
    respondent_email: str | None = Field(default=None, max_length=254)
    competency_codes: list = Field(sa_type=JSON)
    message: str | None = Field(default=None, sa_type=Text)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_type=Text)
