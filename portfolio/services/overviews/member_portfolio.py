"""A supervisor's view into a team member's portfolio: only what the member submitted or shared.

Every look is written to the audit log (who looked at whose portfolio, or which entry), never
the content itself (PRODUCT.md, privacy).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Integer, and_, bindparam, or_, select
from sqlmodel import Session

from portfolio import access
from portfolio.models import Entry, TeamLead, User
from portfolio.pagination import Page, paginate_counted_beside
from portfolio.services.norms import standings as norm_standings
from portfolio.services.people.people import PersonNotVisible
from portfolio.services.privacy import audit


def member_for(db: Session, *, supervisor: User, member_id: int) -> User:
    """A member of a team this supervisor leads; audited. Raises PersonNotVisible otherwise."""
    row = db.execute(
        _member_statement(), {"member_id": member_id, "supervisor_id": supervisor.id}
    ).first()
    member, led_team = row if row is not None else (None, None)
    if (
        member is None
        or member.id == supervisor.id
        or not access.may_view_member_portfolio(
            supervisor, member, led_team_ids={led_team} - {None}
        )
    ):
        raise PersonNotVisible(member_id)
    audit.record_view(
        db,
        actor=supervisor,
        action="view_member_portfolio",
        subject_user_id=member.id,
        subject_type="user",
        subject_id=member.id,
    )
    return member


@cache
def _member_statement():
    """The member with their team if the supervisor leads it: one statement for both.
    Parameters member_id and supervisor_id; built once (as the team page's statements)."""
    led = and_(
        TeamLead.team_id == User.team_id,
        TeamLead.user_id == bindparam("supervisor_id", type_=Integer),
    )
    return (
        select(User, TeamLead.team_id)
        .outerjoin(TeamLead, led)
        .where(User.id == bindparam("member_id", type_=Integer))
    )


def visible_entries(db: Session, *, member: User, page: int, per_page: int) -> Page:
    """Entries a supervisor may read (shared, or in the sign-off flow), newest first: the
    columns the member page shows (and `entry_status_label` reads), not whole entries; one
    statement for a page within range (the total is counted beside the rows)."""
    return paginate_counted_beside(
        db,
        _visible_statement(),
        parameters={"owner_id": member.id},
        page=page,
        per_page=per_page,
    )


@cache
def _visible_statement():
    """`visible_entries`' rows; parameter owner_id. Built once (as the team page's)."""
    return (
        select(
            Entry.id,
            Entry.organisation_id,
            Entry.kind,
            Entry.title,
            Entry.occurred_on,
            Entry.status,
            Entry.is_shared,
        )
        .where(
            Entry.owner_id == bindparam("owner_id", type_=Integer),
            or_(
                Entry.is_shared.is_(True),
                Entry.status.in_(access.VISIBLE_TO_SUPERVISOR_STATUSES),
            ),
        )
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    )


def standings(db: Session, *, member: User, today: date) -> list[tuple[str | None, str, str]]:
    """(registration number, norm title, standing) of each of the member's registrations,
    oldest registration first: the stored standings (services.norms.standings; stale ones are
    computed first). One statement when they are current."""
    known = norm_standings.known_norms()
    return [
        (found.registration_number, known[found.norm_id].title, found.standing)
        for found in norm_standings.standings_of_owners(db, owner_ids=[member.id], today=today)
        if found.norm_id in known
    ]
