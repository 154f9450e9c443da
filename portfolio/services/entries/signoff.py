"""Sign-off of entries by the supervisor of the worker's team (Beroepscode art. 24).

A decision is an optimistic update on the entry's version: of two supervisors deciding at
once, one wins and the other is told; nothing is half-written. A signed entry carries who
signed, when, and a hash of exactly what was signed.

The queue and its ages count from the latest submission (the latest "submitted" EntryEvent),
never from `Entry.updated_at`: sharing or another touch of the entry must not make it look new.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, exists, func, select, update
from sqlmodel import Session

from portfolio import access
from portfolio.db import read_rows
from portfolio.errors import NotFound
from portfolio.infra.links import Link
from portfolio.models import (
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryStatus,
    EntryTag,
    EvidenceFile,
    TeamLead,
    User,
)
from portfolio.services.notifications import notifications
from portfolio.services.people.people import led_team_ids
from portfolio.services.privacy import audit

CONTENT_FIELDS = (
    "kind",
    "title",
    "occurred_on",
    "end_on",
    "hours",
    "body",
    "sections",
    "level",
    "dilemma_category",
    "provider",
    "accreditation_id",
    "form",
    "facilitator",
    "facilitator_registration",
    "method",
    "external_participants",
    "case_description",
    "learning_points",
    "activity_type",
    "employer",
    "role_title",
    "hours_per_week",
)

# What a correction copies: the content, with the accreditations as stored now.
COPIED_FIELDS = (
    *(name for name in CONTENT_FIELDS if name != "accreditation_id"),
    "accreditations",
    "accredited_by",
    "in_profession",
    "art3_requirement",
)

CENT = Decimal("0.01")


class NotReviewable(NotFound):
    """The entry does not exist for this supervisor, or is not waiting for a decision."""


class AlreadyDecided(RuntimeError):
    """Another decision on this entry came first, or the entry changed since it was read."""

    def __init__(self, entry_id: int, *, status: str) -> None:
        super().__init__(entry_id)
        self.status = status  # the entry's status now


DECISIONS = frozenset({"signed", "returned"})


@dataclass(frozen=True)
class WaitingEntry:
    """What the queue shows of an entry waiting for sign-off (not its content)."""

    id: int
    title: str
    occurred_on: date
    supersedes_id: int | None


@dataclass(frozen=True)
class QueueItem:
    """An entry waiting for sign-off, with its owner, when it was submitted and its age."""

    entry: WaitingEntry
    owner_name: str
    submitted_at: datetime
    waiting_days: int


def content_hash(db: Session, entry: Entry) -> str:
    """sha256 over what a supervisor signs, in a canonical form: the entry's content and tags,
    the colleagues (accounts) who took part, and the sha256 of each evidence file."""
    payload = _signed_content(db, entry)
    for name in ("hours", "hours_per_week"):  # 1.5 as typed and 1.50 as stored hash alike
        if payload[name] is not None:
            payload[name] = Decimal(payload[name]).quantize(CENT)
    payload["participants"] = sorted(
        db.scalars(select(EntryParticipant.user_id).where(EntryParticipant.entry_id == entry.id))
    )
    payload["files"] = sorted(
        db.scalars(select(EvidenceFile.sha256).where(EvidenceFile.entry_id == entry.id))
    )
    return _digest(payload)


def signature_intact(db: Session, entry: Entry) -> bool | None:
    """Whether the entry is still what was signed (None: not signed). A signature made before
    participants and files were part of the hash is checked against content and tags."""
    if not entry.signed_hash:
        return None
    return entry.signed_hash in (content_hash(db, entry), _digest(_signed_content(db, entry)))


def _signed_content(db: Session, entry: Entry) -> dict:
    tags = sorted(
        db.execute(
            select(EntryTag.vocabulary, EntryTag.code).where(EntryTag.entry_id == entry.id)
        ).all()
    )
    payload = {name: getattr(entry, name, None) for name in CONTENT_FIELDS}
    payload.update(_accreditation_content(entry))
    payload["tags"] = [list(tag) for tag in tags]
    return payload


def _accreditation_content(entry: Entry) -> dict:
    """The fields added by issue 14, written so that what was signed before hashes the same:
    a single id of an unknown register is the old "accreditation_id"; the rest only when set."""
    items = entry.accreditation_list
    content: dict = {"accreditation_id": None}
    if len(items) == 1 and items[0][0] is None:
        content["accreditation_id"] = items[0][1]
    elif items:
        content["accreditations"] = [list(item) for item in items]
    if entry.in_profession is False:
        content["in_profession"] = False
    if entry.art3_requirement:
        content["art3_requirement"] = entry.art3_requirement
    return content


def _digest(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _waiting():
    """(statement, its submitted-at column): entries waiting for a supervisor's sign-off.

    The statement selects (the entry's id, title, date and the entry it corrects, the owner's
    name, submitted at), unordered: the columns the queue shows, not whole entries.
    Parameters supervisor_id and organisation_id (the supervisor's). Waiting counts from the
    latest submission; an entry without a "submitted" event (made before events were kept)
    counts from its creation. The supervisor's own entries are never here: nobody signs
    their own.
    """
    supervisor_id = bindparam("supervisor_id", type_=Integer)
    latest_submission = (
        select(func.max(EntryEvent.at))
        .where(EntryEvent.entry_id == Entry.id, EntryEvent.action == "submitted")
        .correlate(Entry)
        .scalar_subquery()
    )
    submitted_at = func.coalesce(latest_submission, Entry.created_at).label("submitted_at")
    led_teams = select(TeamLead.team_id).where(TeamLead.user_id == supervisor_id)
    # "+ 0" keeps the organisation out of SQLite's choice of index: without statistics (as the
    # app runs it) SQLite read every person of the organisation through that index to check
    # their team (15 ms at 70,000 workers) instead of the led teams' members through the team
    # index (0.2 ms). PostgreSQL starts from the teams either way.
    statement = (
        select(
            Entry.id, Entry.title, Entry.occurred_on, Entry.supersedes_id, User.name, submitted_at
        )
        .join(User, User.id == Entry.owner_id)
        .where(
            User.team_id.in_(led_teams),
            User.organisation_id + 0 == bindparam("organisation_id", type_=Integer),
            User.id != supervisor_id,
            Entry.status == EntryStatus.SUBMITTED.value,
        )
    )
    return statement, submitted_at


@cache
def _queue_statement():
    """The whole queue, longest waiting first; built once (see `_waiting`)."""
    statement, submitted_at = _waiting()
    return statement.order_by(submitted_at, Entry.id)


@cache
def _head_statement():
    """The queue's first `limit` entries with how many wait in all (a window count, taken
    before the limit); built once (see `_waiting`)."""
    statement, submitted_at = _waiting()
    return (
        statement.add_columns(func.count().over())
        .order_by(submitted_at, Entry.id)
        .limit(bindparam("limit", type_=Integer))
    )


def _whose(supervisor: User) -> dict:
    return {"supervisor_id": supervisor.id, "organisation_id": supervisor.organisation_id}


def queue(db: Session, *, supervisor: User, now: datetime) -> list[QueueItem]:
    """Entries of the supervisor's teams waiting for sign-off, longest waiting first.

    One statement whatever the size; see `_waiting` for what waits and since when.
    """
    rows = read_rows(db, _queue_statement(), _whose(supervisor))
    return [_queue_item(row, now) for row in rows]


def longest_waiting(
    db: Session, *, supervisor: User, now: datetime, limit: int
) -> tuple[list[QueueItem], int]:
    """The first `limit` entries of the queue (longest waiting first) and how many wait in
    all. One statement: the total is a window count, taken before the limit."""
    rows = read_rows(db, _head_statement(), {**_whose(supervisor), "limit": limit})
    items = [_queue_item(row, now) for row in rows]
    return items, rows[0][-1] if rows else 0


def _queue_item(row, now: datetime) -> QueueItem:
    entry_id, title, occurred_on, supersedes_id, name, at = row[:6]
    return QueueItem(
        WaitingEntry(entry_id, title, occurred_on, supersedes_id), name, at, (now - at).days
    )


def reviewable_entry(db: Session, *, supervisor: User, entry_id: int) -> tuple[Entry, User]:
    """An entry this supervisor may see in the sign-off flow; audited. Raises NotReviewable."""
    entry = db.get(Entry, entry_id)
    owner = db.get(User, entry.owner_id) if entry else None
    if (
        entry is None
        or owner.id == supervisor.id
        or not access.may_view_entry(
            supervisor, entry, owner=owner, led_team_ids=led_team_ids(db, user=supervisor)
        )
    ):
        raise NotReviewable(entry_id)
    audit.record_view(
        db,
        actor=supervisor,
        action="view_entry",
        subject_user_id=owner.id,
        subject_type="entry",
        subject_id=entry.id,
    )
    return entry, owner


def history(db: Session, *, entry_id: int) -> list[tuple[EntryEvent, str | None]]:
    """Every step of an entry's sign-off, oldest first, with the actor's name."""
    return list(
        db.execute(
            select(EntryEvent, User.name)
            .outerjoin(User, User.id == EntryEvent.actor_id)
            .where(EntryEvent.entry_id == entry_id)
            .order_by(EntryEvent.at, EntryEvent.id)
        ).all()
    )


def _decision_target(db: Session, *, supervisor: User, entry_id: int) -> tuple[Entry, User]:
    """The entry and its owner when this supervisor decides on it, or once could have.

    A submitted entry of a member of a team the supervisor leads; or one that was submitted
    and has been decided or changed since (then a decision is a conflict, not a 404, although
    a returned entry is no longer visible). Raises NotReviewable otherwise.
    """
    entry = db.get(Entry, entry_id)
    owner = db.get(User, entry.owner_id) if entry else None
    if (
        entry is None
        or owner.id == supervisor.id
        or entry.organisation_id != supervisor.organisation_id
        or not access.may_view_member_portfolio(
            supervisor, owner, led_team_ids=led_team_ids(db, user=supervisor)
        )
    ):
        raise NotReviewable(entry_id)
    if entry.status != EntryStatus.SUBMITTED.value and not db.scalar(
        select(exists().where(EntryEvent.entry_id == entry_id, EntryEvent.action == "submitted"))
    ):
        raise NotReviewable(entry_id)  # never in the sign-off flow: not the supervisor's
    return entry, owner


def decide(
    db: Session,
    *,
    supervisor: User,
    entry_id: int,
    version: int,
    approve: bool,
    comment: str | None,
    now: datetime,
    base_url: str,
) -> Entry:
    """Sign or return a submitted entry. Raises NotReviewable or AlreadyDecided.

    `version` is the version the supervisor read: a decision on anything else is refused.
    """
    entry, owner = _decision_target(db, supervisor=supervisor, entry_id=entry_id)
    if entry.status != EntryStatus.SUBMITTED.value or entry.version != version:
        raise AlreadyDecided(entry_id, status=entry.status)
    values = {"status": EntryStatus.RETURNED.value, "version": version + 1, "updated_at": now}
    if approve:
        values.update(
            status=EntryStatus.SIGNED.value,
            signed_by_id=supervisor.id,
            signed_at=now,
            signed_hash=content_hash(db, entry),
        )
    won = db.execute(
        update(Entry)
        .where(
            Entry.id == entry_id,
            Entry.version == version,
            Entry.status == EntryStatus.SUBMITTED.value,
        )
        .values(**values)
    ).rowcount
    if not won:
        db.rollback()  # expires `entry`: its status is read again
        raise AlreadyDecided(entry_id, status=entry.status)
    action = "signed" if approve else "returned"
    db.add(
        EntryEvent(
            entry_id=entry_id,
            actor_id=supervisor.id,
            action=action,
            comment=comment or None,
            entry_version=version + 1,
            at=now,
        )
    )
    audit.record(
        db,
        actor=supervisor,
        action=f"entry_{action}",
        subject_user_id=owner.id,
        subject_type="entry",
        subject_id=entry_id,
    )
    notifications.notify(
        db,
        user=owner,
        kind=action,
        title_and_body=lambda: _texts(action, entry.title, supervisor.name, comment),
        link=Link("worker.entry_detail", {"entry_id": entry_id}),
        base_url=base_url,
        now=now,
    )
    db.flush()
    db.refresh(entry)
    return entry


def _texts(action: str, title: str, supervisor_name: str, comment: str | None):
    if action == "signed":
        return (
            _("Signed off: %(title)s", title=title),
            _(
                "%(name)s signed off your entry \u201c%(title)s\u201d.",
                name=supervisor_name,
                title=title,
            ),
        )
    body = _(
        "%(name)s returned your entry \u201c%(title)s\u201d.", name=supervisor_name, title=title
    )
    if comment:
        body = _("%(text)s Comment: %(comment)s", text=body, comment=comment)
    return _("Returned: %(title)s", title=title), body
