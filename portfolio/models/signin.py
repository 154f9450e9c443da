"""Sign-in beyond the password: an organisation's OpenID Connect provider, log-in states, the
second factor's recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class OidcProvider(SQLModel, table=True):
    """An organisation's identity provider (e.g. Microsoft Entra ID), set up by its admin.

    The client secret is stored encrypted (portfolio.services.accounts.secret_box) and never
    shown again. `last_error` is the reason of the latest failure, for the admin's view.
    """

    __tablename__ = "oidc_provider"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    display_name: str = Field(max_length=100)
    issuer: str = Field(max_length=300)
    client_id: str = Field(max_length=200)
    client_secret_encrypted: str = Field(sa_type=Text)
    # Lower-case e-mail domains this provider serves, e.g. ["zorggroep.nl"].
    email_domains: list = Field(default_factory=list, sa_type=JSON)
    # Optional: the claim that carries groups or app roles, and which values give which role,
    # e.g. {"admin": ["<group id>"], "hr": ["<group id>"]}.
    role_claim: str | None = Field(default=None, max_length=100)
    role_map: dict | None = Field(default=None, sa_type=JSON)
    enabled: bool = Field(default=True)
    create_accounts: bool = Field(default=False)
    # False: people of this organisation sign in through the provider only (admins keep a
    # local break-glass log-in).
    password_login: bool = Field(default=True)
    last_error: str | None = Field(default=None, max_length=500)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class OidcLoginState(SQLModel, table=True):
    """One started sign-in at a provider: used once, within minutes, by the same browser."""

    __tablename__ = "oidc_login_state"

    state_hash: str = Field(primary_key=True, max_length=64)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=200)
    next_path: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code for the second factor; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
