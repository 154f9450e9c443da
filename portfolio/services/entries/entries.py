"""The worker's entries: save with tags, delete, share, submit, correct after sign-off.

Input is checked by `entry_input` first. Free text with privacy findings is saved only when the
worker explicitly confirms, which is recorded. Only a draft or returned entry changes; every
save raises `Entry.version`, so a supervisor's decision form opened before the change is refused
(see services.signoff). After sign-off nothing changes silently (Beroepscode art. 24): a
correction is a new draft that supersedes the signed entry and needs its own sign-off; the
signed one stays as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, insert, literal, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

import competencies
from portfolio.errors import NotFound
from portfolio.infra.links import Link
from portfolio.models import (
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryStatus,
    EntryTag,
    TagVocabulary,
    TeamLead,
    User,
)
from portfolio.models.entry import EDITABLE_STATUSES
from portfolio.services.entries import evidence
from portfolio.services.entries.entry_input import EntryInput
from portfolio.services.entries.signoff import CONTENT_FIELDS
from portfolio.services.notifications import notifications
from portfolio.services.organisation import org_settings
from portfolio.services.privacy import audit


class EntryLocked(PermissionError):
    """Only a draft or returned entry can be changed or deleted; `status` says why not."""

    def __init__(self, entry_id: int, *, status: str) -> None:
        super().__init__(entry_id)
        self.status = status


class NotSubmittable(ValueError):
    """The entry cannot be submitted: its `reason` is "kind" (no sign-off) or "status"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotCorrectable(ValueError):
    """Only a signed entry is corrected (a draft or returned one is simply changed)."""


def _apply(entry: Entry, data: EntryInput, now: datetime) -> None:
    entry.title = data.title.strip()
    entry.occurred_on = data.occurred_on
    entry.end_on = data.end_on
    entry.hours = data.hours if data.hours is not None else Decimal(0)
    for name, value in data.fields.items():
        setattr(entry, name, value.strip() if isinstance(value, str) and value else value or None)
    entry.updated_at = now


def _set_tags(db: Session, entry: Entry, data: EntryInput) -> None:
    db.execute(delete(EntryTag).where(EntryTag.entry_id == entry.id))
    tags = (
        [(TagVocabulary.COMPETENCY, c) for c in dict.fromkeys(data.competencies)]
        + [(TagVocabulary.ARTICLE, str(n)) for n in dict.fromkeys(data.articles)]
        + [(TagVocabulary.KNOWLEDGE_AREA, k) for k in dict.fromkeys(data.knowledge_areas)]
    )
    for vocabulary, code in tags:
        db.add(EntryTag(entry_id=entry.id, vocabulary=vocabulary.value, code=code))


def save(
    db: Session,
    *,
    owner: User,
    data: EntryInput,
    now: datetime,
    entry: Entry | None = None,
    privacy_overridden: Iterable[str] = (),
) -> Entry:
    """Create or update an entry with its tags; an update raises the version.

    `privacy_overridden` names the fields the worker saved despite the privacy scan's
    findings: recorded on the entry and audited; an entry saved without findings loses the
    mark. Raises EntryLocked unless the entry is a draft or returned.
    """
    privacy_overridden = sorted(privacy_overridden)
    if entry is not None and not entry.is_editable:
        raise EntryLocked(entry.id, status=entry.status)
    if entry is None:
        entry = Entry(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            kind=data.kind,
            catalogue_version=competencies.CATALOGUE_VERSION,
            created_at=now,
            title="",
            occurred_on=data.occurred_on,
        )
    else:
        _claim_next_version(db, entry)
    _apply(entry, data, now)
    entry.privacy_override_at = now if privacy_overridden else None
    db.add(entry)
    db.flush()
    _set_tags(db, entry, data)
    if privacy_overridden:
        audit.record_privacy_override(
            db,
            actor=owner,
            subject_id=owner.id,
            subject_type="entry",
            object_id=entry.id,
            fields=privacy_overridden,
        )
    return entry


def _claim_next_version(db: Session, entry: Entry) -> None:
    """Raise the version in the database only if the entry is still the editable version this
    request read: a submit (or another save) that committed meanwhile wins, and this save
    raises EntryLocked instead of changing a submitted entry. Submit does the same."""
    version = entry.version
    won = db.execute(
        update(Entry)
        .where(Entry.id == entry.id, Entry.version == version, Entry.status.in_(EDITABLE_STATUSES))
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        db.rollback()
        raise EntryLocked(entry.id, status=db.get(Entry, entry.id).status)
    set_committed_value(entry, "version", version + 1)


def tags_of(db: Session, *, entry_id: int) -> dict[str, list[str]]:
    """{vocabulary: [codes]} of an entry."""
    tags: dict[str, list[str]] = {v.value: [] for v in TagVocabulary}
    for vocabulary, code in db.execute(
        select(EntryTag.vocabulary, EntryTag.code).where(EntryTag.entry_id == entry_id)
    ):
        tags[vocabulary].append(code)
    return tags


class EntryNotFound(NotFound):
    """No such entry of this owner (another worker's entry does not exist for them)."""


def own_entry(db: Session, *, owner: User, entry_id: int) -> Entry:
    """The owner's entry; raises EntryNotFound otherwise."""
    entry = db.get(Entry, entry_id)
    if entry is None or entry.owner_id != owner.id:
        raise EntryNotFound(entry_id)
    return entry


def delete_entry(db: Session, *, entry: Entry) -> None:
    """Delete an entry with its tags and files. Raises EntryLocked unless editable."""
    if not entry.is_editable:
        raise EntryLocked(entry.id, status=entry.status)
    db.delete(entry)
    db.flush()


def set_shared(db: Session, *, entry: Entry, shared: bool, now: datetime) -> None:
    """Share one entry with the supervisor, or withdraw it."""
    entry.is_shared = shared
    entry.updated_at = now
    db.add(entry)
    db.flush()


def submit(db: Session, *, entry: Entry, now: datetime, base_url: str) -> int:
    """Submit a draft or returned entry of a kind the organisation signs off.

    The active supervisors of the owner's team are notified; returns how many there are (0:
    submitted, but nobody can sign it yet). Raises NotSubmittable.
    """
    if entry.kind not in org_settings.signoff_kinds(db, organisation_id=entry.organisation_id):
        raise NotSubmittable("kind")
    version = entry.version
    won = db.execute(
        update(Entry)
        .where(Entry.id == entry.id, Entry.version == version, Entry.status.in_(EDITABLE_STATUSES))
        .values(status=EntryStatus.SUBMITTED.value, version=version + 1, updated_at=now)
    ).rowcount
    if not won:  # not editable, or changed meanwhile (a second click)
        db.rollback()
        raise NotSubmittable("status")
    db.add(
        EntryEvent(
            entry_id=entry.id,
            actor_id=entry.owner_id,
            action="submitted",
            entry_version=version + 1,
            at=now,
        )
    )
    owner = db.get(User, entry.owner_id)
    supervisors = (
        db.scalars(
            select(User)
            .join(TeamLead, TeamLead.user_id == User.id)
            .where(TeamLead.team_id == owner.team_id, User.is_active.is_(True), User.id != owner.id)
        ).all()
        if owner.team_id is not None
        else []
    )
    for supervisor in supervisors:
        notifications.notify(
            db,
            user=supervisor,
            kind="submitted",
            title_and_body=lambda: (
                _("For sign-off: %(title)s", title=entry.title),
                _(
                    "%(name)s submitted \u201c%(title)s\u201d for sign-off.",
                    name=owner.name,
                    title=entry.title,
                ),
            ),
            link=Link("supervisor.review_entry", {"entry_id": entry.id}),
            base_url=base_url,
            now=now,
        )
    db.flush()
    return len(supervisors)


def correction_of(db: Session, *, entry: Entry) -> int | None:
    """The id of the newer version that corrects this entry, if there is one."""
    return db.scalar(
        select(Entry.id)
        .where(Entry.supersedes_id == entry.id, Entry.owner_id == entry.owner_id)
        .order_by(Entry.id.desc())
        .limit(1)
    )


def correct(db: Session, *, entry: Entry, owner: User, now: datetime) -> Entry:
    """A new draft version of a signed entry (fields, tags, participants, files).

    The signed entry stays as it is and is superseded by the draft, which needs its own
    sign-off. A signed entry has at most one correction: asking again returns it.
    Raises NotCorrectable unless the entry is signed.
    """
    if entry.status != EntryStatus.SIGNED.value:
        raise NotCorrectable(entry.id)
    # Lock the signed row (PostgreSQL) so that a double click makes one correction, not two.
    db.execute(select(Entry.id).where(Entry.id == entry.id).with_for_update())
    existing = correction_of(db, entry=entry)
    if existing is not None:
        db.flush()
        return db.get(Entry, existing)
    new = Entry(
        organisation_id=entry.organisation_id,
        owner_id=entry.owner_id,
        catalogue_version=entry.catalogue_version,
        supersedes_id=entry.id,
        is_shared=entry.is_shared,
        privacy_override_at=entry.privacy_override_at,
        created_at=now,
        updated_at=now,
        **{name: copy.deepcopy(getattr(entry, name)) for name in CONTENT_FIELDS},
    )
    db.add(new)
    db.flush()
    _copy_rows(db, EntryTag, ("vocabulary", "code"), source=entry.id, target=new.id)
    _copy_rows(db, EntryParticipant, ("user_id", "confirmed_at"), source=entry.id, target=new.id)
    evidence.copy_files(db, source_entry_id=entry.id, target_entry_id=new.id)
    db.add(
        EntryEvent(
            entry_id=entry.id,
            actor_id=owner.id,
            action="corrected",
            entry_version=entry.version,
            at=now,
        )
    )
    db.flush()
    return new


def _copy_rows(db: Session, table, columns: tuple[str, ...], *, source: int, target: int) -> None:
    """Copy an entry's rows of a child table to another entry, inside the database."""
    db.execute(
        insert(table).from_select(
            ["entry_id", *columns],
            select(literal(target), *(getattr(table, c) for c in columns)).where(
                table.entry_id == source
            ),
        )
    )
