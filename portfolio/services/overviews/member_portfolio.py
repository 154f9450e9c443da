"""A supervisor's view into a team member's portfolio: only what the member submitted or shared.

Every look is written to the audit log (who looked at whose portfolio, or which entry), never
the content itself (PRODUCT.md, privacy).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from portfolio import access
from portfolio.models import Entry, Registration, TeamLead, User
from portfolio.pagination import Page, paginate
from portfolio.services.norms import standings as norm_standings
from portfolio.services.people.people import PersonNotVisible
from portfolio.services.privacy import audit


def member_for(db: Session, *, supervisor: User, member_id: int) -> User:
    """A member of a team this supervisor leads; audited. Raises PersonNotVisible otherwise."""
    # The member with their team if the supervisor leads it: one statement for both.
    row = db.execute(
        select(User, TeamLead.team_id)
        .outerjoin(
            TeamLead, and_(TeamLead.team_id == User.team_id, TeamLead.user_id == supervisor.id)
        )
        .where(User.id == member_id)
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
    audit.record(
        db,
        actor=supervisor,
        action="view_member_portfolio",
        subject_user_id=member.id,
        subject_type="user",
        subject_id=member.id,
    )
    db.flush()
    return member


def visible_entries(db: Session, *, member: User, page: int, per_page: int) -> Page:
    """Entries a supervisor may read (shared, or in the sign-off flow), newest first."""
    statement = (
        select(Entry)
        .where(
            Entry.owner_id == member.id,
            or_(
                Entry.is_shared.is_(True),
                Entry.status.in_(access.VISIBLE_TO_SUPERVISOR_STATUSES),
            ),
        )
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    )
    return paginate(db, statement, page=page, per_page=per_page)


def standings(db: Session, *, member: User, today: date) -> list[tuple[Registration, str, str]]:
    """(registration, norm title, standing) of each of the member's registrations: the stored
    standings (services.norms.standings; stale ones are computed first)."""
    registrations = db.scalars(
        select(Registration).where(Registration.owner_id == member.id).order_by(Registration.id)
    ).all()
    stored = {
        s.registration_id: s
        for s in norm_standings.standings_of_owners(db, owner_ids=[member.id], today=today)
    }
    known = norm_standings.known_norms()
    return [
        (registration, known[found.norm_id].title, found.standing)
        for registration in registrations
        if (found := stored.get(registration.id)) is not None and found.norm_id in known
    ]
