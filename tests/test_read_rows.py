"""`db.read_rows`: a select of columns run on the session's connection, past the ORM's
execution, reading what the session would read."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portfolio.db import read_rows
from portfolio.models import Team
from tests.factories import make_organisation, make_team


def _names(organisation_id: int):
    return select(Team.id, Team.name).where(Team.organisation_id == organisation_id)


def test_the_rows_are_the_ones_the_session_reads(db):
    organisation = make_organisation(db)
    make_team(db, organisation, name="Noord")
    make_team(db, organisation, name="Zuid")
    expected = db.execute(_names(organisation.id).order_by(Team.name)).all()
    found = read_rows(db, _names(organisation.id).order_by(Team.name))
    assert [tuple(row) for row in found] == [tuple(row) for row in expected]
    assert [row.name for row in found] == ["Noord", "Zuid"]


def test_what_the_session_holds_unflushed_is_read_too(db):
    organisation = make_organisation(db)
    db.add(Team(organisation_id=organisation.id, name="Nog niet geschreven"))
    assert [row.name for row in read_rows(db, _names(organisation.id))] == ["Nog niet geschreven"]


def test_it_goes_past_the_orm_execution(db):
    organisation = make_organisation(db)
    make_team(db, organisation, name="Oost")
    through_the_orm = []

    def seen(state) -> None:
        through_the_orm.append(state.statement)

    event.listen(Session, "do_orm_execute", seen)
    try:
        db.execute(_names(organisation.id)).all()
        assert len(through_the_orm) == 1  # the listener sees the session's own execution
        read_rows(db, _names(organisation.id))
    finally:
        event.remove(Session, "do_orm_execute", seen)
    assert len(through_the_orm) == 1
