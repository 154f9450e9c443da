"""Mail through the outbox: queue a row, then deliver over SMTP (or to the console)."""

from __future__ import annotations

import smtplib
import socket
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlmodel import Session

from portfolio.models import MailStatus, OutboxMessage

MAX_ATTEMPTS = 8


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
        subject=subject,
        body_text=text,
        body_html=html,
        organisation_id=organisation_id,
    )
    db.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
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


def deliver(db: Session, message: OutboxMessage, *, settings: Mapping, now: datetime) -> bool:
    """Try to send one queued message; record the outcome and commit. True when sent."""
    message.attempts += 1
    try:
        _send(_as_email(message, settings["MAIL_SENDER"]), settings)
    except (OSError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED.value
        message.next_attempt_at = now + backoff(message.attempts)
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
    """Send the queued messages whose next attempt is due; returns how many were sent."""
    due = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.QUEUED.value)
        .where(OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return sum(deliver(db, message, settings=settings, now=now) for message in due)


def outbox_page(db: Session, *, organisation_id: int, status: str | None, page: int, per_page: int):
    """The organisation's mail, newest first, optionally of one status (admins)."""
    from portfolio.pagination import paginate

    statement = select(OutboxMessage).where(OutboxMessage.organisation_id == organisation_id)
    if status:
        statement = statement.where(OutboxMessage.status == status)
    statement = statement.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return paginate(db, statement, page=page, per_page=per_page)
