"""A peer review session is shared: colleagues confirm attendance and can copy it.

Participants see the shared facts of the session (date, form, facilitator, method, who took
part) — never the owner's case description or learning points.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlmodel import Session

from portfolio.errors import NotFound
from portfolio.infra.links import Link
from portfolio.models import Entry, EntryKind, EntryParticipant, User
from portfolio.services.notifications import notifications

SHARED_FIELDS = (
    "kind",
    "title",
    "occurred_on",
    "end_on",
    "hours",
    "form",
    "facilitator",
    "facilitator_registration",
    "method",
    "external_participants",
    "level",
)


class NotAParticipant(NotFound):
    """The session does not exist for this person."""


def invite(
    db: Session,
    *,
    entry: Entry,
    user_ids: Iterable[int],
    owner: User,
    base_url: str,
    now: datetime,
) -> int:
    """Add colleagues of the owner's organisation as participants and ask them to confirm.

    Already invited colleagues are left alone. Returns how many were added.
    """
    existing = set(
        db.scalars(select(EntryParticipant.user_id).where(EntryParticipant.entry_id == entry.id))
    )
    wanted = set(user_ids) - existing - {owner.id}
    colleagues = db.scalars(
        select(User).where(
            User.id.in_(wanted),
            User.organisation_id == owner.organisation_id,
            User.is_active.is_(True),
        )
    ).all()
    for colleague in colleagues:
        db.add(EntryParticipant(entry_id=entry.id, user_id=colleague.id))
        notifications.notify(
            db,
            user=colleague,
            kind="attendance",
            title_and_body=lambda: (
                _("Did you take part in \u201c%(title)s\u201d?", title=entry.title),
                _(
                    "%(name)s recorded a session with you as participant. Confirm your "
                    "attendance with one click.",
                    name=owner.name,
                ),
            ),
            link=Link("sessions.shared_session", {"entry_id": entry.id}),
            subject_id=entry.id,
            base_url=base_url,
            now=now,
        )
    return len(colleagues)


def set_participants(
    db: Session,
    *,
    entry: Entry,
    user_ids: Iterable[int],
    owner: User,
    base_url: str,
    now: datetime,
) -> tuple[int, int]:
    """Make the session's participants these colleagues: invite the new ones, and remove those
    left out who have not confirmed yet (a confirmed attendance stays).

    Returns (how many were invited, how many were removed).
    """
    wanted = set(user_ids)
    removed = db.execute(
        delete(EntryParticipant).where(
            EntryParticipant.entry_id == entry.id,
            EntryParticipant.user_id.not_in(wanted),
            EntryParticipant.confirmed_at.is_(None),
        )
    ).rowcount
    added = invite(db, entry=entry, user_ids=wanted, owner=owner, base_url=base_url, now=now)
    return added, removed


def session_for_participant(
    db: Session, *, user: User, entry_id: int
) -> tuple[Entry, EntryParticipant, list[tuple[str, bool]], str]:
    """(entry, my participation, [(name, confirmed)], owner name) for a participant."""
    participation = db.get(EntryParticipant, (entry_id, user.id))
    entry = db.get(Entry, entry_id) if participation else None
    if entry is None or entry.organisation_id != user.organisation_id:
        raise NotAParticipant(entry_id)
    people = [(name, confirmed) for _id, name, confirmed in participants_of(db, entry_id=entry_id)]
    owner_name = db.scalar(select(User.name).where(User.id == entry.owner_id))
    return entry, participation, people, owner_name


def confirm(db: Session, *, user: User, entry_id: int, now: datetime) -> None:
    """Confirm attendance (idempotent)."""
    participation = db.get(EntryParticipant, (entry_id, user.id))
    if participation is None:
        raise NotAParticipant(entry_id)
    if participation.confirmed_at is None:
        participation.confirmed_at = now
        db.add(participation)
        db.flush()


def is_peer_review(entry: Entry) -> bool:
    """Only peer review sessions have participants."""
    return entry.kind == EntryKind.PEER_REVIEW.value


def team_colleagues(db: Session, *, owner: User) -> list[User]:
    """Active colleagues of the owner's team, who can be picked as participants."""
    if owner.team_id is None:
        return []
    return db.scalars(
        select(User)
        .where(User.team_id == owner.team_id, User.id != owner.id, User.is_active.is_(True))
        .order_by(User.name)
    ).all()


def colleagues_by_email(db: Session, *, owner: User, emails: Iterable[str]) -> dict[str, int]:
    """{lower-cased e-mail: user id} of the active colleagues with these addresses."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return {}
    rows = db.execute(
        select(User.email, User.id).where(
            User.email.in_(wanted),
            User.organisation_id == owner.organisation_id,
            User.is_active.is_(True),
            User.id != owner.id,
        )
    )
    return {email.lower(): user_id for email, user_id in rows}


def participants_of(db: Session, *, entry_id: int) -> list[tuple[int, str, bool]]:
    """(user id, name, confirmed) of a session's participants with an account."""
    rows = db.execute(
        select(User.id, User.name, EntryParticipant.confirmed_at)
        .join(EntryParticipant, EntryParticipant.user_id == User.id)
        .where(EntryParticipant.entry_id == entry_id)
        .order_by(User.name)
    )
    return [(user_id, name, at is not None) for user_id, name, at in rows]


def participant_ids(db: Session, *, entry_id: int) -> list[int]:
    """Ids of a session's participants with an account."""
    return [user_id for user_id, _name, _confirmed in participants_of(db, entry_id=entry_id)]
