"""A participant's own copy of a shared peer review session: made once, found again after.

The copy holds the session's shared facts and competency tags, never the owner's case text or
learning points; the participant adds their own learning points. The copy points at the session
(`Entry.copied_from_id`, unique per owner), so a second attempt finds it; reading the session
to copy it is written to the audit log ("copy_session").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, literal, select, update
from sqlmodel import Session

from portfolio.models import Entry, EntryParticipant, EntryTag, User, UTCDateTime
from portfolio.services.privacy import audit
from portfolio.services.sessions.participation import (
    SHARED_FIELDS,
    NotAParticipant,
    session_for_participant,
)

COPY_ACTION = "copy_session"


def existing_copy(db: Session, *, user: User, entry_id: int) -> Entry | None:
    """The copy this participant made of the session, if they still have it."""
    return db.scalars(
        select(Entry).where(Entry.owner_id == user.id, Entry.copied_from_id == entry_id)
    ).first()


def copy_once(db: Session, *, user: User, entry_id: int, now: datetime) -> tuple[Entry, bool]:
    """(the participant's draft copy of the session, made now?). Confirms attendance.

    The first call makes the copy; later calls (a double click, a second tab) return it. The
    participant's row is updated before anything is looked up, so a second request waits until
    the first has committed its copy. Raises NotAParticipant.
    """
    entry, _mine, _people, _owner = session_for_participant(db, user=user, entry_id=entry_id)
    claimed = db.execute(
        update(EntryParticipant)
        .where(EntryParticipant.entry_id == entry_id, EntryParticipant.user_id == user.id)
        .values(
            confirmed_at=func.coalesce(EntryParticipant.confirmed_at, literal(now, UTCDateTime()))
        )
    ).rowcount
    if not claimed:  # removed from the session meanwhile
        db.rollback()
        raise NotAParticipant(entry_id)
    found = existing_copy(db, user=user, entry_id=entry_id)
    if found is not None:
        db.flush()
        return found, False
    copy = Entry(
        organisation_id=user.organisation_id,
        owner_id=user.id,
        copied_from_id=entry.id,
        catalogue_version=entry.catalogue_version,
        created_at=now,
        updated_at=now,
        **{name: getattr(entry, name) for name in SHARED_FIELDS},
    )
    db.add(copy)
    db.flush()
    for vocabulary, code in db.execute(
        select(EntryTag.vocabulary, EntryTag.code).where(EntryTag.entry_id == entry.id)
    ):
        db.add(EntryTag(entry_id=copy.id, vocabulary=vocabulary, code=code))
    audit.record(
        db,
        actor=user,
        action=COPY_ACTION,
        subject_user_id=entry.owner_id,
        subject_type="entry",
        subject_id=entry.id,
        detail=f"copy={copy.id}",
    )
    db.flush()
    return copy, True
