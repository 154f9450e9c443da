"""An organisation's settings: reminder offsets, sign-off digest threshold, kinds to sign off."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from competencies.reminders import DEFAULT_OFFSETS, parse_offset
from portfolio.models import OrganisationSettings, User
from portfolio.services.privacy import audit

DEFAULT_DIGEST_DAYS = 7
# Beroepscode art. 24 asks sign-off of peer review, always; an organisation may add kinds.
REQUIRED_SIGNOFF_KINDS = ("peer_review",)


def parse_offsets(text: str) -> list[str]:
    """'12m, 6m, 1w' → ['12m', '6m', '1w']; raises ValueError naming the bad part."""
    parts = [part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValueError("give at least one offset, such as 3m")
    for part in parts:
        parse_offset(part)
    return list(dict.fromkeys(parts))


def current(db: Session, *, organisation_id: int) -> tuple[list[str], int]:
    """(reminder offsets, digest days) in force for the organisation."""
    settings = db.get(OrganisationSettings, organisation_id)
    offsets = list((settings and settings.reminder_offsets) or DEFAULT_OFFSETS)
    days = (settings and settings.signoff_digest_days) or DEFAULT_DIGEST_DAYS
    return offsets, days


def with_required_kinds(kinds: list[str] | None) -> list[str]:
    """The kinds chosen, with peer review first whatever was chosen or stored."""
    return list(dict.fromkeys([*REQUIRED_SIGNOFF_KINDS, *(kinds or [])]))


def signoff_kinds(db: Session, *, organisation_id: int) -> list[str]:
    """The entry kinds this organisation's workers submit for sign-off; peer review always.

    Settings stored before peer review became fixed may lack it; it is added here, not trusted.
    """
    settings = db.get(OrganisationSettings, organisation_id)
    return with_required_kinds(settings and settings.signoff_kinds)


def save(
    db: Session,
    *,
    admin: User,
    offsets: list[str],
    digest_days: int,
    now: datetime,
    kinds_to_sign: list[str] | None = None,
) -> None:
    """Store the settings with who changed them and when.

    `kinds_to_sign` None leaves the entry kinds that need sign-off as they are; peer review is
    added to those given.
    """
    settings = db.get(OrganisationSettings, admin.organisation_id) or OrganisationSettings(
        organisation_id=admin.organisation_id
    )
    settings.reminder_offsets = offsets
    settings.signoff_digest_days = digest_days
    if kinds_to_sign is not None:
        settings.signoff_kinds = with_required_kinds(kinds_to_sign)
    kinds = with_required_kinds(settings.signoff_kinds)
    settings.updated_at = now
    settings.updated_by_id = admin.id
    db.add(settings)
    audit.record(
        db,
        actor=admin,
        action="settings_changed",
        detail=f"reminder_offsets={','.join(offsets)} digest_days={digest_days}"
        f" signoff_kinds={','.join(kinds)}",
    )
    db.flush()
