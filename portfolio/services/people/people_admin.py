"""HR manages people: create, edit, deactivate and reactivate accounts, and invite new people.

Every change is audited with ids and the names of the changed fields, never their values.
New people get no password: they receive an invitation, a single-use link of the password-reset
kind (the reset tokens of `accounts`, the mail through the outbox). Teams: `team_admin`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio import access, errors
from portfolio.infra import bulk, links, mail
from portfolio.infra.links import Link
from portfolio.models import (
    MailStatus,
    Organisation,
    OutboxMessage,
    PasswordResetToken,
    Role,
    Team,
    TeamLead,
    User,
)
from portfolio.models.base import utcnow
from portfolio.services.accounts import accounts, email_change
from portfolio.services.accounts.passwords import hash_password
from portfolio.services.people.people import PersonNotVisible
from portfolio.services.privacy import audit

# An invitation waits longer than a reset link (hours): a new colleague may read it next week.
INVITATION_TTL = timedelta(days=7)
EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
EMAIL_MAX = 254
NAME_MAX = 200
QUEUED = MailStatus.QUEUED.value


class NotAllowed(errors.NotAllowed):
    """The viewer may see this account but not change it (answered as 403)."""


class PersonError(ValueError):
    """A value is refused: `field` names the form field, `code` says why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Invitee:
    """What an invitation needs to know about a new person."""

    user_id: int
    email: str
    name: str
    locale: str


def is_valid_email(email: str) -> bool:
    """A plausible address: one @, a dot in the domain, no spaces or separators."""
    return len(email) <= EMAIL_MAX and bool(EMAIL_RE.match(email))


def unusable_password_hash() -> str:
    """A real argon2id hash of a secret nobody keeps: log-in fails in the usual time."""
    return hash_password(secrets.token_urlsafe(32))


def person_for_change(db: Session, *, actor: User, person_id: int) -> User:
    """The account `actor` wants to change: PersonNotVisible (404) or NotAllowed (403) otherwise."""
    person = db.get(User, person_id)
    if person is None or not access.same_organisation(actor, person):
        raise PersonNotVisible(person_id)
    if not access.may_change_person(actor, person):
        raise NotAllowed(person_id)
    if person.erased_at is not None:  # a tombstone (services.privacy.erasure) stays one
        raise NotAllowed(person_id)
    return person


def team_choices(db: Session, *, organisation_id: int) -> list[Team]:
    """The organisation's teams by name (for the person form)."""
    return list(
        db.scalars(select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name))
    )


def _email(db: Session, email: str, *, exclude_id: int | None = None) -> str:
    email = accounts.normalise_email(email)
    if not is_valid_email(email):
        raise PersonError("email", "invalid")
    # Addresses are unique across the whole instance: they are the log-in name. The refusal
    # does not say whose it is (nor whether in this organisation or another).
    if email_change.is_taken(db, email, exclude_id=exclude_id):
        raise PersonError("email", "taken")
    return email


def _team_id(db: Session, *, organisation_id: int, team_id: int | None) -> int | None:
    if not team_id:
        return None
    team = db.get(Team, team_id)
    if team is None or team.organisation_id != organisation_id:
        raise PersonError("team_id", "unknown")
    return team.id


def _role(actor: User, role: str) -> str:
    if role not in {str(r) for r in access.assignable_roles(actor)}:
        raise PersonError("role", "not_allowed")
    return role


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise PersonError("name", "invalid")
    return name


def _commit_unique(db: Session) -> None:
    """Commit; a concurrent request that took the same address loses with a clear error."""
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise PersonError("email", "taken") from exc


def create_person(
    db: Session,
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    team_id: int | None,
    now: datetime,
    base_url: str,
    employment_started_on: date | None = None,
) -> tuple[User, OutboxMessage]:
    """Create an account without a password and queue its invitation.

    Returns the person and the queued invitation (the caller may try to deliver it at once).
    """
    person = User(
        organisation_id=actor.organisation_id,
        email=_email(db, email),
        name=_name(name),
        role=_role(actor, role),
        team_id=_team_id(db, organisation_id=actor.organisation_id, team_id=team_id),
        password_hash=unusable_password_hash(),
        session_token=accounts.new_session_token(),
        created_at=now,
        employment_started_on=employment_started_on,
    )
    db.add(person)
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise PersonError("email", "taken") from exc
    message = invite(db, person=person, now=now, base_url=base_url)
    audit.record(
        db, actor=actor, action="person_created", subject_user_id=person.id, subject_type="user"
    )
    _commit_unique(db)
    return person, message


def update_person(
    db: Session,
    *,
    actor: User,
    person: User,
    email: str,
    name: str,
    role: str,
    team_id: int | None,
    employment_started_on: date | None = None,
    now: datetime | None = None,
    base_url: str = "",
) -> list[str]:
    """Change name, address, role, team and start date; returns the changed fields.

    Nobody changes their own role (they could lock themselves out). A supervisor who gets another
    role stops leading their teams. The address of an account that has been used is its owner's
    to change (`email_change`; the policy in portfolio.access): HR may only correct the address
    of an account never used, which voids the invitation sent to the old address and sends a
    new one to the corrected address.
    """
    values = {
        "email": _email(db, email, exclude_id=person.id),
        "name": _name(name),
        "role": _role(actor, role),
        "team_id": _team_id(db, organisation_id=person.organisation_id, team_id=team_id),
        "employment_started_on": employment_started_on,
    }
    changed = [field for field, value in values.items() if getattr(person, field) != value]
    if "role" in changed and person.id == actor.id:
        raise PersonError("role", "own_role")
    if not changed:
        return []
    if "email" in changed and not access.may_correct_email(
        actor, person, used=email_change.has_been_used(db, person)
    ):
        raise PersonError("email", "owner_only")
    if "role" in changed and person.role == Role.SUPERVISOR.value:
        db.execute(delete(TeamLead).where(TeamLead.user_id == person.id))
    for field in changed:
        setattr(person, field, values[field])
    db.add(person)
    detail = "fields=" + ",".join(changed)
    if "email" in changed:
        now = now or utcnow()
        email_change.end_sessions_and_links(db, user=person, now=now)
        db.flush()
        invite(db, person=person, now=now, base_url=base_url)
        detail += "; email corrected by HR on an account never used; invitation sent again"
    audit.record(
        db,
        actor=actor,
        action="person_updated",
        subject_user_id=person.id,
        subject_type="user",
        detail=detail,
    )
    _commit_unique(db)
    return changed


def deactivate_person(db: Session, *, actor: User, person: User, now: datetime) -> None:
    """Deactivate an account and end all its sessions at once (a replayed cookie is refused).

    Open invitation and reset links are voided too. Idempotent.
    """
    if person.id == actor.id:
        raise PersonError("is_active", "own_account")
    if not person.is_active:
        return
    person.is_active = False
    person.deactivated_at = now
    # The session token is part of every session cookie (accounts.load_session_user): a new
    # one ends all sessions, and reactivation does not bring the old ones back.
    person.session_token = accounts.new_session_token()
    db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == person.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    db.add(person)
    audit.record(
        db,
        actor=actor,
        action="person_deactivated",
        subject_user_id=person.id,
        subject_type="user",
    )
    db.flush()


def reactivate_person(db: Session, *, actor: User, person: User) -> None:
    """Let a deactivated account log in again (with its password; none: "Forgot password")."""
    if person.is_active:
        return
    person.is_active = True
    person.deactivated_at = None
    person.retention_warned_at = None  # a new departure starts a new retention period
    db.add(person)
    audit.record(
        db,
        actor=actor,
        action="person_reactivated",
        subject_user_id=person.id,
        subject_type="user",
    )
    db.flush()


# --- invitations ---------------------------------------------------------------------------


def _invitation_mail(*, name: str, organisation: str, link: str) -> tuple[str, str]:
    """Subject and text of an invitation, in the current locale."""
    # The template alone, without render_template's context processors: they may query the
    # database (the header's unread count), which would cost a query per invitation.
    template = current_app.jinja_env.get_template("mail/invitation.txt")
    subject = str(_("Your Vakbekwaam account: choose a password"))
    text = template.render(
        name=name, organisation=organisation, link=link, days=INVITATION_TTL.days
    )
    return subject, text


def _reset_link(base_url: str, token: str) -> str:
    return links.external(Link("auth.reset_password", {"token": token}), base_url=base_url)


def invite(db: Session, *, person: User, now: datetime, base_url: str) -> OutboxMessage:
    """Queue one invitation: a reset token and a mail in the outbox."""
    token = accounts.create_reset_token(db, user=person, now=now, ttl=INVITATION_TTL)
    organisation = db.get(Organisation, person.organisation_id)
    with force_locale(person.locale):
        subject, text = _invitation_mail(
            name=person.name, organisation=organisation.name, link=_reset_link(base_url, token)
        )
    return mail.queue_mail(
        db,
        to=person.email,
        subject=subject,
        text=text,
        organisation_id=person.organisation_id,
        now=now,
    )


# Stand-ins for what differs per person, so the template is rendered once per language.
NAME_SLOT, LINK_SLOT = "\x00name\x00", "\x00link\x00"


def _layout(text: str) -> str:
    """The rendered mail with its slots as str.format fields (and its own braces escaped)."""
    text = text.replace("{", "{{").replace("}", "}}")
    return text.replace(NAME_SLOT, "{name}").replace(LINK_SLOT, "{link}")


def invite_many(
    db: Session,
    *,
    people: Iterable[Invitee],
    organisation: Organisation,
    now: datetime,
    base_url: str,
) -> int:
    """Queue invitations for many new people, set-based (two bulk inserts)."""
    layouts: dict[str, tuple[str, str]] = {}  # per language: subject, text with slots
    tokens, mails = [], []
    for person in people:
        if person.locale not in layouts:
            with force_locale(person.locale):
                subject, text = _invitation_mail(
                    name=NAME_SLOT, organisation=organisation.name, link=LINK_SLOT
                )
            layouts[person.locale] = subject, _layout(text)
        subject, layout = layouts[person.locale]
        token = secrets.token_urlsafe(32)
        tokens.append((person.user_id, accounts.reset_token_hash(token), now, now + INVITATION_TTL))
        # One pass: what is filled in is never read as a field again (a "{" in a name is text).
        text = layout.format(name=person.name, link=_reset_link(base_url, token))
        mails.append((organisation.id, person.email, subject, text, QUEUED, 0, now, now))
    bulk.insert_rows(
        db,
        PasswordResetToken.__table__,
        ("user_id", "token_hash", "created_at", "expires_at"),
        tokens,
        binary=True,
    )
    bulk.insert_rows(
        db,
        OutboxMessage.__table__,
        (
            "organisation_id",
            "to_address",
            "subject",
            "body_text",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
        ),
        mails,
        binary=True,
    )
    return len(mails)
