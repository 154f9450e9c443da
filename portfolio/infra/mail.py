"""Mail through the outbox: queue a row, then deliver over SMTP (or to the console)."""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlmodel import Session

from portfolio.models import MailStatus, OutboxMessage

MAX_ATTEMPTS = 8
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$")


def queue_mail(
    db: Session,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    organisation_id: int | None = None,
    now: datetime,
) -> OutboxMessage:
    """Put a mail in the outbox, due at once (committed with the caller's work)."""
    message = OutboxMessage(
        created_at=now,
        next_attempt_at=now,
        to_address=to,
        subject=header_text(subject)[:300],
        body_text=text,
        body_html=html,
        organisation_id=organisation_id,
    )
    db.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


# Characters that end a header line (and the other controls): a header value is one line.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def header_text(value: str) -> str:
    """A header value on one line: every line break or control character becomes one space."""
    return " ".join(_HEADER_BREAKS.sub(" ", value or "").split())


class UndeliverableMessage(ValueError):
    """The message cannot be built into a mail (no retry will change that)."""


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The mail for an outbox row. Headers never carry a line break: the subject is put on one
    line, an address with one (or with anything but one plain address) is refused."""
    to = message.to_address or ""
    if to != header_text(to) or not _ADDRESS.match(to):
        raise UndeliverableMessage("the recipient is not one plain e-mail address")
    email = EmailMessage()
    email["From"] = header_text(sender)
    email["To"] = to
    email["Subject"] = header_text(message.subject)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _send(email: EmailMessage, settings: Mapping) -> None:
    if settings["MAIL_BACKEND"] == "console":
        sys.stdout.write(f"\n----- mail (console backend) -----\n{email}\n-----\n")
        sys.stdout.flush()
        return
    smtp_class = smtplib.SMTP_SSL if settings["SMTP_SSL"] else smtplib.SMTP
    with smtp_class(
        settings["SMTP_HOST"], settings["SMTP_PORT"], timeout=settings["SMTP_TIMEOUT"]
    ) as smtp:
        if settings["SMTP_STARTTLS"]:
            smtp.starttls()
        if settings["SMTP_USERNAME"]:
            smtp.login(settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"])
        smtp.send_message(email)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver(db: Session, message: OutboxMessage, *, settings: Mapping, now: datetime) -> bool:
    """Try to send one queued message; record the outcome and commit. True when sent.

    A message that cannot be built (or fails in any other unforeseen way) is marked failed
    with its reason at once: retrying would fail the same way.
    """
    message.attempts += 1
    try:
        _send(_as_email(message, settings["MAIL_SENDER"]), settings)
    except (OSError, smtplib.SMTPException) as exc:
        message.last_error = _reason(exc)
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED.value
        message.next_attempt_at = now + backoff(message.attempts)
        db.add(message)
        db.commit()
        return False
    except Exception as exc:  # one poisoned row must not stop the others
        message.last_error = _reason(exc)
        message.status = MailStatus.FAILED.value
        db.add(message)
        db.commit()
        return False
    message.status = MailStatus.SENT.value
    message.sent_at = now
    message.last_error = None
    db.add(message)
    db.commit()
    return True


@dataclass(frozen=True)
class MailCheck:
    """The outcome of a test mail: sent, or what went wrong in one word plus the error text."""

    problem: str | None  # None when sent; else one of the keys of `_problem`'s answers
    detail: str = ""  # the exception's own words, for the admin to pass on

    @property
    def is_sent(self) -> bool:
        """True when the mail server (or the console backend) took the message."""
        return self.problem is None


def _problem(error: Exception) -> str:
    """What went wrong, as a word the admin page explains: refused, timeout, login …"""
    kinds = (
        (smtplib.SMTPAuthenticationError, "login"),
        (smtplib.SMTPRecipientsRefused, "recipient"),
        (smtplib.SMTPSenderRefused, "sender"),
        ((smtplib.SMTPNotSupportedError, ssl.SSLError), "tls"),
        (socket.gaierror, "unknown_host"),
        (ConnectionRefusedError, "refused"),
        (TimeoutError, "timeout"),
    )
    return next((word for kind, word in kinds if isinstance(error, kind)), "other")


def send_test_mail(*, to: str, subject: str, text: str, settings: Mapping) -> MailCheck:
    """Send one message now, the way the outbox sends, but outside it: no row, no retries."""
    message = OutboxMessage(to_address=to, subject=subject, body_text=text)
    try:
        _send(_as_email(message, settings["MAIL_SENDER"]), settings)
    except (OSError, smtplib.SMTPException) as exc:
        return MailCheck(_problem(exc), f"{type(exc).__name__}: {exc}"[:500])
    return MailCheck(None)


def deliver_due(db: Session, *, settings: Mapping, now: datetime, limit: int = 200) -> int:
    """Send the queued messages whose next attempt is due; returns how many were sent.

    One message never blocks the queue: whatever goes wrong with it (even while recording its
    outcome), it is marked failed with the reason and the run goes on with the next.
    """
    due_ids = db.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MailStatus.QUEUED.value)
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = 0
    for message_id in due_ids:
        try:
            message = db.get(OutboxMessage, message_id)
            if message is not None and message.status == MailStatus.QUEUED.value:
                sent += deliver(db, message, settings=settings, now=now)
        except Exception as exc:  # isolate the row: the others still go
            db.rollback()
            _mark_failed(db, message_id, reason=_reason(exc))
    return sent


def _mark_failed(db: Session, message_id: int, *, reason: str) -> None:
    """Record a failure that happened outside `deliver`'s own handling. Commits."""
    db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=MailStatus.FAILED.value,
            last_error=reason,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    db.commit()


def outbox_page(db: Session, *, organisation_id: int, status: str | None, page: int, per_page: int):
    """The organisation's mail, newest first, optionally of one status (admins)."""
    from portfolio.pagination import paginate

    statement = select(OutboxMessage).where(OutboxMessage.organisation_id == organisation_id)
    if status:
        statement = statement.where(OutboxMessage.status == status)
    statement = statement.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return paginate(db, statement, page=page, per_page=per_page)
