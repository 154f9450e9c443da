"""The history of an entry's sign-off (Beroepscode art. 24): every step, by whom, when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class EntryEvent(SQLModel, table=True):
    """One step: submitted, signed, returned (with a comment), corrected."""

    __tablename__ = "entry_event"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True, ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=20)
    comment: str | None = Field(default=None, sa_type=Text)
    entry_version: int
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
