"""Mail: headers never carry a line break, and one poisoned row never blocks a queue.

Finding 3 of the issue "Hardening".
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portfolio import create_app
from portfolio.models import DevelopmentGoal, MailStatus, OutboxMessage, Reminder
from portfolio.scheduler import run_outbox_delivery, run_reminder_sweep
from portfolio.services.notifications import reminder_messages
from tests.conftest import app_config
from tests.factories import make_organisation, make_user

NOW = datetime(2026, 12, 2, 6, tzinfo=UTC)


@pytest.fixture
def mail_app(database_url, smtp_server):
    application = create_app(app_config(database_url, **smtp_server.settings()))
    yield application
    application.extensions["db_engine"].dispose()


def _queued(db, org, *, to: str, subject: str) -> OutboxMessage:
    message = OutboxMessage(
        organisation_id=org.id,
        to_address=to,
        subject=subject,
        body_text="Tekst",
        created_at=NOW,
        next_attempt_at=NOW,
    )
    db.add(message)
    db.commit()
    return message


def test_a_subject_with_a_line_break_goes_out_on_one_line(mail_app, smtp_server, db):
    org = make_organisation(db)
    _queued(db, org, to="sanne@example.org", subject="Reflectie\r\nBcc: spion@example.org")
    assert run_outbox_delivery(mail_app, NOW) == 1
    (received,) = smtp_server.messages
    assert received["Subject"] == "Reflectie Bcc: spion@example.org"
    assert received["Bcc"] is None


def test_one_poisoned_message_never_blocks_the_queue(mail_app, smtp_server, db):
    org = make_organisation(db)
    poisoned = _queued(db, org, to="sanne@example.org\r\nBcc: spion@example.org", subject="Hoi")
    good = [_queued(db, org, to=f"w{n}@example.org", subject=f"Bericht {n}") for n in range(3)]
    assert run_outbox_delivery(mail_app, NOW) == 3
    assert sorted(m["To"] for m in smtp_server.messages) == [m.to_address for m in good]
    db.expire_all()
    failed = db.get(OutboxMessage, poisoned.id)
    assert failed.status == MailStatus.FAILED.value and failed.attempts == 1
    assert "recipient" in failed.last_error
    assert all(db.get(OutboxMessage, m.id).status == MailStatus.SENT.value for m in good)


def test_one_reminder_that_fails_never_stops_the_sweep(mail_app, db, monkeypatch):
    org = make_organisation(db)
    workers = [make_user(db, org) for _ in range(3)]
    goals = []
    for worker in workers:
        goal = DevelopmentGoal(
            organisation_id=org.id,
            owner_id=worker.id,
            competency_code="WMO1",
            current_level="beginner",
            target_level="vakbekwaam",
            title=f"Doel van {worker.name}",
            due_on=date(2026, 12, 1),
        )
        db.add(goal)
        goals.append(goal)
    db.commit()
    poisoned_goal = goals[1].id
    build = reminder_messages.build

    def build_or_fail(db_session, *, reminder, today):
        if reminder.subject_type == "goal" and reminder.subject_id == poisoned_goal:
            raise RuntimeError("this row is poisoned")
        return build(db_session, reminder=reminder, today=today)

    monkeypatch.setattr(reminder_messages, "build", build_or_fail)
    result = run_reminder_sweep(mail_app, NOW)
    assert (result.sent, result.failed) == (2, 1)
    outcomes = dict(db.execute(select(Reminder.subject_id, Reminder.outcome)).all())
    assert outcomes[poisoned_goal] == "failed"
    assert {outcomes[goals[0].id], outcomes[goals[2].id]} == {"sent"}
    assert run_reminder_sweep(mail_app, NOW).failed == 0  # stamped: not tried every run


def test_a_long_subject_is_kept_within_its_column(mail_app, smtp_server, db):
    from portfolio.infra import mail

    org = make_organisation(db)
    mail.queue_mail(
        db, to="sanne@example.org", subject="x\n" * 400, text="t", organisation_id=org.id, now=NOW
    )
    db.commit()
    assert run_outbox_delivery(mail_app, NOW) == 1
