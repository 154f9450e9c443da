"""A peer review session is shared: participants confirm and copy, never read private text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from portfolio.models import Entry, EntryParticipant, EntryTag, Notification
from portfolio.services.sessions import participation
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user


def _session_with(db, owner, *participants, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind="peer_review",
        title="Moreel beraad",
        occurred_on=date(2026, 10, 5),
        hours=Decimal("1.5"),
        form="moreel-beraad",
        facilitator="J. Visser",
        facilitator_registration="LVSC 123",
        case_description="Geheime casus van de eigenaar",
        learning_points="Eigen leerpunt van de eigenaar",
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.flush()
    db.add(EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO7"))
    participation.invite(
        db,
        entry=entry,
        user_ids=[p.id for p in participants],
        owner=owner,
        base_url="http://x",
        now=datetime.now(UTC),
    )
    db.commit()
    return entry


def test_invited_colleagues_are_notified_and_outsiders_ignored(app, db):
    with app.test_request_context():
        org = make_organisation(db)
        owner, colleague = make_user(db, org), make_user(db, org)
        stranger = make_user(db, make_organisation(db))
        entry = _session_with(db, owner, colleague, stranger, owner)
    invited = set(
        db.scalars(select(EntryParticipant.user_id).where(EntryParticipant.entry_id == entry.id))
    )
    assert invited == {colleague.id}
    note = db.scalars(select(Notification)).one()
    assert (note.user_id, note.kind, note.link) == (
        colleague.id,
        "attendance",
        f"/sessions/{entry.id}",
    )


def test_a_participant_confirms_and_copies_without_seeing_private_text(app, client, db):
    with app.test_request_context():
        org = make_organisation(db)
        owner, colleague = make_user(db, org), make_user(db, org)
        entry = _session_with(db, owner, colleague)
    login(client, colleague.email, PASSWORD)
    page = client.get(f"/sessions/{entry.id}").get_data(as_text=True)
    assert "LVSC 123" in page
    assert "Geheime casus" not in page and "Eigen leerpunt" not in page
    post_form(client, f"/sessions/{entry.id}/confirm", {}, token_from=f"/sessions/{entry.id}")
    db.expire_all()
    assert db.get(EntryParticipant, (entry.id, colleague.id)).confirmed_at is not None
    post_form(client, f"/sessions/{entry.id}/copy", {}, token_from=f"/sessions/{entry.id}")
    copy = db.scalars(select(Entry).where(Entry.owner_id == colleague.id)).one()
    assert (copy.title, copy.form, copy.hours, copy.status) == (
        "Moreel beraad",
        "moreel-beraad",
        Decimal("1.5"),
        "draft",
    )
    assert copy.case_description is None and copy.learning_points is None
    assert db.scalars(select(EntryTag.code).where(EntryTag.entry_id == copy.id)).all() == ["WMO7"]


def test_someone_who_was_not_there_gets_404(app, client, db):
    with app.test_request_context():
        org = make_organisation(db)
        owner, colleague, outsider = make_user(db, org), make_user(db, org), make_user(db, org)
        entry = _session_with(db, owner, colleague)
    login(client, outsider.email, PASSWORD)
    assert client.get(f"/sessions/{entry.id}").status_code == 404
    token_page = "/notifications"
    assert (
        post_form(client, f"/sessions/{entry.id}/confirm", {}, token_from=token_page).status_code
        == 404
    )


def test_unticking_a_colleague_removes_them_unless_they_confirmed(app, client, db):
    with app.test_request_context():
        org = make_organisation(db)
        team = make_team(db, org)
        owner = make_user(db, org, team=team, locale="en")
        absent = make_user(db, org, team=team, name="Ans Afwezig")
        present = make_user(db, org, team=team, name="Cas Collega")
        elsewhere = make_user(db, org, name="Eva Elders")  # another team, invited by e-mail
        entry = _session_with(db, owner, absent, present, elsewhere)
    db.get(EntryParticipant, (entry.id, present.id)).confirmed_at = datetime(
        2026, 10, 6, tzinfo=UTC
    )
    db.commit()
    login(client, owner.email, PASSWORD)
    path = f"/portfolio/entries/{entry.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert "Ans Afwezig" in form and "Cas Collega (confirmed)" in form and "Eva Elders" in form
    assert "A colleague who already confirmed that they took part stays." in form
    ticked = set(re.findall(r'<input checked[^>]*name="participant_ids"[^>]*value="(\d+)"', form))
    assert ticked == {str(absent.id), str(present.id), str(elsewhere.id)}
    data = {
        "title": "Moreel beraad",
        "occurred_on": "2026-10-05",
        "hours": "1.5",
        "form": "moreel-beraad",
        "participant_ids": [str(elsewhere.id)],
    }
    assert post_form(client, path, data).status_code == 302
    db.expire_all()
    remaining = set(
        db.scalars(select(EntryParticipant.user_id).where(EntryParticipant.entry_id == entry.id))
    )
    assert remaining == {present.id, elsewhere.id}
