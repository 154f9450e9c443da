"""Reading the audit log (admins)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from portfolio.models import AuditEvent, User
from portfolio.pagination import Page, paginate

# Built once: an alias made per call is adapted again on every request (about 1 ms).
_ACTOR = aliased(User, name="actor")
_SUBJECT = aliased(User, name="subject")


def events_page(
    db: Session, *, organisation_id: int, page: int, per_page: int, count_limit: int | None = None
) -> Page:
    """Newest first, with actor and subject names joined (no per-row queries); counted up to
    `count_limit` (pagination)."""
    actor, subject = _ACTOR, _SUBJECT
    statement = (
        select(AuditEvent, actor.name.label("actor_name"), subject.name.label("subject_name"))
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_user_id)
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return paginate(
        db, statement, page=page, per_page=per_page, scalars=False, count_limit=count_limit
    )
