"""The reminder sweep: select due and unsent rows, notify, stamp, commit — each exactly once.

The sweep commits in steps, by design: every reminder's stamp, notification and mail commit
together, so a failure on one person never undoes (or repeats) what was sent to the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import select, update
from sqlmodel import Session

from portfolio.clock import AMSTERDAM
from portfolio.infra import locks
from portfolio.models import Reminder, User
from portfolio.services.notifications import notifications, reminder_messages, reminder_planning

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    ran: bool
    sent: int = 0
    superseded: int = 0
    obsolete: int = 0
    failed: int = 0


def _group_key(reminder: Reminder):
    return (reminder.user_id, reminder.subject_type, reminder.subject_id, reminder.kind)


def _mark(db: Session, ids: list[int], *, outcome: str, now: datetime) -> int:
    if not ids:
        return 0
    done = db.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.sent_at.is_(None))
        .values(sent_at=now, outcome=outcome)
    ).rowcount
    db.commit()
    return done


def _claim(db: Session, reminder_id: int, now: datetime) -> bool:
    """Stamp the row in the current transaction; False when another process already did."""
    return bool(
        db.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.sent_at.is_(None))
            .values(sent_at=now, outcome="sent")
        ).rowcount
    )


def sweep(db: Session, *, now: datetime, settings: Mapping) -> SweepResult:
    """Plan what is due, then send each due reminder once (only the newest per subject)."""
    with locks.try_lock(db.get_bind(), "reminder-sweep") as acquired:
        if not acquired:
            return SweepResult(ran=False)
        today = now.astimezone(AMSTERDAM).date()
        reminder_planning.plan(db, today=today)
        due = db.scalars(
            select(Reminder)
            .where(Reminder.sent_at.is_(None), Reminder.due_on <= today)
            .order_by(
                Reminder.user_id,
                Reminder.subject_type,
                Reminder.subject_id,
                Reminder.kind,
                Reminder.due_on.desc(),
            )
        ).all()
        newest, older = [], []
        for _key, group in groupby(due, key=_group_key):
            first, *rest = group
            newest.append(first)
            older.extend(r.id for r in rest)
        superseded = _mark(db, older, outcome="superseded", now=now)
        users = {
            u.id: u
            for u in db.scalars(select(User).where(User.id.in_({r.user_id for r in newest})))
        }
        counts = {"sent": 0, "obsolete": 0, "failed": 0}
        for reminder_id, user_id in [(r.id, r.user_id) for r in newest]:
            # One reminder that cannot be built or sent never stops the others: it is stamped
            # "failed" (the log has the reason) and the sweep goes on.
            try:
                outcome = _send_one(db, reminder_id, users[user_id], today, now, settings)
            except Exception:
                db.rollback()
                logger.exception("reminder %s failed; the sweep goes on", reminder_id)
                outcome = "failed" if _mark(db, [reminder_id], outcome="failed", now=now) else None
            if outcome:
                counts[outcome] += 1
        return SweepResult(ran=True, superseded=superseded, **counts)


def _send_one(db: Session, reminder_id: int, user: User, today, now: datetime, settings) -> str:
    """Notify about one due reminder; its outcome ("sent", "obsolete") or "" when another
    process took it first."""
    reminder = db.get(Reminder, reminder_id)
    message = reminder_messages.build(db, reminder=reminder, today=today)
    if message is None:
        return "obsolete" if _mark(db, [reminder_id], outcome="obsolete", now=now) else ""
    if not _claim(db, reminder_id, now):
        db.rollback()
        return ""
    notifications.notify(
        db,
        user=user,
        kind=reminder.kind,
        title_and_body=message.texts,
        link=message.link,
        subject_id=message.subject_id,
        base_url=settings["PUBLIC_BASE_URL"],
        now=now,
    )
    db.commit()  # the stamp, the notification and the mail: all or nothing
    return "sent"
