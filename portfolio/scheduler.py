"""The scheduler process: `flask --app portfolio scheduler`. Run exactly one.

It holds a few fixed sweep jobs; per-person timing lives in the database (reminder rows), so a
restart, a second scheduler or a long outage sends nothing twice. Never started by create_app.
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from portfolio import clock
from portfolio.clock import AMSTERDAM
from portfolio.db import standalone_session, unit_of_work
from portfolio.infra import locks, mail
from portfolio.services.notifications.reminder_sweep import SweepResult, sweep

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
REMINDER_TRIGGER = CronTrigger(hour=7, minute=0, timezone=AMSTERDAM)
OUTBOX_TRIGGER = IntervalTrigger(minutes=1, timezone=AMSTERDAM)


def run_reminder_sweep(app: Flask, now: datetime | None = None) -> SweepResult:
    """One reminder sweep at `now` (default: the clock)."""
    with app.app_context(), unit_of_work() as db:
        return sweep(db, now=now or clock.now(), settings=app.config)


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


def build_scheduler(app: Flask, scheduler_class=BlockingScheduler) -> BaseScheduler:
    """A scheduler with the fixed jobs, explicit ids, Europe/Amsterdam time."""
    scheduler = scheduler_class(timezone=AMSTERDAM, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(run_reminder_sweep, REMINDER_TRIGGER, args=[app], id="reminder-sweep")
    scheduler.add_job(run_outbox_delivery, OUTBOX_TRIGGER, args=[app], id="outbox-delivery")
    return scheduler
