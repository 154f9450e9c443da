"""Issue 14 point 9: every free text the product stores goes through the privacy scan.

Feedback requests and answers (also by an outside person's link), the worker's and the
supervisor's evaluation texts and a sign-off comment: a finding stops the first save with the
inline warning and the text as typed; "save anyway" saves it and audits the override (the
field names, never the text).
"""

from __future__ import annotations

from sqlalchemy import select

from portfolio.models import AuditEvent, EntryEvent, FeedbackRequest, Role, YearlyEvaluation
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_evaluations import YEAR, agreement_rows, client_for, current, submit
from tests.test_feedback import NOW, _colleague_request
from tests.test_signoff import submitted

PHONE = "Bel mevrouw gerust op 06-12345678 als het weer misgaat."
BSN = "Haar BSN is 111222333, dat staat in het dossier."


def overrides(db) -> list[AuditEvent]:
    db.commit()
    return db.scalars(select(AuditEvent).where(AuditEvent.action == "privacy_override")).all()


def warned(response, text: str, field: str) -> str:
    """The page shown again: warning, link to the field, the text kept, the confirmation box."""
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 409), response.status_code
    assert "Deze tekst kan een cliënt herkenbaar maken" in html or (
        "This text may identify a client" in html
    )
    assert f'href="#{field}"' in html
    assert text.split(" op ")[0] in html or text in html  # what was typed is still there
    assert 'id="privacy_confirmed"' in html
    return html


def test_a_feedback_request_with_a_phone_number_waits_for_save_anyway(client, db):
    org = make_organisation(db)
    asker, colleague = make_user(db, org, locale="en"), make_user(db, org)
    login(client, asker.email, PASSWORD)
    form = {
        "who": "colleague",
        "colleague": colleague.id,
        "competency_codes": ["WMO1"],
        "message": PHONE,
    }

    html = warned(post_form(client, "/feedback/new", form), PHONE, "message")
    assert "06-12345678" in html
    assert db.scalars(select(FeedbackRequest)).all() == [] and overrides(db) == []

    response = post_form(client, "/feedback/new", {**form, "privacy_confirmed": "y"})
    assert response.status_code == 302
    request = db.scalars(select(FeedbackRequest)).one()
    assert request.message == PHONE
    [event] = overrides(db)
    assert (event.actor_id, event.subject_type, event.subject_id, event.subject_user_id) == (
        asker.id,
        "feedback_request",
        request.id,
        asker.id,
    )
    assert event.detail == "fields: message" and "06" not in event.detail


def test_a_clean_feedback_request_asks_nothing(client, db):
    org = make_organisation(db)
    asker, colleague = make_user(db, org), make_user(db, org)
    login(client, asker.email, PASSWORD)
    form = {
        "who": "colleague",
        "colleague": colleague.id,
        "competency_codes": ["WMO1"],
        "message": "Hoe zie jij mijn gespreksvoering in het teamoverleg?",
    }
    assert post_form(client, "/feedback/new", form).status_code == 302
    assert overrides(db) == []


def test_a_feedback_answer_with_a_bsn_waits_for_save_anyway(app, client, db):
    app.config["CLOCK"] = lambda: NOW
    asker, colleague, request = _colleague_request(db)
    login(client, colleague.email, PASSWORD)
    path = f"/feedback/{request.id}/answer"

    warned(post_form(client, path, {"answer": BSN}), BSN, "answer")
    db.expire_all()
    assert db.get(FeedbackRequest, request.id).answer is None and overrides(db) == []

    assert post_form(client, path, {"answer": BSN, "privacy_confirmed": "y"}).status_code == 200
    db.expire_all()
    assert db.get(FeedbackRequest, request.id).answer == BSN
    [event] = overrides(db)
    assert (event.actor_id, event.subject_type, event.subject_id, event.subject_user_id) == (
        colleague.id,
        "feedback_answer",
        request.id,
        asker.id,
    )
    assert event.detail == "fields: answer"


def test_an_outside_answer_by_link_is_audited_without_an_actor(app, db):
    import secrets

    from portfolio.services.development.feedback import _hash

    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    asker = make_user(db, org)
    token = secrets.token_urlsafe(16)
    from datetime import timedelta

    request = FeedbackRequest(
        organisation_id=org.id,
        requester_id=asker.id,
        respondent_name="Pieter",
        respondent_email="pieter@partner.example",
        competency_codes=["WMO5"],
        created_at=NOW,
        token_hash=_hash(token),
        expires_at=NOW + timedelta(days=30),
    )
    db.add(request)
    db.commit()
    outsider = app.test_client()
    path = f"/feedback/answer/{token}"

    warned(post_form(outsider, path, {"answer": PHONE}), PHONE, "answer")
    assert post_form(outsider, path, {"answer": PHONE, "privacy_confirmed": "y"}).status_code == 200
    [event] = overrides(db)
    assert (event.actor_id, event.organisation_id, event.subject_user_id) == (
        None,
        org.id,
        asker.id,
    )


def _people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wim Werker", locale="en")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Lea Lead", locale="en")
    return worker, lead


def test_the_workers_evaluation_text_waits_for_save_anyway(app, db, clock):
    worker, _lead = _people(db)
    me = client_for(app, worker)
    page = f"/portfolio/evaluation/{YEAR}"
    data = {"year_in_short": "Druk jaar", "went_well": PHONE, "to_develop": "Groepswerk"}

    warned(submit(me, page, data), PHONE, "went_well")
    assert db.scalars(select(YearlyEvaluation)).all() == [] and overrides(db) == []

    assert submit(me, page, {**data, "privacy_confirmed": "y"}).status_code == 302
    evaluation = current(db, worker)
    assert evaluation.self_evaluation["went_well"] == PHONE
    [event] = overrides(db)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        worker.id,
        "yearly_evaluation",
        evaluation.id,
    )
    assert event.detail == "fields: went_well"


def test_the_supervisors_evaluation_and_agreements_wait_for_save_anyway(app, db, clock):
    worker, lead = _people(db)
    boss = client_for(app, lead)
    detail = f"/team/evaluations/{worker.id}/{YEAR}"
    data = {"evaluation": "Goed jaar.", **agreement_rows(("WMO3", BSN))}

    html = warned(submit(boss, detail, data), BSN, "agreements-0-text")
    assert "111222333" in html
    assert overrides(db) == []

    assert submit(boss, detail, {**data, "privacy_confirmed": "y"}).status_code == 302
    evaluation = current(db, worker)
    assert BSN in evaluation.agreements
    [event] = overrides(db)
    assert (event.actor_id, event.subject_type, event.subject_user_id) == (
        lead.id,
        "yearly_evaluation",
        worker.id,
    )
    assert event.detail == "fields: agreements-0-text"


def test_a_sign_off_comment_waits_for_save_anyway(app, client, db):
    app.config["CLOCK"] = lambda: NOW
    worker, lead = _people(db)
    entry = submitted(db, worker)
    login(client, lead.email, PASSWORD)
    page = f"/team/sign-off/{entry.id}"
    form = {"version": entry.version, "decision": "return", "comment": PHONE}

    warned(post_form(client, page, form), PHONE, "comment")
    db.expire_all()
    assert db.get(type(entry), entry.id).status == "submitted" and overrides(db) == []

    assert post_form(client, page, {**form, "privacy_confirmed": "y"}).status_code == 302
    db.expire_all()
    assert db.get(type(entry), entry.id).status == "returned"
    comment = db.scalars(select(EntryEvent.comment).where(EntryEvent.action == "returned")).one()
    assert comment == PHONE
    [event] = overrides(db)
    assert (event.actor_id, event.subject_type, event.subject_id, event.subject_user_id) == (
        lead.id,
        "entry_signoff_comment",
        entry.id,
        worker.id,
    )
    assert event.detail == "fields: comment"
