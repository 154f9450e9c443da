"""Retention: a departed person and HR are warned a month before, then the portfolio is erased;
each exactly once, mailed over real SMTP, with a download link that ends at the erasure."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portfolio import create_app
from portfolio.models import AuditEvent, Entry, OrganisationSettings, OutboxMessage, Role, User
from portfolio.scheduler import run_outbox_delivery, run_retention
from tests.conftest import Clock, app_config, csrf_token
from tests.factories import make_organisation, make_team, make_user
from tests.test_erasure import _entry


def at(day: date) -> datetime:
    """07:30 in Amsterdam on `day` (winter time), as aware UTC."""
    return datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC)


@pytest.fixture
def mail_app(database_url, smtp_server):
    application = create_app(app_config(database_url, **smtp_server.settings()))
    yield application
    application.extensions["db_engine"].dispose()


def test_warned_a_month_before_once_and_erased_at_the_deadline_once(mail_app, smtp_server, db):
    org = make_organisation(db, name="Zorg Oost")
    team = make_team(db, org)
    hr = make_user(db, org, role=Role.HR, locale="en", name="Hanna HR")
    leaver = make_user(db, org, team=team, name="Lotte Vertrokken", locale="nl")
    _entry(db, leaver, title="Mijn laatste reflectie", body="privé")
    db.add(OrganisationSettings(organisation_id=org.id, retention_months=3))
    leaver.is_active = False
    leaver.deactivated_at = at(date(2026, 1, 10))
    db.add(leaver)
    db.commit()

    assert run_retention(mail_app, at(date(2026, 3, 9))).warned == 0
    assert run_retention(mail_app, at(date(2026, 3, 10))).warned == 1
    assert run_retention(mail_app, at(date(2026, 3, 10))).warned == 0  # once
    assert run_retention(mail_app, at(date(2026, 3, 11))).warned == 0
    assert run_outbox_delivery(mail_app, at(date(2026, 3, 10))) == 2
    mails = {m["To"]: m for m in smtp_server.messages}
    to_leaver = mails[leaver.email].get_content()
    to_hr = mails[hr.email].get_content()
    assert "10 april 2026" in mails[leaver.email]["Subject"]
    assert "gewist" in to_leaver and "Mijn laatste reflectie" not in to_leaver
    assert "will be erased" in to_hr and "Lotte Vertrokken" in to_hr
    assert "/portfolio/departed/" not in to_hr  # the download link is the person's only
    link = re.search(r"https?://\S+(/portfolio/departed/\S+)", to_leaver).group(1)

    # The person downloads without logging in, until the erasure.
    mail_app.config["CLOCK"] = Clock(at(date(2026, 3, 20)))
    client = mail_app.test_client()
    assert client.get(link).status_code == 200
    with client.post(link, data={"csrf_token": csrf_token(client, link)}) as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "Mijn laatste reflectie" in archive.read("vakbekwaam.json").decode()
    assert mail_app.test_client().get(link.replace("departed/", "departed/x")).status_code == 404

    assert run_retention(mail_app, at(date(2026, 4, 9))).erased == 0
    assert run_retention(mail_app, at(date(2026, 4, 10))).erased == 1
    assert run_retention(mail_app, at(date(2026, 4, 11))).erased == 0  # once
    db.expire_all()
    assert db.get(User, leaver.id).erased_at is not None
    assert not db.scalar(select(func.count()).where(Entry.owner_id == leaver.id))
    tombstones = db.scalars(select(AuditEvent).where(AuditEvent.action == "portfolio_erased")).all()
    assert [(t.actor_id, t.subject_user_id) for t in tombstones] == [(None, leaver.id)]
    assert "by=retention" in tombstones[0].detail
    mail_app.config["CLOCK"] = Clock(at(date(2026, 4, 10)))
    assert mail_app.test_client().get(link).status_code == 404  # the link ends at erasure


def test_a_late_warning_moves_the_erasure_a_month_on(mail_app, db):
    org = make_organisation(db)
    leaver = make_user(db, org, is_active=False)
    leaver.deactivated_at = at(date(2023, 1, 1))  # long past the default 24 months
    db.add(leaver)
    db.commit()
    result = run_retention(mail_app, at(date(2026, 3, 1)))
    assert (result.warned, result.erased) == (1, 0)
    assert run_retention(mail_app, at(date(2026, 3, 31))).erased == 0
    assert run_retention(mail_app, at(date(2026, 4, 1))).erased == 1


def test_one_person_that_fails_never_stops_the_batch(mail_app, db):
    org = make_organisation(db)
    broken = make_user(db, org, is_active=False, locale="zz")  # no such language: mail fails
    fine = make_user(db, org, is_active=False)
    for person in (broken, fine):
        person.deactivated_at = at(date(2023, 1, 1))
        db.add(person)
    db.commit()
    result = run_retention(mail_app, at(date(2026, 3, 1)))
    assert (result.failed, result.warned) == (1, 1)
    db.expire_all()
    assert db.get(User, broken.id).retention_warned_at is None  # nothing half-done
    assert db.get(User, fine.id).retention_warned_at is not None
    addresses = set(db.scalars(select(OutboxMessage.to_address)))
    assert addresses == {fine.email}


def test_reactivation_starts_a_new_retention_period(mail_app, client, db):
    from portfolio.services.people import people_admin

    org = make_organisation(db)
    hr = make_user(db, org, role=Role.HR)
    leaver = make_user(db, org, is_active=False)
    leaver.deactivated_at = at(date(2023, 1, 1))
    db.add(leaver)
    db.commit()
    assert run_retention(mail_app, at(date(2026, 3, 1))).warned == 1
    db.expire_all()
    leaver = db.get(User, leaver.id)
    people_admin.reactivate_person(db, actor=hr, person=leaver)
    db.commit()
    assert leaver.retention_warned_at is None
    assert run_retention(mail_app, at(date(2026, 4, 2))).erased == 0


def test_the_scheduler_runs_the_retention_job_daily(app):
    from portfolio.scheduler import RETENTION_TRIGGER, build_scheduler

    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs["retention"].trigger is RETENTION_TRIGGER
