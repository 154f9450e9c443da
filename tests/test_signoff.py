"""Sign-off (Beroepscode art. 24): the queue, signing, returning, and concurrent decisions."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.db import standalone_session
from portfolio.models import AuditEvent, Entry, EntryEvent, Notification, Role, User
from portfolio.services import signoff
from tests.conftest import app_config, flashes, is_postgres, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def team_world(app, db):
    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    return org, worker, lead


def submitted(db, owner, title="Intervisie", days_ago=1, **fields) -> Entry:
    entry = Entry(organisation_id=owner.organisation_id, owner_id=owner.id, kind="peer_review",
                  title=title, occurred_on=date(2026, 11, 1), hours=Decimal("1.5"),
                  form="intervisie", status="submitted", catalogue_version="test",
                  learning_points="Ik stel eerst vragen.",
                  updated_at=NOW - timedelta(days=days_ago), **fields)  # fmt: skip
    db.add(entry)
    db.commit()
    return entry


def test_the_queue_shows_the_team_oldest_first_with_age(client, db, team_world):
    org, worker, lead = team_world
    submitted(db, worker, "Nieuw", days_ago=1)
    submitted(db, worker, "Oud", days_ago=9)
    submitted(db, make_user(db, org, team=make_team(db, org)), "Ander team", days_ago=20)
    login(client, lead.email, PASSWORD)
    html = client.get("/team/sign-off").get_data(as_text=True)
    assert html.index("Oud") < html.index("Nieuw")
    assert "Ander team" not in html
    assert "9" in html


def test_signing_locks_the_entry_with_signature_and_notifies_the_worker(client, db, team_world):
    _org, worker, lead = team_world
    entry = submitted(db, worker)
    version_seen = entry.version
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    response = post_form(client, page, {"version": version_seen, "decision": "sign"})
    assert response.status_code == 302
    db.expire_all()
    signed = db.get(Entry, entry.id)
    assert signed.status == "signed" and signed.is_locked
    assert signed.signed_by_id == lead.id and signed.signed_at == NOW
    assert signed.signed_hash == signoff.content_hash(db, signed)
    assert signed.version == version_seen + 1
    (event,) = db.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id))
    assert (event.action, event.actor_id) == ("signed", lead.id)
    note = db.scalars(select(Notification).where(Notification.user_id == worker.id)).one()
    assert note.kind == "signed" and entry.title in note.title
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == lead.id)))
    assert {"view_entry", "entry_signed"} <= actions


def test_the_hash_changes_when_the_content_changes(db, team_world):
    _org, worker, _lead = team_world
    entry = submitted(db, worker)
    before = signoff.content_hash(db, entry)
    entry.learning_points = "Iets anders geleerd."
    assert signoff.content_hash(db, entry) != before


def test_returning_needs_a_comment_and_keeps_it_in_the_history(client, db, team_world):
    _org, worker, lead = team_world
    entry = submitted(db, worker)
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    response = post_form(client, page, {"version": entry.version, "decision": "return"})
    assert response.status_code == 200
    db.expire_all()
    assert db.get(Entry, entry.id).status == "submitted"
    response = post_form(
        client,
        page,
        {"version": entry.version, "decision": "return", "comment": "Beschrijf de methode."},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Entry, entry.id).status == "returned"
    (event,) = db.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id))
    assert event.comment == "Beschrijf de methode."


def test_a_stale_decision_is_refused_with_a_clear_message(client, db, team_world):
    _org, worker, lead = team_world
    entry = submitted(db, worker)
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    post_form(client, page, {"version": entry.version, "decision": "sign"})
    again = post_form(client, page, {"version": entry.version, "decision": "return",
                                     "comment": "te laat"}, follow_redirects=True)  # fmt: skip
    assert any(category == "error" for category, _text in flashes(again))
    db.expire_all()
    assert db.get(Entry, entry.id).status == "signed"


def test_nobody_signs_their_own_entry_and_other_teams_see_nothing(client, db, team_world):
    org, worker, lead = team_world
    own = submitted(db, lead, "Eigen sessie")
    other_lead = make_user(db, org, role=Role.SUPERVISOR, leads=make_team(db, org))
    entry = submitted(db, worker)
    login(client, lead.email, PASSWORD)
    assert client.get(f"/team/sign-off/{own.id}").status_code == 404
    other = client.application.test_client()
    login(other, other_lead.email, PASSWORD)
    assert other.get(f"/team/sign-off/{entry.id}").status_code == 404


@pytest.mark.skipif(not is_postgres(), reason="two real connections deciding at once: PostgreSQL")
def test_two_supervisors_deciding_at_once_one_wins(database_url, db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    leads = [make_user(db, org, role=Role.SUPERVISOR, leads=team) for _ in range(2)]
    entry = submitted(db, worker)
    application = create_app(app_config(database_url, CLOCK=lambda: NOW))
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(lead_id: int, approve: bool):
        with application.test_request_context(), standalone_session() as session:
            lead = session.get(User, lead_id)
            barrier.wait()
            try:
                signoff.decide(session, supervisor=lead, entry_id=entry.id, version=entry.version,
                               approve=approve, comment="nee" if not approve else None, now=NOW,
                               base_url="http://x")  # fmt: skip
                outcomes.append("won")
            except signoff.AlreadyDecided:
                outcomes.append("lost")

    threads = [
        threading.Thread(target=decide, args=(lead.id, i == 0)) for i, lead in enumerate(leads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    application.extensions["db_engine"].dispose()
    assert sorted(outcomes) == ["lost", "won"]
    db.expire_all()
    assert len(db.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)).all()) == 1
    assert len(db.scalars(select(Notification).where(Notification.user_id == worker.id)).all()) == 1
