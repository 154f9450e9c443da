"""The supervisor's team overview: each member's registration standing and last activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Date, Integer, and_, bindparam, func, select
from sqlmodel import Session

from portfolio.db import read_rows
from portfolio.models import Entry, Registration, RegistrationStanding, Team, TeamLead, User
from portfolio.services.norms import standings


@dataclass(frozen=True)
class MemberView:
    """One team member as their supervisor sees them (no portfolio content)."""

    id: int
    name: str
    is_active: bool
    standings: list[tuple[str, str]]  # (norm title, standing)
    last_activity: date | None  # see `overview`


@dataclass(frozen=True)
class TeamView:
    """A team the supervisor leads (what the page shows of it)."""

    id: int
    name: str


def overview(
    db: Session, *, supervisor: User, today: date
) -> list[tuple[TeamView, list[MemberView]]]:
    """The teams a supervisor leads (by name), each member (by name) with standings; one
    statement when the stored standings are current, whatever the size.

    "Last activity" is the date of the member's latest entry that is not in the future
    (occurred_on ≤ today): when they last did something for their development. A planned
    session dated next month is not activity yet, and the date an entry was typed in says
    less than the date of what it records. Standings are the stored ones (stale ones are
    computed first: services.norms.standings).
    """
    rows = read_rows(
        db,
        _overview_statement(),
        {
            "today": today,
            "supervisor_id": supervisor.id,
            "organisation_id": supervisor.organisation_id,
        },
    )
    fresh = _refreshed(db, rows, today)
    known = standings.known_norms()
    teams: dict[int, tuple[TeamView, list[MemberView]]] = {}
    members: dict[int, MemberView] = {}
    for row in rows:
        if row.team_id not in teams:
            teams[row.team_id] = (TeamView(row.team_id, row.team_name), [])
        if row.member_id is None:
            continue
        member = members.get(row.member_id)
        if member is None:
            member = members[row.member_id] = MemberView(
                row.member_id, row.member_name, row.is_active, [], row.last_activity
            )
            _team, team_members = teams[row.team_id]
            team_members.append(member)
        if row.registration_id is None:
            continue
        norm_id, standing = (
            (row.norm_id, row.standing)
            if row.current
            else fresh.get(row.registration_id, (None, None))
        )
        if standing is not None and norm_id in known:
            member.standings.append((known[norm_id].title, standing))
    return list(teams.values())


def _refreshed(db: Session, rows, today: date) -> dict[int, tuple[str, str | None]]:
    """{registration id: (norm id, standing)} of the rows' registrations whose stored standing
    was not current: computed and stored now (services.norms.standings)."""
    stale = sorted({row.registration_id for row in rows if row.registration_id and not row.current})
    if not stale:
        return {}
    written = standings.refresh_stale(db, where=Registration.id.in_(stale), today=today)
    return {r["registration_id"]: (r["norm_id"], r["standing"]) for r in written}


@cache
def _overview_statement():
    """A row per team the supervisor leads, member and registration (a team without members,
    a member without registrations: one row with the missing parts None), with the member's
    last activity and the stored standing. Parameters today, supervisor_id and
    organisation_id. Built once: building and keying a statement of this size costs about as
    much as the rest of the page."""
    today = bindparam("today", type_=Date)
    last_activity = (
        select(func.max(Entry.occurred_on))
        .where(Entry.owner_id == User.id, Entry.occurred_on <= today)
        .correlate(User)
        .scalar_subquery()
    )
    led = and_(
        TeamLead.team_id == Team.id,
        TeamLead.user_id == bindparam("supervisor_id", type_=Integer),
    )
    return (
        select(
            Team.id.label("team_id"),
            Team.name.label("team_name"),
            User.id.label("member_id"),
            User.name.label("member_name"),
            User.is_active,
            last_activity.label("last_activity"),
            Registration.id.label("registration_id"),
            RegistrationStanding.norm_id,
            RegistrationStanding.standing,
            standings.is_current(today),
        )
        .select_from(Team)
        .join(TeamLead, led)
        .outerjoin(User, User.team_id == Team.id)
        .outerjoin(Registration, Registration.owner_id == User.id)
        .outerjoin(RegistrationStanding, RegistrationStanding.registration_id == Registration.id)
        .where(Team.organisation_id == bindparam("organisation_id", type_=Integer))
        .order_by(Team.name, Team.id, User.name, User.id, Registration.id)
    )
