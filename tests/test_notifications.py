"""Notifications in the app, e-mail preferences, and the private calendar feed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from icalendar import Calendar
from sqlalchemy import func, select

from portfolio.models import DevelopmentGoal, OutboxMessage, Registration
from portfolio.scheduler import run_reminder_sweep
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

SWEEP_AT = datetime(2027, 1, 28, 6, tzinfo=UTC)  # the 1-month reminder of a 2022-03-01 start


def _worker_with_registration(db, **user_fields):
    worker = make_user(db, make_organisation(db), **user_fields)
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2022, 3, 1),
        )
    )
    db.commit()
    return worker


def test_a_reminder_shows_in_the_list_with_an_unread_count(app, client, db):
    worker = _worker_with_registration(db)
    run_reminder_sweep(app, SWEEP_AT)
    login(client, worker.email, PASSWORD)
    html = client.get("/notifications").get_data(as_text=True)
    assert "2027" in html
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert re.search(r'<span class="badge"[^>]*>1</span>', home)
    post_form(client, "/notifications/read", {}, token_from="/notifications")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert not re.search(r'<span class="badge"[^>]*>1</span>', home)


def test_switching_email_off_keeps_the_notification_but_sends_no_mail(app, client, db):
    worker = _worker_with_registration(db)
    login(client, worker.email, PASSWORD)
    form = {f"email_{k}": "y" for k in ("vog", "goal_due")}  # registration_deadline unticked
    response = post_form(client, "/account/notifications", form)
    assert response.status_code == 302
    run_reminder_sweep(app, SWEEP_AT)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert "2027" in client.get("/notifications").get_data(as_text=True)


def test_calendar_feed_is_private_parses_and_can_be_revoked(app, client, db):
    worker = _worker_with_registration(db)
    db.add(DevelopmentGoal(organisation_id=worker.organisation_id, owner_id=worker.id,
                           competency_code="WMO2", current_level="beginner",
                           target_level="vakbekwaam", title="Netwerk versterken",
                           due_on=date(2027, 6, 1)))  # fmt: skip
    db.commit()
    login(client, worker.email, PASSWORD)
    post_form(client, "/account/calendar", {}, token_from="/account/notifications")
    page = client.get("/account/notifications").get_data(as_text=True)
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    assert url not in client.get("/account/notifications").get_data(as_text=True)  # shown once
    path = url.split("localhost", 1)[-1]
    feed = app.test_client().get(path)  # no log-in: the token is the credential
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = {
        str(e["summary"]): e.decoded("dtstart")
        for e in Calendar.from_ical(feed.data).walk("VEVENT")
    }
    assert date(2027, 2, 28) in events.values()  # submission deadline
    assert date(2027, 3, 1) in events.values()  # end of the period
    assert any("Netwerk versterken" in summary for summary in events)
    post_form(client, "/account/calendar/revoke", {}, token_from="/account/notifications")
    assert app.test_client().get(path).status_code == 404


def test_a_renewed_calendar_link_replaces_the_old_one(app, client, db):
    worker = _worker_with_registration(db)
    login(client, worker.email, PASSWORD)
    urls = []
    for _ in range(2):
        post_form(client, "/account/calendar", {}, token_from="/account/notifications")
        page = client.get("/account/notifications").get_data(as_text=True)
        urls.append(re.search(r'value="(http[^"]+\.ics)"', page).group(1).split("localhost")[-1])
    other = app.test_client()
    assert other.get(urls[0]).status_code == 404
    assert other.get(urls[1]).status_code == 200
