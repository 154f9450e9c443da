"""The supervisor's team overview: each member's registration standing and last activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from portfolio.models import Entry, Team, User
from portfolio.services.norms import standings
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
    less than the date of what it records. Standings are the stored ones (stale ones are
    computed first: services.norms.standings).
    """
    teams = team_members(db, supervisor=supervisor)
    member_ids = [m.id for _team, members in teams for m in members]
    known = standings.known_norms()
    by_owner: dict[int, list[tuple[str, str]]] = {}
    for stored in standings.standings_of_owners(db, owner_ids=member_ids, today=today):
        by_owner.setdefault(stored.owner_id, []).append(
            (known[stored.norm_id].title, stored.standing)
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
