"""The supervisor's team overview: each member's registration standing and last activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from competencies.standing import standing
from portfolio.models import Entry, Registration, Team, User
from portfolio.services.norms.norm_sums import summed_statuses_for
from portfolio.services.people.people import team_members


@dataclass(frozen=True)
class MemberView:
    """One team member as their supervisor sees them (no portfolio content)."""

    user: User
    standings: list[tuple[str, str]]  # (norm title, standing)
    last_activity: date | None  # see `overview`


def overview(db: Session, *, supervisor: User, today: date) -> list[tuple[Team, list[MemberView]]]:
    """The teams a supervisor leads, each member with standings; a fixed number of queries.

    "Last activity" is the date of the member's latest entry that is not in the future
    (occurred_on ≤ today): when they last did something for their development. A planned
    session dated next month is not activity yet, and the date an entry was typed in says
    less than the date of what it records.
    """
    teams = team_members(db, supervisor=supervisor)
    member_ids = [m.id for _team, members in teams for m in members]
    registrations = db.scalars(
        select(Registration).where(Registration.owner_id.in_(member_ids))
    ).all()
    statuses = summed_statuses_for(db, registrations=registrations, as_of=today)
    by_owner: dict[int, list[tuple[str, str]]] = {}
    for registration in registrations:
        found = statuses.get(registration.id)
        if found:
            norm, status = found
            by_owner.setdefault(registration.owner_id, []).append(
                (norm.title, standing(status, today))
            )
    last = dict(
        db.execute(
            select(Entry.owner_id, func.max(Entry.occurred_on))
            .where(Entry.owner_id.in_(member_ids), Entry.occurred_on <= today)
            .group_by(Entry.owner_id)
        ).all()
    )
    return [
        (team, [MemberView(m, by_owner.get(m.id, []), last.get(m.id)) for m in members])
        for team, members in teams
    ]
