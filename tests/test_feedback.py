"""Feedback requests: colleagues answer in the app, outsiders through a single-use link."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.db import standalone_session, unit_of_work
from portfolio.models import FeedbackRequest, Notification, OutboxMessage, User
from portfolio.scheduler import run_outbox_delivery
from portfolio.services.development import feedback
from tests.conftest import app_config, csrf_token, is_postgres, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
def mail_app(database_url, smtp_server):
    clock = {"now": NOW}
    application = create_app(
        app_config(database_url, CLOCK=lambda: clock["now"], **smtp_server.settings())
    )
    application.clock = clock
    yield application
    application.extensions["db_engine"].dispose()


def test_a_colleague_answers_in_the_app_and_only_the_asker_reads_it(mail_app, db):
    org = make_organisation(db)
    asker, colleague = make_user(db, org), make_user(db, org)
    client = mail_app.test_client()
    login(client, asker.email, PASSWORD)
    response = post_form(
        client,
        "/feedback/new",
        {
            "who": "colleague",
            "colleague": colleague.id,
            "competency_codes": ["WMO1", "WMO3"],
            "message": "Hoe zie jij mijn gespreksvoering?",
        },
    )
    assert response.status_code == 302
    request = db.scalars(select(FeedbackRequest)).one()
    note = db.scalars(select(Notification).where(Notification.user_id == colleague.id)).one()
    assert note.kind == "feedback_requested" and note.link == f"/feedback/{request.id}/answer"

    other = mail_app.test_client()
    login(other, colleague.email, PASSWORD)
    page = other.get(f"/feedback/{request.id}/answer").get_data(as_text=True)
    assert "Hoe zie jij mijn gespreksvoering?" in page
    answer = "Je vraagt goed door en vat helder samen."
    assert post_form(other, f"/feedback/{request.id}/answer", {"answer": answer}).status_code == 200
    again = other.get(f"/feedback/{request.id}/answer")
    assert again.status_code == 200 and 'name="answer"' not in again.get_data(as_text=True)

    assert answer in client.get("/feedback/").get_data(as_text=True)
    assert answer not in other.get("/feedback/").get_data(as_text=True)
    kinds = set(db.scalars(select(Notification.kind).where(Notification.user_id == asker.id)))
    assert kinds == {"feedback_received"}


def _ask_outside(mail_app, smtp_server, db):
    asker = make_user(db, make_organisation(db), name="Sanne de Vries")
    client = mail_app.test_client()
    login(client, asker.email, PASSWORD)
    post_form(
        client,
        "/feedback/new",
        {
            "who": "outside",
            "name": "Pieter Ketenpartner",
            "email": "pieter@partner.example",
            "competency_codes": ["WMO5"],
        },
    )
    run_outbox_delivery(mail_app, NOW)
    body = smtp_server.messages[-1].get_body(("plain",)).get_content()
    link = re.search(r"http\S+/feedback/answer/\S+", body).group(0)
    return client, link.split("127.0.0.1:5000", 1)[-1]


def test_an_outside_person_answers_once_through_the_mailed_link(mail_app, smtp_server, db):
    client, path = _ask_outside(mail_app, smtp_server, db)
    assert smtp_server.messages[0]["To"] == "pieter@partner.example"
    outsider = mail_app.test_client()
    assert "Sanne de Vries" in outsider.get(path).get_data(as_text=True)
    response = post_form(outsider, path, {"answer": "Goede samenwerking in de wijk."})
    assert response.status_code == 200
    reused = outsider.get(path)  # single use: the link now only says it is answered
    assert reused.status_code == 200 and 'name="answer"' not in reused.get_data(as_text=True)
    assert "Goede samenwerking" in client.get("/feedback/").get_data(as_text=True)


def test_an_expired_link_is_refused_and_a_reminder_sends_a_new_one(mail_app, smtp_server, db):
    client, old_path = _ask_outside(mail_app, smtp_server, db)
    mail_app.clock["now"] = NOW + timedelta(days=31)
    assert mail_app.test_client().get(old_path).status_code == 404
    request = db.scalars(select(FeedbackRequest)).one()
    login(client, db.get(User, request.requester_id).email, PASSWORD)  # a month later
    assert (
        post_form(client, f"/feedback/{request.id}/remind", {}, token_from="/feedback/").status_code
        == 302
    )
    run_outbox_delivery(mail_app, mail_app.clock["now"])
    new_body = smtp_server.messages[-1].get_body(("plain",)).get_content()
    new_path = re.search(r"/feedback/answer/\S+", new_body).group(0)
    assert new_path != old_path
    assert mail_app.test_client().get(new_path).status_code == 200


def test_bad_requests_are_refused_and_keep_what_was_typed(app, client, db):
    org = make_organisation(db)
    asker = make_user(db, org)
    stranger = make_user(db, make_organisation(db))
    login(client, asker.email, PASSWORD)
    form = {"who": "outside", "name": "Ans", "email": "", "message": "Mijn vraag"}
    response = post_form(client, "/feedback/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Mijn vraag" in html and 'value="Ans"' in html
    response = post_form(
        client,
        "/feedback/new",
        {"who": "colleague", "colleague": stranger.id, "competency_codes": ["WMO1"]},
    )
    assert response.status_code == 200
    response = post_form(
        client,
        "/feedback/new",
        {"who": "colleague", "colleague": stranger.id, "competency_codes": ["WMO99"]},
    )
    assert response.status_code == 200
    assert db.scalars(select(FeedbackRequest)).all() == []


def _colleague_request(db, *, respondent_locale="en"):
    org = make_organisation(db)
    asker = make_user(db, org, name="Sanne de Vries")
    colleague = make_user(db, org, locale=respondent_locale)
    request = FeedbackRequest(
        organisation_id=org.id,
        requester_id=asker.id,
        respondent_id=colleague.id,
        respondent_name=colleague.name,
        competency_codes=["WMO1"],
        created_at=NOW,
    )
    db.add(request)
    db.commit()
    return asker, colleague, request


def _told(db, asker) -> tuple[int, int]:
    """(notifications, mails) that told the asker about an answer."""
    db.expire_all()
    notes = db.scalars(
        select(Notification).where(
            Notification.user_id == asker.id, Notification.kind == "feedback_received"
        )
    ).all()
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == asker.email)).all()
    return len(notes), len(mails)


def test_a_second_answer_is_refused_and_tells_the_asker_nothing_more(mail_app, db):
    asker, colleague, request = _colleague_request(db)
    client = mail_app.test_client()
    login(client, colleague.email, PASSWORD)
    page = f"/feedback/{request.id}/answer"
    token = csrf_token(client, page)  # two tabs with the same form open
    first = client.post(page, data={"csrf_token": token, "answer": "Je vraagt goed door."})
    second = client.post(page, data={"csrf_token": token, "answer": "Tweede, ander antwoord."})
    assert first.status_code == 200
    assert second.status_code == 409
    assert "already been answered" in second.get_data(as_text=True)
    db.expire_all()
    assert db.get(FeedbackRequest, request.id).answer == "Je vraagt goed door."
    assert _told(db, asker) == (1, 1)


def test_a_reused_link_is_refused_as_already_answered(mail_app, smtp_server, db):
    _client, path = _ask_outside(mail_app, smtp_server, db)
    asker = db.get(User, db.scalars(select(FeedbackRequest.requester_id)).one())
    outsider = mail_app.test_client()
    token = csrf_token(outsider, path)
    assert (
        outsider.post(
            path, data={"csrf_token": token, "answer": "Eerste antwoord hier."}
        ).status_code
        == 200
    )
    later = mail_app.test_client()  # the link opened again, another day, another browser
    with later.session_transaction() as session:
        session["lang"] = "en"
    response = post_form(
        later, path, {"answer": "Nog een antwoord erachteraan."}, token_from="/login"
    )
    assert response.status_code == 409
    assert "already been answered" in response.get_data(as_text=True)
    db.expire_all()
    assert db.scalars(select(FeedbackRequest.answer)).one() == "Eerste antwoord hier."
    assert _told(db, asker)[0] == 1


def test_two_answers_read_before_either_was_saved_only_one_counts(app, db):
    asker, _colleague, request = _colleague_request(db)
    with (
        app.test_request_context(),
        standalone_session(app.extensions["db_engine"]) as one,
        standalone_session(app.extensions["db_engine"]) as two,
    ):
        first, second = one.get(FeedbackRequest, request.id), two.get(FeedbackRequest, request.id)
        feedback.answer(one, request=first, text="Eerste", now=NOW, base_url="http://x")
        one.commit()  # the first request ends
        with pytest.raises(feedback.AlreadyAnswered):
            feedback.answer(two, request=second, text="Tweede", now=NOW, base_url="http://x")
    db.expire_all()
    assert db.get(FeedbackRequest, request.id).answer == "Eerste"
    assert _told(db, asker) == (1, 1)


@pytest.mark.skipif(not is_postgres(), reason="two real connections answering at once: PostgreSQL")
def test_two_answers_at_the_same_moment_one_wins(database_url, db):
    asker, _colleague, request = _colleague_request(db)
    application = create_app(app_config(database_url, CLOCK=lambda: NOW))
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(text: str):
        with application.test_request_context(), unit_of_work() as session:  # one request
            item = session.get(FeedbackRequest, request.id)
            barrier.wait()
            try:
                feedback.answer(session, request=item, text=text, now=NOW, base_url="http://x")
                outcomes.append("won")
            except feedback.AlreadyAnswered:
                outcomes.append("refused")

    threads = [threading.Thread(target=answer, args=(text,)) for text in ("Een", "Twee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    application.extensions["db_engine"].dispose()
    assert sorted(outcomes) == ["refused", "won"]
    assert _told(db, asker) == (1, 1)
