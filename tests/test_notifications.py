"""Notifications in the app, e-mail preferences, and the private calendar feed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from sqlalchemy import func, select

from portfolio.models import (
    DevelopmentGoal,
    Entry,
    EntryParticipant,
    Notification,
    OutboxMessage,
    Registration,
    Role,
    User,
)
from portfolio.scheduler import run_outbox_delivery, run_reminder_sweep
from portfolio.services.development import feedback
from portfolio.services.entries import entries, signoff
from portfolio.services.sessions import participation
from tests.conftest import csrf_token, flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

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


def test_a_list_that_fits_on_one_page_is_read_without_a_count(app, client, db, count_queries):
    worker = _worker_with_registration(db)
    run_reminder_sweep(app, SWEEP_AT)
    login(client, worker.email, PASSWORD)
    with count_queries() as counter:
        html = client.get("/notifications").get_data(as_text=True)
    assert "2027" in html
    assert not [sql for sql in counter.statements if sql.startswith("SELECT count(")]
    app.config["PAGE_SIZE"] = 1  # two notifications: a page of one is counted, and paged
    run_reminder_sweep(app, SWEEP_AT + timedelta(days=27))  # the 1-week reminder
    with count_queries() as counter:
        paged = client.get("/notifications").get_data(as_text=True)
    assert [sql for sql in counter.statements if sql.startswith("SELECT count(")]
    assert 'rel="next"' in paged


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
    db.add(
        DevelopmentGoal(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            competency_code="WMO2",
            current_level="beginner",
            target_level="vakbekwaam",
            title="Netwerk versterken",
            due_on=date(2027, 6, 1),
        )
    )
    db.commit()
    login(client, worker.email, PASSWORD)
    page = post_form(client, "/account/calendar", {}, token_from="/account/notifications").get_data(
        as_text=True
    )
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
        page = post_form(
            client, "/account/calendar", {}, token_from="/account/notifications"
        ).get_data(as_text=True)
        urls.append(re.search(r'value="(http[^"]+\.ics)"', page).group(1).split("localhost")[-1])
    other = app.test_client()
    assert other.get(urls[0]).status_code == 404
    assert other.get(urls[1]).status_code == 200


# --- attendance in one action from the notification list --------------------------------------

ATTENDANCE_FORM = re.compile(r'<form method="post" action="(/notifications/(\d+)/attendance)">')


def _invited(app, db, owner, *colleagues) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind="peer_review",
        title="Intervisie wijkteam",
        occurred_on=date(2026, 10, 5),
        hours=Decimal(2),
        form="intervisie",
        catalogue_version="test",
    )
    db.add(entry)
    db.flush()
    invited_at = datetime(2026, 10, 5, 12, tzinfo=UTC)
    with app.test_request_context():
        participation.invite(
            db,
            entry=entry,
            user_ids=[c.id for c in colleagues],
            owner=owner,
            base_url="http://x",
            now=invited_at,
        )
    db.commit()
    return entry


def test_attendance_is_confirmed_with_one_button_in_the_list(app, client, db):
    org = make_organisation(db)
    owner, colleague = make_user(db, org), make_user(db, org, locale="en")
    entry = _invited(app, db, owner, colleague)
    login(client, colleague.email, PASSWORD)
    html = client.get("/notifications").get_data(as_text=True)
    (action, notification_id) = ATTENDANCE_FORM.findall(html)[0]
    form_html = html.split(action)[1].split("</form>")[0]
    assert 'name="csrf_token"' in form_html and "I was there" in form_html

    response = client.post(action, data={"csrf_token": csrf_token(client, "/notifications")})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    db.expire_all()
    assert db.get(EntryParticipant, (entry.id, colleague.id)).confirmed_at is not None
    assert db.get(Notification, int(notification_id)).read_at is not None
    after = client.get("/notifications", follow_redirects=True)
    assert ("success", "Your attendance is confirmed.") in flashes(after)
    assert not ATTENDANCE_FORM.search(after.get_data(as_text=True))


def test_the_button_is_only_for_my_unconfirmed_attendance(app, client, db):
    org = make_organisation(db)
    owner, colleague, other = make_user(db, org), make_user(db, org), make_user(db, org)
    entry = _invited(app, db, owner, colleague, other)
    confirmed = _invited(app, db, owner, colleague)
    db.get(EntryParticipant, (confirmed.id, colleague.id)).confirmed_at = datetime.now(UTC)
    db.commit()
    about_entry = select(Notification).where(Notification.link == f"/sessions/{entry.id}")
    notes = {n.user_id: n.id for n in db.scalars(about_entry)}
    login(client, colleague.email, PASSWORD)
    html = client.get("/notifications").get_data(as_text=True)
    shown = {int(i) for _action, i in ATTENDANCE_FORM.findall(html)}
    assert shown == {notes[colleague.id]}  # not the one already confirmed
    token = csrf_token(client, "/notifications")
    stranger = client.post(
        f"/notifications/{notes[other.id]}/attendance", data={"csrf_token": token}
    )
    assert stranger.status_code == 404
    assert client.post(f"/notifications/{notes[colleague.id]}/attendance").status_code == 400
    db.expire_all()
    assert db.get(EntryParticipant, (entry.id, other.id)).confirmed_at is None
    assert db.get(EntryParticipant, (entry.id, colleague.id)).confirmed_at is None


def test_confirming_on_the_session_page_marks_the_notification_read(app, client, db):
    org = make_organisation(db)
    owner, colleague = make_user(db, org), make_user(db, org)
    entry = _invited(app, db, owner, colleague)
    login(client, colleague.email, PASSWORD)
    page = f"/sessions/{entry.id}"
    assert post_form(client, f"{page}/confirm", {}, token_from=page).status_code == 302
    db.expire_all()
    note = db.scalars(select(Notification).where(Notification.user_id == colleague.id)).one()
    assert note.read_at is not None


# --- one notification marked read -------------------------------------------------------------

READ_FORM = re.compile(r'<form method="post" action="(/notifications/(\d+)/read)">')


def _note(db, user, title: str) -> Notification:
    note = Notification(
        organisation_id=user.organisation_id,
        user_id=user.id,
        kind="goal_due",
        title=title,
        body="Tekst",
        created_at=datetime.now(UTC),
    )
    db.add(note)
    db.commit()
    return note


def test_one_notification_is_marked_read_and_the_others_stay_unread(app, client, db):
    org = make_organisation(db)
    me, other = make_user(db, org, locale="en"), make_user(db, org)
    first, second = _note(db, me, "Eerste"), _note(db, me, "Tweede")
    theirs = _note(db, other, "Van een ander")
    login(client, me.email, PASSWORD)
    html = client.get("/notifications").get_data(as_text=True)
    assert {int(i) for _action, i in READ_FORM.findall(html)} == {first.id, second.id}
    form_html = html.split(f"/notifications/{first.id}/read")[1].split("</form>")[0]
    assert 'name="csrf_token"' in form_html and "Mark as read" in form_html

    token = csrf_token(client, "/notifications")
    response = client.post(f"/notifications/{first.id}/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    stranger = client.post(f"/notifications/{theirs.id}/read", data={"csrf_token": token})
    assert stranger.status_code == 404
    assert (
        client.post(f"/notifications/{theirs.id + 1}/read", data={"csrf_token": token}).status_code
        == 404
    )
    assert client.post(f"/notifications/{second.id}/read").status_code == 400  # no CSRF token
    db.expire_all()
    assert db.get(Notification, first.id).read_at is not None
    assert db.get(Notification, second.id).read_at is None
    assert db.get(Notification, theirs.id).read_at is None
    html = client.get("/notifications").get_data(as_text=True)
    assert {int(i) for _action, i in READ_FORM.findall(html)} == {second.id}


# --- the sign-off, attendance and feedback notifications by mail, over real SMTP -------------

MAILED_AT = datetime(2026, 11, 23, 10, tzinfo=UTC)
BASE_URL = "https://vakbekwaam.test"


@pytest.fixture
def mail_app(app, smtp_server):
    """The app delivering mail to the loopback SMTP server."""
    app.config.update(smtp_server.settings(), PUBLIC_BASE_URL=BASE_URL)
    return app


def _team_speaking(db, locale: str) -> dict:
    org = make_organisation(db)
    team = make_team(db, org)
    return {
        "worker": make_user(db, org, team=team, locale=locale),
        "colleague": make_user(db, org, team=team, locale=locale),
        "lead": make_user(db, org, role=Role.SUPERVISOR, leads=team, locale=locale),
    }


def _draft_session(db, owner, title: str) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind="peer_review",
        title=title,
        occurred_on=date(2026, 11, 2),
        hours=Decimal(2),
        form="intervisie",
        catalogue_version="test",
    )
    db.add(entry)
    db.commit()
    return entry


def _every_kind(app, db, people: dict) -> list[tuple[str, str, dict, str]]:
    """Submitted, signed, returned, attendance, feedback requested and received, through the
    services; returns (recipient address, subject msgid, its values, recipient name) of each."""
    worker, colleague, lead = people["worker"], people["colleague"], people["lead"]
    with app.test_request_context():
        signed, returned = (_draft_session(db, worker, title) for title in ("Sessie A", "Sessie B"))
        participation.invite(
            db,
            entry=signed,
            user_ids=[colleague.id],
            owner=worker,
            base_url=BASE_URL,
            now=MAILED_AT,
        )
        db.commit()
        for entry in (signed, returned):
            entries.submit(db, entry=entry, now=MAILED_AT, base_url=BASE_URL)
            db.refresh(entry)
        for entry, approve in ((signed, True), (returned, False)):
            signoff.decide(
                db,
                supervisor=lead,
                entry_id=entry.id,
                version=entry.version,
                approve=approve,
                comment=None if approve else "Graag aanvullen.",
                now=MAILED_AT,
                base_url=BASE_URL,
            )
        request = feedback.request_feedback(
            db,
            requester=worker,
            respondent_id=colleague.id,
            name="",
            email=None,
            competency_codes=["WMO1"],
            message=None,
            now=MAILED_AT,
            base_url=BASE_URL,
        )
        feedback.answer(
            db, request=request, text="Je vraagt goed door.", now=MAILED_AT, base_url=BASE_URL
        )
    db.commit()
    return [
        (lead, "For sign-off: %(title)s", {"title": "Sessie A"}),
        (lead, "For sign-off: %(title)s", {"title": "Sessie B"}),
        (worker, "Signed off: %(title)s", {"title": "Sessie A"}),
        (worker, "Returned: %(title)s", {"title": "Sessie B"}),
        (colleague, "Did you take part in \u201c%(title)s\u201d?", {"title": "Sessie A"}),
        (colleague, "%(name)s asks for your feedback", {"name": worker.name}),
        (worker, "Feedback from %(name)s", {"name": colleague.name}),
    ]


def _subjects(app, expected, locale: str) -> set[tuple[str, str]]:
    with app.test_request_context(), force_locale(locale):
        return {(user.email, gettext(msgid, **values)) for user, msgid, values in expected}


def test_the_issues_notifications_are_mailed_in_the_recipients_language(mail_app, smtp_server, db):
    sent = {
        locale: _every_kind(mail_app, db, _team_speaking(db, locale)) for locale in ("nl", "en")
    }
    assert run_outbox_delivery(mail_app, MAILED_AT) == 14

    received = {(message["To"], message["Subject"]): message for message in smtp_server.messages}
    assert len(received) == len(smtp_server.messages) == 14
    for locale, expected in sent.items():
        with mail_app.test_request_context(), force_locale(locale):
            for user, msgid, values in expected:
                message = received[(user.email, gettext(msgid, **values))]
                text = message.get_body(("plain",)).get_content()
                assert gettext("Hello %(name)s,", name=user.name) in text
                assert BASE_URL in text
    # The Dutch mail really is Dutch: not one subject is the English one.
    assert not _subjects(mail_app, sent["nl"], "nl") & _subjects(mail_app, sent["nl"], "en")


def test_notification_mail_waits_while_smtp_is_down_and_goes_out_on_retry(
    mail_app, smtp_server, db
):
    smtp_server.stop()
    expected = _every_kind(mail_app, db, _team_speaking(db, "en"))
    assert run_outbox_delivery(mail_app, MAILED_AT) == 0
    db.expire_all()
    waiting = db.scalars(select(OutboxMessage)).all()
    assert len(waiting) == len(expected) == 7
    assert all(m.status == "queued" and m.attempts == 1 and m.last_error for m in waiting)

    smtp_server.start()
    assert run_outbox_delivery(mail_app, MAILED_AT) == 0  # the retry is not due yet
    assert smtp_server.messages == []
    retry_at = max(m.next_attempt_at for m in waiting)
    assert run_outbox_delivery(mail_app, retry_at) == 7
    received = {(m["To"], m["Subject"]) for m in smtp_server.messages}
    assert received == _subjects(mail_app, expected, "en")
    assert run_outbox_delivery(mail_app, retry_at + timedelta(days=1)) == 0
    db.expire_all()
    assert {m.status for m in db.scalars(select(OutboxMessage))} == {"sent"}


# Which kind each notification of `_every_kind` is, in its order.
EVERY_KIND = (
    "submitted",
    "submitted",
    "signed",
    "returned",
    "attendance",
    "feedback_requested",
    "feedback_received",
)


@pytest.mark.parametrize("kind", sorted(set(EVERY_KIND)))
def test_each_kind_can_be_kept_out_of_the_mailbox_and_stays_in_the_app(
    mail_app, smtp_server, db, kind
):
    people = _team_speaking(db, "en")
    for user in people.values():  # each chooses on their settings page
        with mail_app.test_client() as client:
            login(client, user.email, PASSWORD)
            page = client.get("/account/notifications").get_data(as_text=True)
            assert all(f'name="email_{k}"' in page for k in EVERY_KIND)
            others = (*EVERY_KIND, "vog", "goal_due", "registration_deadline")
            ticked = {f"email_{k}": "y" for k in others if k != kind}
            assert post_form(client, "/account/notifications", ticked).status_code == 302
    expected = _every_kind(mail_app, db, people)
    run_outbox_delivery(mail_app, MAILED_AT)
    received = {(m["To"], m["Subject"]) for m in smtp_server.messages}
    wanted = [e for e, k in zip(expected, EVERY_KIND, strict=True) if k != kind]
    kept_out = [e for e, k in zip(expected, EVERY_KIND, strict=True) if k == kind]
    assert received == _subjects(mail_app, wanted, "en")
    assert not received & _subjects(mail_app, kept_out, "en")
    in_app = db.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == kind)
    )
    assert in_app == len(kept_out)


def test_reminding_a_colleague_in_the_app_notifies_and_mails_them_again(mail_app, smtp_server, db):
    people = _team_speaking(db, "en")
    worker, colleague = people["worker"], people["colleague"]
    with mail_app.test_request_context():
        request = feedback.request_feedback(
            db,
            requester=worker,
            respondent_id=colleague.id,
            name="",
            email=None,
            competency_codes=["WMO2"],
            message=None,
            now=MAILED_AT,
            base_url=BASE_URL,
        )
    with mail_app.test_client() as client:
        login(client, worker.email, PASSWORD)
        listing = client.get("/feedback/").get_data(as_text=True)
        remind = re.search(r'action="([^"]*/remind)"', listing).group(1)
        assert post_form(client, remind, {}, token_from="/feedback/").status_code == 302
    asks = db.scalars(
        select(Notification).where(
            Notification.user_id == colleague.id, Notification.kind == "feedback_requested"
        )
    ).all()
    assert len(asks) == 2
    db.expire_all()
    assert db.get(type(request), request.id).reminded_at is not None
    run_outbox_delivery(mail_app, datetime.now(UTC) + timedelta(minutes=1))  # the app's clock
    to_colleague = [m for m in smtp_server.messages if m["To"] == colleague.email]
    assert len(to_colleague) == 2


def test_every_notification_kind_links_to_a_page_its_recipient_can_open(mail_app, db):
    people = _team_speaking(db, "nl")
    _every_kind(mail_app, db, people)
    notes = db.scalars(select(Notification).order_by(Notification.id)).all()
    assert {n.kind for n in notes} == {
        "submitted",
        "signed",
        "returned",
        "attendance",
        "feedback_requested",
        "feedback_received",
    }
    routes = mail_app.url_map.bind("localhost")
    answers = {}
    for note in notes:
        routes.match(note.link)  # raises for a link that routes nowhere
        client = mail_app.test_client()
        login(client, db.get(User, note.user_id).email, PASSWORD)
        answers[(note.kind, note.title)] = client.get(note.link).status_code
    # The returned session is the worker's again: its sign-off page is gone for the supervisor.
    returned = [key for key in answers if key[0] == "submitted" and "Sessie B" in key[1]]
    assert [answers.pop(key) for key in returned] == [404]
    assert set(answers.values()) == {200}, answers


def test_every_link_a_service_names_is_a_route_with_exactly_those_values(app):
    """Static: each `Link("endpoint", {...})` in the code names a route and fills its URL."""
    import ast
    from pathlib import Path

    arguments = {rule.endpoint: set(rule.arguments) for rule in app.url_map.iter_rules()}
    found = []
    for path in Path("portfolio").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Link":
                endpoint = node.args[0].value
                keys = {k.value for k in node.args[1].keys} if len(node.args) > 1 else set()
                found.append(endpoint)
                assert arguments.get(endpoint) == keys, (str(path), endpoint, keys)
    assert len(found) >= 10
