"""The second factor for local log-ins: TOTP (RFC 6238) and single-use recovery codes.

The secret is stored encrypted (secret_box), a code is accepted once (its time step is
remembered), recovery codes are stored hashed. Failures are throttled with the password's
counters and limits. Services add and flush; the request commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlmodel import Session

from portfolio.models import OrganisationSettings, RecoveryCode, Role, User
from portfolio.services.accounts import secret_box, throttle
from portfolio.services.privacy import audit

ISSUER = "Vakbekwaam"
RECOVERY_CODES = 10
POLICIES = ("none", "hr_admin", "all")


class CodeOutcome(StrEnum):
    """How a code check ended."""

    OK = "ok"
    RECOVERY = "recovery"
    INVALID = "invalid"
    THROTTLED = "throttled"


def policy(db: Session, *, organisation_id: int, default: str) -> str:
    """Who must use a second factor in this organisation: 'none', 'hr_admin' or 'all'."""
    settings = db.get(OrganisationSettings, organisation_id)
    chosen = settings.second_factor if settings else None
    return chosen if chosen in POLICIES else default


def set_policy(db: Session, *, admin: User, value: str, now: datetime) -> None:
    """Change who must use a second factor; audited."""
    if value not in POLICIES:
        raise ValueError(value)
    settings = db.get(OrganisationSettings, admin.organisation_id)
    if settings is None:
        settings = OrganisationSettings(organisation_id=admin.organisation_id)
    if settings.second_factor == value:
        return
    settings.second_factor = value
    settings.updated_at = now
    settings.updated_by_id = admin.id
    db.add(settings)
    audit.record(db, actor=admin, action="second_factor_policy_changed", detail=f"policy: {value}")
    db.flush()


def is_enrolled(user: User) -> bool:
    """True when the person has a confirmed authenticator."""
    return user.totp_enabled_at is not None and user.totp_secret_encrypted is not None


def is_required(db: Session, user: User, *, default: str) -> bool:
    """True when this person's organisation asks a second factor of their role."""
    chosen = policy(db, organisation_id=user.organisation_id, default=default)
    return chosen == "all" or (chosen == "hr_admin" and user.has_role(Role.HR, Role.ADMIN))


def begin_enrolment(db: Session, user: User, *, config: Mapping) -> str:
    """A new secret kept (encrypted, not yet active) until a code from it is confirmed.

    An enrolment already begun keeps its secret, so reloading the page shows the same QR code.
    """
    import pyotp

    if user.totp_secret_encrypted and user.totp_enabled_at is None:
        return secret_box.decrypt(config, user.totp_secret_encrypted)
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = secret_box.encrypt(config, secret)
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.add(user)
    db.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (made here from the URI, no user text in it)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def group_secret(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def _step_of(secret: str, code: str, now: datetime) -> int | None:
    """The time step (one back or forward allowed) whose code this is."""
    import pyotp

    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current, current - 1, current + 1):
        # Compared as bytes: compare_digest refuses str with non-ASCII characters ("vóór").
        if secrets.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            return step
    return None


def _recovery_hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{_clean(code)}".encode()).hexdigest()


def new_recovery_codes(db: Session, user: User) -> list[str]:
    """Ten fresh single-use codes (the old ones stop working); only hashes are kept."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, raw)))
    db.flush()
    return codes


def confirm_enrolment(
    db: Session, user: User, *, code: str, config: Mapping, now: datetime
) -> list[str] | None:
    """Activate the authenticator when `code` fits its secret: the recovery codes, else None."""
    if not user.totp_secret_encrypted or user.totp_enabled_at is not None:
        return None
    secret = secret_box.decrypt(config, user.totp_secret_encrypted)
    step = _step_of(secret, _clean(code), now)
    if step is None:
        return None
    user.totp_enabled_at = now
    user.totp_last_step = step
    db.add(user)
    audit.record(db, actor=user, action="second_factor_enrolled", subject_user_id=user.id)
    return new_recovery_codes(db, user)


def remaining_recovery_codes(db: Session, user: User) -> int:
    """How many unused recovery codes the person has."""
    return len(
        db.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def check_code(
    db: Session,
    user: User,
    *,
    code: str,
    address: str | None,
    config: Mapping,
    now: datetime,
) -> CodeOutcome:
    """A code from the authenticator (each accepted once) or an unused recovery code.

    Throttled like the password: failures count per account and per address.
    """
    window = config["LOGIN_THROTTLE_WINDOW"]
    keys = (f"second-factor:{user.id}", throttle.address_key(address))
    maxima = (config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    if any(
        throttle.failures(db, key, now=now, window=window) >= limit
        for key, limit in zip(keys, maxima, strict=True)
    ):
        return CodeOutcome.THROTTLED
    cleaned = _clean(code)
    outcome = CodeOutcome.INVALID
    if is_enrolled(user) and len(cleaned) == 6 and cleaned.isdigit():
        secret = secret_box.decrypt(config, user.totp_secret_encrypted)
        step = _step_of(secret, cleaned, now)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            db.add(user)
            outcome = CodeOutcome.OK
    elif is_enrolled(user) and len(cleaned) == 10:
        used = db.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _recovery_hash(user.id, cleaned),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
        ).rowcount
        if used:
            audit.record(db, actor=user, action="recovery_code_used", subject_user_id=user.id)
            outcome = CodeOutcome.RECOVERY
    if outcome is CodeOutcome.INVALID:
        for key in keys:
            throttle.record_failure(db, key, now=now, window=window)
        audit.record(db, actor=user, action="second_factor_failed", subject_user_id=user.id)
        return outcome
    throttle.clear(db, keys[0])
    return outcome


def reset(db: Session, user: User, *, actor: User) -> None:
    """Remove the authenticator and the recovery codes; the next log-in sets up a new one."""
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.add(user)
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(
        db,
        actor=actor,
        action="second_factor_reset" if actor.id == user.id else "second_factor_reset_by_admin",
        subject_user_id=user.id,
    )
    db.flush()
