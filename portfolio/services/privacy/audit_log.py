"""Reading the audit log (admins)."""

from __future__ import annotations

from sqlalchemy import Integer, ScalarSelect, bindparam, select
from sqlmodel import Session

from portfolio.models import AuditEvent, User
from portfolio.pagination import Page, paginate


def _name_of(person) -> ScalarSelect:
    """The name of the person `person` refers to, as a subquery of the event's row."""
    return select(_PERSON.name).where(_PERSON.id == person).scalar_subquery()


# Built once, with parameters, of the tables' columns: a page of rows needs no ORM entities,
# and building, keying and running an ORM select cost about twice what its SQL costs.
_EVENT, _PERSON = AuditEvent.__table__.c, User.__table__.c
_OF_ORGANISATION = _EVENT.organisation_id == bindparam("organisation_id", type_=Integer)
_EVENTS = (
    select(
        _EVENT.at,
        _EVENT.action,
        _EVENT.detail,
        _name_of(_EVENT.actor_id).label("actor_name"),
        _name_of(_EVENT.subject_user_id).label("subject_name"),
    )
    .where(_OF_ORGANISATION)
    .order_by(_EVENT.at.desc(), _EVENT.id.desc())
)
_EVENTS_COUNTED = select(_EVENT.id).where(_OF_ORGANISATION)  # without the names


def events_page(
    db: Session, *, organisation_id: int, page: int, per_page: int, count_limit: int | None = None
) -> Page:
    """Rows (at, action, detail, actor_name, subject_name) of the organisation's events, newest
    first, with the names (no per-row queries); counted up to `count_limit` (pagination).

    The names are subqueries of the row, not joins: PostgreSQL looks them up after the sort and
    the page's LIMIT, for the rows shown only, whatever the size of the log (a join before the
    sort looked up two names for every event of the organisation when its estimate was off)."""
    return paginate(
        db,
        _EVENTS,
        page=page,
        per_page=per_page,
        scalars=False,
        count_limit=count_limit,
        counted=_EVENTS_COUNTED,
        parameters={"organisation_id": organisation_id},
    )
