"""Each registration's standing, stored so that overviews need not recompute it per request.

A row is current while `computed_on` is today and `revision` equals the owner's
`portfolio_revision` (which portfolio.infra.portfolio_revision raises in the same transaction as
every change to their entries, registrations or their organisation's thresholds). Anything else
is stale and `services.norms.standings` computes it again (the scheduler's daily job refreshes
every organisation set-based, so the first overview of the day does not).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import JSON, Field, SQLModel


class RegistrationStanding(SQLModel, table=True):
    """The standing of one registration as of `computed_on` (no refs: numbers only)."""

    __tablename__ = "registration_standing"
    __table_args__ = (Index("ix_registration_standing_org_norm", "organisation_id", "norm_id"),)

    registration_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
        )
    )
    owner_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id")
    norm_id: str = Field(max_length=60)
    # competencies.standing value; None when the registration's norm file no longer exists.
    standing: str | None = Field(default=None, max_length=16)
    met: bool | None = None
    forecast_on_track: bool | None = None
    forecast_met_on: date | None = None
    deadline: date | None = None
    days_left: int | None = None
    # {category id: counted hours as a decimal string}
    counted: dict = Field(default_factory=dict, sa_type=JSON)
    # The registration's part of a yearly evaluation's facts as of `computed_on`
    # (services.norms.standings.registration_fact); None for an unknown norm.
    facts: dict | None = Field(default=None, sa_type=JSON, nullable=True)
    computed_on: date
    revision: int
