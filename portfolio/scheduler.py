"""The scheduler process: `flask --app portfolio scheduler`. Run exactly one.

It holds a few fixed sweep jobs; per-person timing lives in the database (reminder rows), so a
restart, a second scheduler or a long outage sends nothing twice. Never started by create_app.
"""

from __future__ import annotations

from datetime import date, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from portfolio import clock
from portfolio.clock import AMSTERDAM
from portfolio.db import standalone_session, unit_of_work
from portfolio.infra import form_tokens, locks, mail
from portfolio.services.drafts import drafts
from portfolio.services.notifications.reminder_sweep import SweepResult, sweep

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
REMINDER_TRIGGER = CronTrigger(hour=7, minute=0, timezone=AMSTERDAM)
OUTBOX_TRIGGER = IntervalTrigger(minutes=1, timezone=AMSTERDAM)
# Just after midnight: every stored standing for the new day (services.norms.standings).
STANDINGS_TRIGGER = CronTrigger(hour=0, minute=5, timezone=AMSTERDAM)
# Early morning: warn a month before erasure, erase at the end of the retention period.
RETENTION_TRIGGER = CronTrigger(hour=6, minute=30, timezone=AMSTERDAM)


def run_reminder_sweep(app: Flask, now: datetime | None = None) -> SweepResult:
    """One reminder sweep at `now` (default: the clock); then forget expired kept forms and
    one-time form tokens used more than two days ago (services.drafts, infra.form_tokens)."""
    with app.app_context(), unit_of_work() as db:
        moment = now or clock.now()
        result = sweep(db, now=moment, settings=app.config)
        drafts.prune(db, now=moment)
        form_tokens.prune(db, now=moment)
        return result


def run_outbox_delivery(app: Flask, now: datetime | None = None) -> int:
    """Send the queued mail that is due; one process at a time. Returns how many were sent."""
    with (
        app.app_context(),
        standalone_session() as db,
        locks.try_lock(db.get_bind(), "outbox-delivery") as acquired,
    ):
        if not acquired:
            return 0
        return mail.deliver_due(db, settings=app.config, now=now or clock.now())


def run_standings_refresh(app: Flask, today: date | None = None) -> int:
    """Recompute every stale registration standing for `today` (default: the clock's day),
    one process at a time. Returns how many were written."""
    from portfolio.services.norms import standings

    with (
        app.app_context(),
        standalone_session() as db,
        locks.try_lock(db.get_bind(), "standings-refresh") as acquired,
    ):
        if not acquired:
            return 0
        written = standings.refresh_all(db, today=today or clock.today())
        db.commit()
        return written


def run_retention(app: Flask, now: datetime | None = None):
    """Warn departed people (and HR) a month before their portfolio is erased, and erase it at
    the end of the organisation's retention period (services.privacy.retention); each once."""
    from portfolio.services.privacy import retention

    with app.app_context(), standalone_session() as db:
        return retention.run(db, now=now or clock.now(), settings=app.config)


def build_scheduler(app: Flask, scheduler_class=BlockingScheduler) -> BaseScheduler:
    """A scheduler with the fixed jobs, explicit ids, Europe/Amsterdam time."""
    scheduler = scheduler_class(timezone=AMSTERDAM, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(run_reminder_sweep, REMINDER_TRIGGER, args=[app], id="reminder-sweep")
    scheduler.add_job(run_outbox_delivery, OUTBOX_TRIGGER, args=[app], id="outbox-delivery")
    scheduler.add_job(run_standings_refresh, STANDINGS_TRIGGER, args=[app], id="standings-refresh")
    scheduler.add_job(run_retention, RETENTION_TRIGGER, args=[app], id="retention")
    return scheduler
