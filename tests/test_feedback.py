"""Feedback requests: colleagues answer in the app, outsiders through a single-use link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.models import FeedbackRequest, Notification, User
from portfolio.scheduler import run_outbox_delivery
from tests.conftest import app_config, login, post_form
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
    response = post_form(client, "/feedback/new", {
        "who": "colleague", "colleague": colleague.id, "competency_codes": ["WMO1", "WMO3"],
        "message": "Hoe zie jij mijn gespreksvoering?",
    })  # fmt: skip
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
    assert other.get(f"/feedback/{request.id}/answer").status_code == 404  # answered: gone

    assert answer in client.get("/feedback/").get_data(as_text=True)
    assert answer not in other.get("/feedback/").get_data(as_text=True)
    kinds = set(db.scalars(select(Notification.kind).where(Notification.user_id == asker.id)))
    assert kinds == {"feedback_received"}


def _ask_outside(mail_app, smtp_server, db):
    asker = make_user(db, make_organisation(db), name="Sanne de Vries")
    client = mail_app.test_client()
    login(client, asker.email, PASSWORD)
    post_form(client, "/feedback/new", {
        "who": "outside", "name": "Pieter Ketenpartner", "email": "pieter@partner.example",
        "competency_codes": ["WMO5"],
    })  # fmt: skip
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
    assert outsider.get(path).status_code == 404  # single use
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
    response = post_form(client, "/feedback/new", {"who": "colleague", "colleague": stranger.id,
                                                    "competency_codes": ["WMO1"]})  # fmt: skip
    assert response.status_code == 200
    response = post_form(client, "/feedback/new", {"who": "colleague", "colleague": stranger.id,
                                                    "competency_codes": ["WMO99"]})  # fmt: skip
    assert response.status_code == 200
    assert db.scalars(select(FeedbackRequest)).all() == []
