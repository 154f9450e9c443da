"""The audit log: every access to someone else's data, and every export."""

from __future__ import annotations

from contextvars import ContextVar

from sqlmodel import Session

from portfolio.db import insert_at_commit
from portfolio.models import AuditEvent, User
from portfolio.models.base import utcnow

# The address a request came from, set by the web layer for the request's duration
# (`portfolio.web.requests`); None in CLI commands and scheduler jobs.
client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def record(
    db: Session,
    *,
    actor: User | None,
    action: str,
    subject_user_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    detail: str | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's work).

    `detail` is metadata only (counts, formats); never content, passwords or tokens.
    """
    event = AuditEvent(
        **_row(actor, action, subject_user_id, subject_type, subject_id, detail, organisation_id)
    )
    db.add(event)
    return event


def record_view(
    db: Session,
    *,
    actor: User,
    action: str,
    subject_user_id: int,
    subject_type: str | None = None,
    subject_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Audit that `actor` was shown someone else's data: written as the unit of work's last
    statement (`db.insert_at_commit`), so a page that only reads sends it alone, without a
    transaction of its own. Committed with the request, like `record`; gone if it rolls back."""
    row = _row(actor, action, subject_user_id, subject_type, subject_id, detail, None)
    insert_at_commit(db, AuditEvent.__table__, {**row, "at": utcnow()})


def _row(actor, action, subject_user_id, subject_type, subject_id, detail, organisation_id):
    return {
        "organisation_id": organisation_id or (actor.organisation_id if actor else None),
        "actor_id": actor.id if actor else None,
        "action": action,
        "subject_user_id": subject_user_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "detail": detail[:500] if detail else None,
        "ip_address": client_address.get(),
    }


def record_privacy_override(
    db: Session,
    *,
    actor: User | None,
    subject_id: int | None,
    subject_type: str,
    object_id: int | None,
    fields,
    organisation_id: int | None = None,
) -> None:
    """Audit a save despite privacy findings; the detail names the fields, never the text.

    `actor` None: someone outside the organisation (a feedback answer by link)."""
    record(
        db,
        actor=actor,
        organisation_id=organisation_id,
        action="privacy_override",
        subject_user_id=subject_id,
        subject_type=subject_type,
        subject_id=object_id,
        detail="fields: " + ", ".join(sorted(fields)),
    )
