"""Copying a shared session: workers only, one copy per participant, straight to its edit page."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portfolio import create_app
from portfolio.db import unit_of_work
from portfolio.models import Entry, EntryParticipant, EntryTag, Role, User
from portfolio.services.sessions import session_copies
from tests.conftest import app_config, is_postgres, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

NOW = datetime(2026, 10, 6, 9, tzinfo=UTC)


def _session(db, owner, *participants) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind="peer_review",
        title="Moreel beraad",
        occurred_on=date(2026, 10, 5),
        hours=Decimal("1.5"),
        form="moreel-beraad",
        learning_points="Eigen leerpunt van de eigenaar",
        catalogue_version="test",
    )
    db.add(entry)
    db.flush()
    db.add(EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO7"))
    db.add_all(EntryParticipant(entry_id=entry.id, user_id=p.id) for p in participants)
    db.commit()
    return entry


def _copies(db, user) -> list[Entry]:
    db.expire_all()
    return db.scalars(select(Entry).where(Entry.owner_id == user.id)).all()


def _copy(client, entry):
    page = f"/sessions/{entry.id}"
    return post_form(client, f"{page}/copy", {}, token_from=page)


def test_a_worker_copies_once_and_lands_on_the_copys_edit_page(app, client, db):
    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    owner, colleague = make_user(db, org), make_user(db, org)
    entry = _session(db, owner, colleague)
    login(client, colleague.email, PASSWORD)
    first = _copy(client, entry)
    (copy,) = _copies(db, colleague)
    assert first.status_code == 302
    assert first.headers["Location"] == f"/portfolio/entries/{copy.id}/edit"
    assert (copy.title, copy.status, copy.learning_points) == ("Moreel beraad", "draft", None)
    assert db.scalars(select(EntryTag.code).where(EntryTag.entry_id == copy.id)).all() == ["WMO7"]
    assert db.get(EntryParticipant, (entry.id, colleague.id)).confirmed_at == NOW

    second = _copy(client, entry)  # a double click, or the button pressed again later
    assert second.headers["Location"] == f"/portfolio/entries/{copy.id}/edit"
    assert [c.id for c in _copies(db, colleague)] == [copy.id]
    page = client.get(f"/sessions/{entry.id}").get_data(as_text=True)
    assert f"/portfolio/entries/{copy.id}" in page and f"/sessions/{entry.id}/copy" not in page


def test_a_signed_copy_is_opened_to_read_and_a_removed_one_can_be_made_again(app, client, db):
    clock = {"now": NOW}
    app.config["CLOCK"] = lambda: clock["now"]
    org = make_organisation(db)
    owner, colleague = make_user(db, org), make_user(db, org)
    entry = _session(db, owner, colleague)
    login(client, colleague.email, PASSWORD)
    _copy(client, entry)
    (copy,) = _copies(db, colleague)
    copy.status = "signed"
    db.commit()
    assert _copy(client, entry).headers["Location"] == f"/portfolio/entries/{copy.id}"
    db.delete(copy)
    db.commit()
    clock["now"] = NOW + timedelta(days=1)
    login(client, colleague.email, PASSWORD)  # a day later
    again = _copy(client, entry)
    (new,) = _copies(db, colleague)
    assert new.created_at == clock["now"]  # made again, not the removed one found
    assert again.headers["Location"] == f"/portfolio/entries/{new.id}/edit"


def test_only_workers_copy_a_session(app, client, db):
    org = make_organisation(db)
    owner = make_user(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR)
    entry = _session(db, owner, lead)
    login(client, lead.email, PASSWORD)
    page = client.get(f"/sessions/{entry.id}")
    assert page.status_code == 200  # a supervisor who took part still confirms attendance
    assert f"/sessions/{entry.id}/copy" not in page.get_data(as_text=True)
    assert _copy(client, entry).status_code == 403
    assert _copies(db, lead) == []


@pytest.mark.skipif(not is_postgres(), reason="two real connections copying at once: PostgreSQL")
def test_two_copies_at_the_same_moment_make_one(database_url, db):
    org = make_organisation(db)
    owner, colleague = make_user(db, org), make_user(db, org)
    entry = _session(db, owner, colleague)
    application = create_app(app_config(database_url))
    barrier = threading.Barrier(2)
    made = []

    def copy():
        with application.test_request_context(), unit_of_work() as session:  # one request
            user = session.get(User, colleague.id)
            barrier.wait()
            made.append(session_copies.copy_once(session, user=user, entry_id=entry.id, now=NOW))

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    application.extensions["db_engine"].dispose()
    assert sorted(is_new for _copy, is_new in made) == [False, True]
    assert len({copy.id for copy, _is_new in made}) == 1
    count = select(func.count()).select_from(Entry).where(Entry.owner_id == colleague.id)
    assert db.scalar(count) == 1
