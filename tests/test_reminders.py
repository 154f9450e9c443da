"""Reminders: planned as rows, swept once, caught up without a flood, mailed over real SMTP."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session as OrmSession

from portfolio import create_app
from portfolio.models import (
    DevelopmentGoal,
    Notification,
    OrganisationSettings,
    OutboxMessage,
    Registration,
    Reminder,
    Role,
)
from portfolio.scheduler import run_outbox_delivery, run_reminder_sweep
from tests.conftest import app_config, is_postgres
from tests.factories import make_organisation, make_team, make_user

SKJ = "skj-jeugd-gezinsprofessional"


def at(day: date, hour: int = 7) -> datetime:
    """07:00 in Amsterdam on `day`, as aware UTC (winter time is fine for these tests)."""
    return datetime(day.year, day.month, day.day, hour - 1, tzinfo=UTC)


@pytest.fixture
def mail_app(database_url, smtp_server):
    application = create_app(app_config(database_url, **smtp_server.settings()))
    yield application
    application.extensions["db_engine"].dispose()


def _registered(db, user, registered_on: date, norm: str = SKJ, **fields) -> Registration:
    registration = Registration(
        organisation_id=user.organisation_id,
        owner_id=user.id,
        norm_id=norm,
        registered_on=registered_on,
        **fields,
    )
    db.add(registration)
    db.commit()
    return registration


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_a_deadline_reminder_is_sent_once_and_mailed(mail_app, smtp_server, db):
    worker = make_user(db, make_organisation(db), email="sanne@example.org")
    # Registered 2022-03-01: deadline 2027-02-28; the "1m" reminder is due 2027-01-28.
    _registered(db, worker, date(2022, 3, 1))
    result = run_reminder_sweep(mail_app, at(date(2027, 1, 28)))
    assert (result.sent, result.superseded) == (1, 0)
    assert run_outbox_delivery(mail_app, at(date(2027, 1, 28))) == 1
    again = run_reminder_sweep(mail_app, at(date(2027, 1, 28), hour=8))
    assert again.sent == 0
    assert run_outbox_delivery(mail_app, at(date(2027, 1, 28), hour=8)) == 0
    (mail,) = smtp_server.messages
    assert mail["To"] == "sanne@example.org"
    assert "28" in mail["Subject"] and "2027" in mail["Subject"]
    assert _count(db, Notification) == 1


def test_nothing_is_due_before_the_first_offset(mail_app, db):
    worker = make_user(db, make_organisation(db))
    _registered(db, worker, date(2022, 3, 1))
    assert run_reminder_sweep(mail_app, at(date(2026, 2, 27))).sent == 0
    assert run_reminder_sweep(mail_app, at(date(2026, 2, 28))).sent == 1  # 12 months before


def test_a_scheduler_down_for_two_weeks_sends_only_the_newest(mail_app, db):
    org = make_organisation(db)
    db.add(OrganisationSettings(organisation_id=org.id, reminder_offsets=["3w", "2w", "1w"]))
    worker = make_user(db, org)
    _registered(db, worker, date(2022, 3, 1))  # deadline 2027-02-28
    # Down from before 2027-02-07 (3w) until 2027-02-15: both 3w and 2w fell due meanwhile.
    result = run_reminder_sweep(mail_app, at(date(2027, 2, 15)))
    assert (result.sent, result.superseded) == (1, 1)
    sent = db.scalars(select(Reminder).where(Reminder.outcome == "sent")).one()
    assert sent.due_on == date(2027, 2, 14)


class PowerCut(BaseException):
    """The process dies: not an error the sweep handles (those mark one reminder failed)."""


def test_a_crash_in_the_middle_of_a_batch_loses_nothing(mail_app, db):
    org = make_organisation(db)
    workers = [make_user(db, org) for _ in range(4)]
    for worker in workers:
        _registered(db, worker, date(2022, 3, 1))
    flushes = []

    def crash_on_third_notification(session, *_args):
        # Fault injection: the process dies while writing the third reminder's notification.
        if any(isinstance(obj, Notification) for obj in session.new):
            flushes.append(1)
            if len(flushes) == 3:
                raise PowerCut("power cut")

    event.listen(OrmSession, "before_flush", crash_on_third_notification)
    try:
        with pytest.raises(PowerCut, match="power cut"):
            run_reminder_sweep(mail_app, at(date(2027, 1, 28)))
    finally:
        event.remove(OrmSession, "before_flush", crash_on_third_notification)
    assert _count(db, Notification) == 2
    result = run_reminder_sweep(mail_app, at(date(2027, 1, 28), hour=9))
    assert result.sent == 2
    assert _count(db, Notification) == 4
    per_user = db.execute(select(Notification.user_id, func.count()).group_by(Notification.user_id))
    assert all(count == 1 for _user, count in per_user)


@pytest.mark.skipif(not is_postgres(), reason="advisory locks and real concurrency: PostgreSQL")
def test_three_schedulers_at_once_send_each_reminder_once(database_url, smtp_server, db):
    org = make_organisation(db)
    for _ in range(30):
        _registered(db, make_user(db, org), date(2022, 3, 1))
    apps = [create_app(app_config(database_url, **smtp_server.settings())) for _ in range(3)]
    barrier = threading.Barrier(3)
    errors = []

    def run(application):
        try:
            barrier.wait()
            for hour in (7, 8):
                run_reminder_sweep(application, at(date(2027, 1, 28), hour))
                run_outbox_delivery(application, at(date(2027, 1, 28), hour))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    # Whatever interleaving happened, a last delivery pass empties the outbox.
    run_outbox_delivery(apps[0], at(date(2027, 1, 28), 10))
    for application in apps:
        application.extensions["db_engine"].dispose()
    assert len(smtp_server.messages) == 30
    assert len({m["To"] for m in smtp_server.messages}) == 30
    assert _count(db, Notification) == 30


def test_smtp_down_keeps_reminder_mail_in_the_outbox_until_it_is_back(mail_app, smtp_server, db):
    worker = make_user(db, make_organisation(db))
    _registered(db, worker, date(2022, 3, 1))
    smtp_server.stop()
    run_reminder_sweep(mail_app, at(date(2027, 1, 28)))
    assert run_outbox_delivery(mail_app, at(date(2027, 1, 28))) == 0
    queued = db.scalars(select(OutboxMessage)).one()
    assert queued.status == "queued" and queued.last_error
    smtp_server.start()
    assert run_outbox_delivery(mail_app, at(date(2027, 1, 28), 9)) == 1
    assert len(smtp_server.messages) == 1


def test_a_changed_registration_makes_its_planned_reminder_obsolete(mail_app, db):
    worker = make_user(db, make_organisation(db))
    registration = _registered(db, worker, date(2022, 3, 1))
    db.add(
        Reminder(
            organisation_id=worker.organisation_id,
            user_id=worker.id,
            subject_type="registration",
            subject_id=registration.id,
            kind="registration_deadline",
            due_on=date(2027, 1, 20),
        )
    )
    db.commit()
    result = run_reminder_sweep(mail_app, at(date(2027, 1, 21)))
    assert (result.sent, result.obsolete) == (0, 1)


def test_vog_and_goal_reminders(mail_app, db):
    org = make_organisation(db)
    worker = make_user(db, org)
    _registered(
        db,
        worker,
        date(2022, 3, 1),
        norm="registerplein-sociaal-werker",
        vog_issued_on=date(2025, 1, 10),
    )
    db.add(
        DevelopmentGoal(
            organisation_id=org.id,
            owner_id=worker.id,
            competency_code="WMO1",
            current_level="beginner",
            target_level="vakbekwaam",
            title="Gesprek",
            due_on=date(2026, 12, 1),
        )
    )
    db.commit()
    run_reminder_sweep(mail_app, at(date(2026, 12, 2)))
    kinds = set(db.scalars(select(Reminder.kind).where(Reminder.outcome == "sent")))
    # The 3-month deadline reminder (2026-11-28) fell due within the look-back too.
    assert kinds == {"vog", "goal_due", "registration_deadline"}


def test_creating_the_app_starts_no_scheduler(app, client):
    client.get("/login")
    names = [thread.name for thread in threading.enumerate()]
    assert not any("APScheduler" in name or "apscheduler" in name.lower() for name in names)
    assert "apscheduler" not in app.extensions


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)], ids=["spring", "autumn"])
def test_the_daily_sweep_fires_once_on_daylight_saving_days(day):
    from portfolio.clock import AMSTERDAM
    from portfolio.scheduler import REMINDER_TRIGGER

    start = datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM).replace(hour=0)
    fires, previous, now = [], None, start
    while True:
        fire = REMINDER_TRIGGER.get_next_fire_time(previous, now)
        if fire.date() != day:
            break
        fires.append(fire)
        previous = now = fire
        now = fire.replace(second=1)
    assert len(fires) == 1 and fires[0].hour == 7


def test_a_supervisor_is_not_sent_registration_reminders_of_others(mail_app, db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    make_user(db, org, role=Role.SUPERVISOR, leads=team)
    _registered(db, worker, date(2022, 3, 1))
    run_reminder_sweep(mail_app, at(date(2027, 1, 28)))
    assert set(db.scalars(select(Notification.user_id))) == {worker.id}


def test_supervisors_get_a_weekly_digest_of_entries_waiting_too_long(mail_app, db):
    from decimal import Decimal

    from portfolio.models import Entry

    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    make_user(db, org, role=Role.SUPERVISOR, leads=make_team(db, org))  # nothing waiting
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    for days_ago in (10, 9, 2):
        db.add(
            Entry(
                organisation_id=org.id,
                owner_id=worker.id,
                kind="peer_review",
                title="Intervisie",
                occurred_on=date(2026, 11, 1),
                hours=Decimal(2),
                status="submitted",
                catalogue_version="t",
                updated_at=monday - timedelta(days=days_ago),
            )
        )
    db.commit()
    result = run_reminder_sweep(mail_app, at(date(2026, 11, 23)))  # a Monday
    assert result.sent == 1
    notification = db.scalars(select(Notification)).one()
    assert notification.user_id == lead.id and "2" in notification.title
    # Later that week nothing new: one digest a week.
    assert run_reminder_sweep(mail_app, at(date(2026, 11, 26))).sent == 0


def test_behind_pace_is_reminded_once_a_month_with_the_shortfall(mail_app, db):
    from decimal import Decimal

    from portfolio.models import Entry

    worker = make_user(db, make_organisation(db), email="achter@example.org")
    _registered(db, worker, date(2024, 1, 1))  # SKJ: 60 scholing, 60 reflectie, 3,368 work hours
    db.add(
        Entry(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            kind="peer_review",
            title="Intervisie",
            occurred_on=date(2024, 6, 1),
            hours=Decimal(2),
            form="intervisie",
            catalogue_version="t",
        )
    )
    db.commit()
    result = run_reminder_sweep(mail_app, at(date(2026, 3, 2)))
    assert result.sent == 1
    note = db.scalars(select(Notification)).one()
    assert note.kind == "behind_pace"
    assert "reflectie" in note.body.lower() or "Reflectie" in note.body
    assert run_reminder_sweep(mail_app, at(date(2026, 3, 5))).sent == 0  # same month
    assert run_reminder_sweep(mail_app, at(date(2026, 3, 20))).sent == 0  # not checked late


def test_the_deadline_mail_carries_the_forecast(mail_app, db):
    worker = make_user(db, make_organisation(db))
    _registered(db, worker, date(2022, 3, 1))
    run_reminder_sweep(mail_app, at(date(2027, 1, 28)))
    body = db.scalars(select(Notification)).one().body
    assert "2027" in body and ("short" in body or "tekort" in body)


def test_open_feedback_requests_and_unconfirmed_attendance_are_nudged_once(mail_app, db):
    from decimal import Decimal

    from portfolio.models import Entry, EntryParticipant, FeedbackRequest

    org = make_organisation(db)
    asker, colleague = make_user(db, org), make_user(db, org)
    db.add(
        FeedbackRequest(
            organisation_id=org.id,
            requester_id=asker.id,
            respondent_id=colleague.id,
            respondent_name=colleague.name,
            competency_codes=["WMO1"],
            created_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        )
    )
    session = Entry(
        organisation_id=org.id,
        owner_id=asker.id,
        kind="peer_review",
        title="Intervisie",
        occurred_on=date(2026, 11, 3),
        hours=Decimal(2),
        form="intervisie",
        catalogue_version="t",
    )
    db.add(session)
    db.flush()
    db.add(EntryParticipant(entry_id=session.id, user_id=colleague.id))
    db.commit()
    assert run_reminder_sweep(mail_app, at(date(2026, 11, 8))).sent == 0  # not a week yet
    assert run_reminder_sweep(mail_app, at(date(2026, 11, 10))).sent == 2
    assert run_reminder_sweep(mail_app, at(date(2026, 11, 17))).sent == 0  # once
    links = set(db.scalars(select(Notification.link).where(Notification.user_id == colleague.id)))
    assert links == {"/feedback/1/answer", f"/sessions/{session.id}"}
