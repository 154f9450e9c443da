"""Feedback asked of outside people: limited per day and per request.

Finding 10 of the issue "Hardening".
"""

from __future__ import annotations

from sqlalchemy import func, select

from portfolio.models import FeedbackRequest, OutboxMessage
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user


def _ask_outside(client, n: int):
    return post_form(
        client,
        "/feedback/new",
        {
            "who": "outside",
            "name": f"Buiten {n}",
            "email": f"buiten{n}@example.net",
            "competency_codes": ["WMO1"],
            "message": "Mijn tekst",
        },
    )


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_requests_to_outside_addresses_are_limited_per_day(app, client, db, clock):
    org = make_organisation(db)
    worker = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, worker.email, PASSWORD)
    limit = app.config["FEEDBACK_OUTSIDE_PER_DAY"]
    statuses = [_ask_outside(client, n).status_code for n in range(limit + 3)]
    assert statuses == [302] * limit + [200] * 3
    assert _count(db, FeedbackRequest) == _count(db, OutboxMessage) == limit
    clock.advance(days=1, minutes=1)
    login(client, worker.email, PASSWORD)  # the session ended overnight
    assert _ask_outside(client, 99).status_code == 302
    assert _count(db, FeedbackRequest) == limit + 1


def test_an_outside_person_is_reminded_at_most_once_in_a_few_days(app, client, db, clock):
    org = make_organisation(db)
    worker = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, worker.email, PASSWORD)
    assert _ask_outside(client, 1).status_code == 302
    request_id = db.scalar(select(FeedbackRequest.id))
    path = f"/feedback/{request_id}/remind"
    for _ in range(5):
        post_form(client, path, {}, token_from="/feedback")
    assert _count(db, OutboxMessage) == 1  # the request only: a reminder needs a few days
    clock.advance(days=3, minutes=1)
    login(client, worker.email, PASSWORD)
    post_form(client, path, {}, token_from="/feedback")
    post_form(client, path, {}, token_from="/feedback")
    assert _count(db, OutboxMessage) == 2
    assert app.config["FEEDBACK_REMINDER_INTERVAL_DAYS"] == 3
