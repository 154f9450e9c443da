"""Reading the audit log (admins)."""

from __future__ import annotations

from sqlalchemy import ScalarSelect, select
from sqlmodel import Session

from portfolio.models import AuditEvent, User
from portfolio.pagination import Page, paginate


def _name_of(person) -> ScalarSelect:
    """The name of the person `person` refers to, as a subquery of the event's row."""
    return select(User.name).where(User.id == person).scalar_subquery()


# Built once (a statement's parts built per request are adapted again each time).
_ACTOR_NAME = _name_of(AuditEvent.actor_id).label("actor_name")
_SUBJECT_NAME = _name_of(AuditEvent.subject_user_id).label("subject_name")


def events_page(
    db: Session, *, organisation_id: int, page: int, per_page: int, count_limit: int | None = None
) -> Page:
    """Rows (at, action, detail, actor_name, subject_name) of the organisation's events, newest
    first, with the names (no per-row queries); counted up to `count_limit` (pagination).

    The names are subqueries of the row, not joins: PostgreSQL looks them up after the sort and
    the page's LIMIT, for the rows shown only, whatever the size of the log (a join before the
    sort looked up two names for every event of the organisation when its estimate was off)."""
    of_organisation = AuditEvent.organisation_id == organisation_id
    statement = (
        select(AuditEvent.at, AuditEvent.action, AuditEvent.detail, _ACTOR_NAME, _SUBJECT_NAME)
        .where(of_organisation)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return paginate(
        db,
        statement,
        page=page,
        per_page=per_page,
        scalars=False,
        count_limit=count_limit,
        counted=select(AuditEvent.id).where(of_organisation),  # without the names
    )
