"""People and teams as others see them, always through the access policy."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, String, bindparam, or_, select
from sqlmodel import Session

from portfolio import access
from portfolio.errors import NotFound
from portfolio.infra import like
from portfolio.models import Team, TeamLead, User
from portfolio.pagination import Page, paginate
from portfolio.services.privacy import audit


class PersonNotVisible(NotFound):
    """The subject does not exist for this viewer (answered as 404)."""


def led_team_ids(db: Session, *, user: User) -> set[int]:
    """The teams this user leads as supervisor."""
    return set(db.scalars(select(TeamLead.team_id).where(TeamLead.user_id == user.id)))


def list_people(
    db: Session,
    *,
    viewer: User,
    query: str,
    page: int,
    per_page: int,
    count_limit: int | None = None,
) -> Page:
    """Everyone in the viewer's organisation, optionally filtered by name or e-mail (HR),
    counted up to `count_limit` (pagination). Rows of what the list shows (id, name, role,
    is_active, team_id), not accounts: a list loads no password hashes or secrets."""
    parameters = {"organisation_id": viewer.organisation_id}
    if query:
        parameters["pattern"] = like.containing(query.strip().lower())
    return paginate(
        db,
        _PEOPLE_FOUND if query else _PEOPLE,
        page=page,
        per_page=per_page,
        count_limit=count_limit,
        scalars=False,
        parameters=parameters,
    )


# Built once, with parameters, of the table's columns: a list of rows needs no ORM entities,
# and building, keying and running an ORM select cost about twice what its SQL costs.
_PERSON = User.__table__.c
_PEOPLE = (
    select(_PERSON.id, _PERSON.name, _PERSON.role, _PERSON.is_active, _PERSON.team_id)
    .where(_PERSON.organisation_id == bindparam("organisation_id", type_=Integer))
    .order_by(_PERSON.name, _PERSON.id)
)
_PATTERN = bindparam("pattern", type_=String)
_PEOPLE_FOUND = _PEOPLE.where(
    or_(
        _PERSON.email.like(_PATTERN, escape=like.ESCAPE),
        _PERSON.name.ilike(_PATTERN, escape=like.ESCAPE),
    )
)


def teams_by_id(db: Session, *, organisation_id: int, ids: Iterable[int | None]) -> dict[int, Team]:
    """The organisation's teams among `ids` (a page's people), by id: never all of them, an
    organisation of 70,000 people has thousands of teams."""
    wanted = sorted({team_id for team_id in ids if team_id is not None})
    if not wanted:
        return {}
    teams = db.scalars(
        select(Team).where(Team.organisation_id == organisation_id, Team.id.in_(wanted))
    )
    return {team.id: team for team in teams}


def get_person(db: Session, *, viewer: User, person_id: int) -> User:
    """A person's record if the policy allows it; audited when it is someone else's."""
    person = db.get(User, person_id)
    if person is None or not access.may_view_person_record(
        viewer, person, led_team_ids=led_team_ids(db, user=viewer)
    ):
        raise PersonNotVisible(person_id)
    if person.id != viewer.id:
        audit.record_view(
            db, actor=viewer, action="view_person", subject_user_id=person.id, subject_type="user"
        )
    return person


def team_members(db: Session, *, supervisor: User) -> list[tuple[Team, list[User]]]:
    """The teams a supervisor leads, each with its members (two queries)."""
    teams = db.scalars(
        select(Team)
        .join(TeamLead, TeamLead.team_id == Team.id)
        .where(
            TeamLead.user_id == supervisor.id, Team.organisation_id == supervisor.organisation_id
        )
        .order_by(Team.name)
    ).all()
    members = db.scalars(
        select(User).where(User.team_id.in_([t.id for t in teams])).order_by(User.name)
    ).all()
    return [(team, [m for m in members if m.team_id == team.id]) for team in teams]
