"""Sign-off (Beroepscode art. 24): the queue, signing, returning, and concurrent decisions."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.db import unit_of_work
from portfolio.models import (
    AuditEvent,
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryTag,
    EvidenceFile,
    Notification,
    Organisation,
    Role,
    TeamLead,
    User,
)
from portfolio.services.entries import signoff
from tests.conftest import app_config, csrf_token, flashes, is_postgres, login, post_form
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
    """A peer review session submitted `days_ago`, with its "submitted" event."""
    at = NOW - timedelta(days=days_ago)
    entry = Entry(
        **{
            "organisation_id": owner.organisation_id,
            "owner_id": owner.id,
            "kind": "peer_review",
            "title": title,
            "occurred_on": date(2026, 11, 1),
            "hours": Decimal("1.5"),
            "form": "intervisie",
            "status": "submitted",
            "catalogue_version": "test",
            "learning_points": "Ik stel eerst vragen.",
            "created_at": at,
            "updated_at": at,
            **fields,
        }
    )
    db.add(entry)
    db.flush()
    db.add(
        EntryEvent(
            entry_id=entry.id,
            actor_id=owner.id,
            action="submitted",
            entry_version=entry.version,
            at=at,
        )
    )
    db.commit()
    return entry


def decision_event(db, entry) -> EntryEvent:
    """The one decision on an entry (after its "submitted" event)."""
    (event,) = db.scalars(
        select(EntryEvent).where(EntryEvent.entry_id == entry.id, EntryEvent.action != "submitted")
    )
    return event


def queue_titles(client) -> list[str]:
    """The entry titles in the sign-off queue, top to bottom."""
    html = client.get("/team/sign-off").get_data(as_text=True)
    return re.findall(r'<a href="/team/sign-off/\d+">([^<]+)</a>', html)


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


def test_the_queue_counts_from_the_latest_submission_not_from_other_touches(client, db, team_world):
    _org, worker, lead = team_world
    shared_later = submitted(db, worker, "Gedeeld na indienen", days_ago=9)
    shared_later.is_shared, shared_later.updated_at = True, NOW  # sharing touches updated_at
    db.commit()
    submitted(db, worker, "Drie dagen", days_ago=3)
    again = submitted(db, worker, "Opnieuw ingediend", days_ago=20)
    for action, days_ago in (("returned", 15), ("submitted", 1)):
        db.add(
            EntryEvent(
                entry_id=again.id,
                actor_id=lead.id,
                action=action,
                entry_version=1,
                at=NOW - timedelta(days=days_ago),
            )
        )
    db.commit()
    login(client, lead.email, PASSWORD)
    assert queue_titles(client) == ["Gedeeld na indienen", "Drie dagen", "Opnieuw ingediend"]
    with client.application.test_request_context():
        ages = {
            item.entry.title: item.waiting_days
            for item in signoff.queue(db, supervisor=lead, now=NOW)
        }
    assert ages == {"Gedeeld na indienen": 9, "Drie dagen": 3, "Opnieuw ingediend": 1}


def test_a_supervisor_in_their_own_team_does_not_see_their_entry_in_the_queue(
    client, db, team_world
):
    org, _worker, _lead = team_world
    team = make_team(db, org)
    playing_lead = make_user(db, org, role=Role.SUPERVISOR, team=team, leads=team)
    colleague = make_user(db, org, team=team)
    submitted(db, playing_lead, "Mijn eigen sessie", days_ago=5)
    submitted(db, colleague, "Van een collega", days_ago=2)
    login(client, playing_lead.email, PASSWORD)
    assert queue_titles(client) == ["Van een collega"]


def test_the_review_page_shows_everything_that_is_signed_with_labels(client, db, team_world):
    org, worker, lead = team_world
    lead.locale = "en"
    db.commit()
    colleague = make_user(db, org, name="Cas Collega")
    absent = make_user(db, org, name="Ans Afwezig")
    entry = submitted(db, worker, "Intervisie met bewijs", facilitator="J. Visser")
    db.add_all(
        [
            EntryTag(entry_id=entry.id, vocabulary="competency", code="WMO3"),
            EntryTag(entry_id=entry.id, vocabulary="article", code="24"),
            EntryParticipant(entry_id=entry.id, user_id=colleague.id, confirmed_at=NOW),
            EntryParticipant(entry_id=entry.id, user_id=absent.id),
            EvidenceFile(
                organisation_id=org.id,
                owner_id=worker.id,
                entry_id=entry.id,
                filename="presentielijst.pdf",
                content_type="application/pdf",
                size=2048,
                sha256="x",
                data=b"%PDF-1.4\n",
            ),
        ]
    )
    starr = {"template": "starr", "phases": {"situation": "Een lastig huisbezoek."}}
    reflection = submitted(db, worker, "Reflectie", kind="reflection", form=None, sections=starr)
    db.commit()
    login(client, lead.email, PASSWORD)
    html = client.get(f"/team/sign-off/{entry.id}").get_data(as_text=True)
    for shown in (
        "Ik stel eerst vragen.",
        "J. Visser",
        "presentielijst.pdf",
        "Is zichtbaar en gaat op mensen af",
        "Collegiale toetsing",
        "Cas Collega — confirmed",
        "Ans Afwezig — not confirmed yet",
    ):
        assert shown in html, shown
    assert "Status</dt><dd>submitted for sign-off" in html
    assert ": Submitted for sign-off" in html  # the history's step, as a label
    assert ": submitted<" not in html and "<dd>submitted</dd>" not in html
    html = client.get(f"/team/sign-off/{reflection.id}").get_data(as_text=True)
    assert "Een lastig huisbezoek." in html and "Situation" in html


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
    event = decision_event(db, entry)
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


def test_the_hash_covers_the_colleagues_and_the_files(db, team_world):
    org, worker, _lead = team_world
    entry = submitted(db, worker)
    colleague = make_user(db, org)
    before = signoff.content_hash(db, entry)
    db.add(EntryParticipant(entry_id=entry.id, user_id=colleague.id))
    db.commit()
    with_colleague = signoff.content_hash(db, entry)
    assert with_colleague != before
    db.add(
        EvidenceFile(
            organisation_id=org.id,
            owner_id=worker.id,
            entry_id=entry.id,
            filename="lijst.pdf",
            content_type="application/pdf",
            size=9,
            sha256="c" * 64,
            data=b"%PDF-1.4\n",
        )
    )
    db.commit()
    assert signoff.content_hash(db, entry) not in (before, with_colleague)


def test_the_worker_sees_whether_the_entry_is_still_what_was_signed(client, db, team_world):
    _org, worker, lead = team_world
    entry = submitted(db, worker)
    entry.status, entry.signed_by_id, entry.signed_at = "signed", lead.id, NOW
    entry.signed_hash = signoff.content_hash(db, entry)
    worker.locale = "en"
    db.commit()
    login(client, worker.email, PASSWORD)
    check = re.compile(r'<dd id="signature-check">(.*?)</dd>', re.S)
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert "exactly what was signed" in check.search(page).group(1)
    # A signature from before colleagues and files were hashed still checks out.
    db.expire_all()  # that form hashes the hours as stored (1.50)
    entry = db.get(Entry, entry.id)
    entry.signed_hash = signoff._digest(signoff._signed_content(db, entry))
    db.commit()
    assert signoff.signature_intact(db, entry) is True
    # Changed behind the application's back (the database itself).
    entry.learning_points = "Achteraf veranderd."
    db.commit()
    page = client.get(f"/portfolio/entries/{entry.id}").get_data(as_text=True)
    assert "Changed since it was signed" in check.search(page).group(1)


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
    assert decision_event(db, entry).comment == "Beschrijf de methode."


def _second_lead(db, worker, name="Sam Tweede"):
    team = db.get(User, worker.id).team_id
    second = make_user(
        db,
        db.get(Organisation, worker.organisation_id),
        role=Role.SUPERVISOR,
        name=name,
        locale="en",
    )
    db.add(TeamLead(team_id=team, user_id=second.id))
    db.commit()
    return second


def _decide_in_other_browser(client, lead, entry, decision, comment=""):
    other = client.application.test_client()
    login(other, lead.email, PASSWORD)
    response = post_form(
        other,
        f"/team/sign-off/{entry.id}",
        {"version": entry.version, "decision": decision, "comment": comment},
    )
    assert response.status_code == 302


def test_a_decision_after_another_signed_shows_the_page_again_with_the_comment(
    client, db, team_world
):
    _org, worker, lead = team_world
    lead.locale = "en"
    db.commit()
    entry = submitted(db, worker, "Al afgetekend")
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    token = csrf_token(client, page)  # the page is open, with the version it shows
    _decide_in_other_browser(client, _second_lead(db, worker), entry, "sign")
    response = client.post(
        page,
        data={
            "csrf_token": token,
            "version": entry.version,
            "decision": "return",
            "comment": "Beschrijf de methode.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert ("error", "Sam Tweede signed off this entry first. Nothing was changed.") in flashes(
        response
    )
    assert "Beschrijf de methode." in html and "Al afgetekend" in html
    assert 'value="return"' not in html  # no decision form on a signed entry
    db.expire_all()
    assert db.get(Entry, entry.id).status == "signed"
    events = db.scalars(select(EntryEvent.action).where(EntryEvent.entry_id == entry.id)).all()
    assert events == ["submitted", "signed"]


def test_a_double_click_on_sign_off_signs_once_and_says_so(client, db, team_world):
    _org, worker, lead = team_world
    lead.locale = "en"
    db.commit()
    entry = submitted(db, worker)
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    data = {"csrf_token": csrf_token(client, page), "version": entry.version, "decision": "sign"}
    assert client.post(page, data=data).status_code == 302
    again = client.post(page, data=data)
    assert again.status_code == 409
    assert ("error", "You already signed off this entry.") in flashes(again)
    decision_event(db, entry)  # exactly one
    assert len(db.scalars(select(Notification).where(Notification.user_id == worker.id)).all()) == 1


def test_a_decision_after_another_returned_keeps_the_comment_but_hides_the_entry(
    client, db, team_world
):
    _org, worker, lead = team_world
    lead.locale = "en"
    db.commit()
    entry = submitted(db, worker, "Al teruggestuurd", body="werk in uitvoering")
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    token = csrf_token(client, page)
    _decide_in_other_browser(client, _second_lead(db, worker), entry, "return", "Graag aanvullen")
    response = client.post(
        page,
        data={
            "csrf_token": token,
            "version": entry.version,
            "decision": "sign",
            "comment": "Mooi verslag.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        "error",
        "Sam Tweede returned this entry to the worker first. Nothing was changed.",
    ) in flashes(response)
    assert "Mooi verslag." in html
    assert "Al teruggestuurd" not in html and "werk in uitvoering" not in html
    db.expire_all()
    assert db.get(Entry, entry.id).status == "returned"


def test_a_decision_on_a_changed_entry_is_refused_and_can_be_made_on_the_new_version(
    client, db, team_world
):
    _org, worker, lead = team_world
    lead.locale = "en"
    db.commit()
    entry = submitted(db, worker, "Gewijzigd")
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    token = csrf_token(client, page)
    entry.version, entry.learning_points = entry.version + 1, "Nieuw leerpunt."
    db.commit()
    response = client.post(
        page,
        data={
            "csrf_token": token,
            "version": entry.version - 1,
            "decision": "sign",
            "comment": "Akkoord.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert any("changed while you were reading it" in text for _c, text in flashes(response))
    assert "Nieuw leerpunt." in html and "Akkoord." in html
    assert re.search(rf'name="version"[^>]*value="{entry.version}"', html)
    db.expire_all()
    assert db.get(Entry, entry.id).status == "submitted"
    response = client.post(
        page, data={"csrf_token": token, "version": entry.version, "decision": "sign"}
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Entry, entry.id).status == "signed"


def test_a_returned_entry_is_hidden_from_the_supervisor_unless_shared(client, db, team_world):
    _org, worker, lead = team_world
    entry = submitted(db, worker, "Terug naar de werker")
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    post_form(
        client,
        page,
        {"version": entry.version, "decision": "return", "comment": "Graag aanvullen."},
    )
    member_page = f"/team/members/{worker.id}/entries/{entry.id}"
    assert client.get(page).status_code == 404
    assert client.get(member_page).status_code == 404
    assert "Terug naar de werker" not in client.get(f"/team/members/{worker.id}").get_data(
        as_text=True
    )
    db.expire_all()
    returned = db.get(Entry, entry.id)
    returned.is_shared = True
    db.commit()
    assert client.get(member_page).status_code == 200


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
        with application.test_request_context(), unit_of_work() as session:  # one request
            lead = session.get(User, lead_id)
            barrier.wait()
            try:
                signoff.decide(
                    session,
                    supervisor=lead,
                    entry_id=entry.id,
                    version=entry.version,
                    approve=approve,
                    comment="nee" if not approve else None,
                    now=NOW,
                    base_url="http://x",
                )
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
    decision_event(db, entry)  # exactly one
    assert len(db.scalars(select(Notification).where(Notification.user_id == worker.id)).all()) == 1
