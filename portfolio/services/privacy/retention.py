"""Retention: a deactivated person's portfolio is kept for the organisation's retention period
(default DEFAULT_RETENTION_MONTHS, "te verifiëren"), then erased (services.privacy.erasure).

One month before, the person (at their last e-mail address) and the organisation's HR are
warned; the person's mail holds a signed link to download their archive without logging in
(`archive_token`): it names the account, its current session token and the erasure date, so it
stops working at erasure (the tombstone gets a new session token), when the account is active
again (then the person logs in), and after the date. The link is a credential: it is only ever
put in the person's own mail, never shown to HR, and a download is audited.

This module commits in steps, by design (like the reminder sweep): each person's warning (the
stamp and the mails) and each erasure (with its audit tombstone) commit on their own, so one
person that fails never undoes or repeats what was done for the others, and the next run
retries only what did not happen. Exactly once: the warning is claimed by stamping
`retention_warned_at` where it is still empty; an erased person has `erased_at` and is never
selected again; the job runs under a lock, so two schedulers never overlap.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlmodel import Session

from competencies.reminders import months_before
from portfolio.clock import AMSTERDAM
from portfolio.infra import links, locks, mail
from portfolio.infra.links import Link
from portfolio.models import Organisation, OrganisationSettings, Role, User
from portfolio.services.privacy import audit, erasure

logger = logging.getLogger(__name__)

# How long a deactivated person's portfolio is kept when the organisation sets nothing.
# Te verifiëren: Kwaliteitslabel 3.15 (personnel file) and the AVG name no number (README).
DEFAULT_RETENTION_MONTHS = 24
MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
WARNING_MONTHS = 1
SALT = "departed-archive"


@dataclass(frozen=True)
class RetentionResult:
    """What one run did."""

    ran: bool
    warned: int = 0
    erased: int = 0
    failed: int = 0


def retention_months(db: Session, *, organisation_id: int) -> int:
    """The organisation's retention period in months (the default when it set none)."""
    settings = db.get(OrganisationSettings, organisation_id)
    return (settings and settings.retention_months) or DEFAULT_RETENTION_MONTHS


def save_retention_months(db: Session, *, admin: User, months: int, now: datetime) -> None:
    """Store the retention period (validated by the form: MIN..MAX months). Flush only."""
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise ValueError("retention months out of range")
    if months == retention_months(db, organisation_id=admin.organisation_id):
        return
    settings = db.get(OrganisationSettings, admin.organisation_id) or OrganisationSettings(
        organisation_id=admin.organisation_id
    )
    settings.retention_months = months
    settings.updated_at = now
    settings.updated_by_id = admin.id
    db.add(settings)
    audit.record(db, actor=admin, action="settings_changed", detail=f"retention_months={months}")
    db.flush()


def _day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def erase_on(person: User, *, months: int) -> date | None:
    """The day a deactivated person's portfolio is erased: `months` after deactivation, and
    never sooner than a month after they were warned. None when it is not planned."""
    if person.is_active or person.erased_at is not None or person.deactivated_at is None:
        return None
    planned = months_before(_day(person.deactivated_at), -months)
    if person.retention_warned_at is not None:
        planned = max(planned, months_before(_day(person.retention_warned_at), -WARNING_MONTHS))
    return planned


def warn_on(day: date) -> date:
    """When to warn about an erasure on `day`."""
    return months_before(day, WARNING_MONTHS)


# --- the download link of a departed person -----------------------------------------------


def archive_token(person: User, *, secret: str, until: date) -> str:
    """A signed link token to download `person`'s archive until `until` (their erasure)."""
    serializer = URLSafeSerializer(secret, salt=SALT)
    return serializer.dumps({"u": person.id, "s": _bound(person), "d": until.isoformat()})


def _bound(person: User) -> str:
    """What binds a link to the account's current sessions, without showing the token (the
    payload of a signed link is readable)."""
    return hashlib.sha256(f"{SALT}:{person.session_token}".encode()).hexdigest()[:32]


def person_for_archive(db: Session, *, token: str, secret: str, today: date) -> User | None:
    """The departed person a download token is valid for today, or None.

    Valid while the account is deactivated and not erased, its session token unchanged (an
    erasure or a new deactivation changes it), and before the erasure date it names."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
        person_id, session_token, until = int(data["u"]), str(data["s"]), str(data["d"])
        until_day = date.fromisoformat(until)
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if today >= until_day or not 0 < person_id < 2**31:
        return None
    person = db.get(User, person_id)
    if person is None or person.is_active or person.erased_at is not None:
        return None
    if not hmac.compare_digest(_bound(person), session_token):
        return None
    return person


# --- the daily job ---------------------------------------------------------------------


def _hr_of(db: Session, organisation_id: int) -> list[User]:
    return list(
        db.scalars(
            select(User).where(
                User.organisation_id == organisation_id,
                User.role == Role.HR.value,
                User.is_active.is_(True),
            )
        )
    )


def _queue_in_language(
    db: Session, recipient: User, *, subject, template: str, now: datetime, **values
) -> None:
    """Queue a mail to `recipient` in their language: `subject()` and the template are
    translated inside it."""
    with force_locale(recipient.locale):
        mail.queue_mail(
            db,
            to=recipient.email,
            subject=subject(),
            text=_render(template, **values),
            organisation_id=recipient.organisation_id,
            now=now,
        )


def _render(template: str, **values) -> str:
    # The template alone: render_template's context processors may query the database.
    return current_app.jinja_env.get_template(template).render(**values)


def _warn(db: Session, person: User, *, day: date, now: datetime, settings: Mapping) -> bool:
    """Claim and send one person's warning; False when another run already did."""
    claimed = db.execute(
        update(User)
        .where(
            User.id == person.id,
            User.retention_warned_at.is_(None),
            User.erased_at.is_(None),
            User.is_active.is_(False),
        )
        .values(retention_warned_at=now)
    ).rowcount
    if not claimed:
        db.rollback()
        return False
    base_url = settings["PUBLIC_BASE_URL"]
    organisation = db.get(Organisation, person.organisation_id)
    token = archive_token(person, secret=settings["SECRET_KEY"], until=day)
    link = links.external(Link("worker.departed_archive", {"token": token}), base_url=base_url)
    _queue_in_language(
        db,
        person,
        subject=lambda: _(
            "Your Vakbekwaam portfolio will be erased on %(date)s",
            date=format_date(day, "long"),
        ),
        template="mail/retention_warning.txt",
        now=now,
        name=person.name,
        organisation=organisation.name,
        day=day,
        link=link,
    )
    person_link = links.external(Link("hr.person", {"person_id": person.id}), base_url=base_url)
    for hr in _hr_of(db, person.organisation_id):
        _queue_in_language(
            db,
            hr,
            subject=lambda: _(
                "A departed colleague's portfolio will be erased on %(date)s",
                date=format_date(day, "long"),
            ),
            template="mail/retention_warning_hr.txt",
            now=now,
            hr_name=hr.name,
            name=person.name,
            day=day,
            link=person_link,
        )
    db.commit()  # the stamp and the mails: all or nothing
    return True


def run(db: Session, *, now: datetime, settings: Mapping) -> RetentionResult:
    """Warn who is a month from erasure, erase who is due; each person once."""
    with locks.try_lock(db.get_bind(), "retention") as acquired:
        if not acquired:
            return RetentionResult(ran=False)
        today = _day(now)
        candidates = [
            (person.id, person.organisation_id)
            for person in db.scalars(
                select(User)
                .where(
                    User.is_active.is_(False),
                    User.erased_at.is_(None),
                    User.deactivated_at.is_not(None),
                )
                .order_by(User.id)
            )
        ]
        months_by_org: dict[int, int] = {}
        counts = {"warned": 0, "erased": 0, "failed": 0}
        for person_id, organisation_id in candidates:
            if organisation_id not in months_by_org:
                months_by_org[organisation_id] = retention_months(
                    db, organisation_id=organisation_id
                )
            # One person that fails never stops the others; the next run tries again.
            try:
                person = db.get(User, person_id)
                day = erase_on(person, months=months_by_org[organisation_id])
                if day is None:
                    continue
                if person.retention_warned_at is None:
                    if today >= warn_on(day) and _warn(
                        db, person, day=day, now=now, settings=settings
                    ):
                        counts["warned"] += 1
                elif today >= day:
                    erasure.erase(db, person=person, actor=None, now=now, why="retention")
                    db.commit()  # the erasure and its audit tombstone
                    counts["erased"] += 1
            except Exception:
                db.rollback()
                logger.exception("retention of person %s failed; the run goes on", person_id)
                counts["failed"] += 1
        return RetentionResult(ran=True, **counts)
