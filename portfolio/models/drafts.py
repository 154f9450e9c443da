"""Typed work that is not lost: one-time form tokens, drafts and forms kept over a log-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class FormTokenUse(SQLModel, table=True):
    """A create form's one-time token, once used (see portfolio.infra.form_tokens).

    The token is stored as its SHA-256; `result` is where the record it made can be seen, so a
    second submit of the same form is sent there instead of making a second record.
    """

    __tablename__ = "form_token_use"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    result: str | None = Field(default=None, max_length=500)
    used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Draft(SQLModel, table=True):
    """What a person typed into a form and has not saved yet; one per person and form.

    Private like the entry it becomes: only its owner ever reads it (portfolio.access).
    """

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("owner_id", "form_key"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    form_key: str = Field(max_length=300)
    fields: dict = Field(sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KeptForm(SQLModel, table=True):
    """A form posted after its session ended, kept until its owner logs in again.

    Found only through the SHA-256 of an unguessable token in the browser's cookie, and shown
    only to the person whose session posted it; it expires.
    """

    __tablename__ = "kept_form"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    path: str = Field(max_length=500)
    fields: dict = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
