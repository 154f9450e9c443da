"""The worker's entries: validate, save with tags, list with filters, delete, share, submit.

Free text goes through the privacy scan of `competencies` before it is saved (PRODUCT.md,
privacy): findings stop the save unless the worker explicitly confirms, which is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlmodel import Session

import competencies
from portfolio.models import (
    Entry,
    EntryEvent,
    EntryKind,
    EntryStatus,
    EntryTag,
    TagVocabulary,
    TeamLead,
    User,
)
from portfolio.pagination import Page, paginate
from portfolio.services import audit, notifications

TEXT_FIELDS = (
    "title", "body", "case_description", "learning_points", "method",
    "external_participants", "provider", "facilitator", "employer", "role_title",
)  # fmt: skip
MAX_HOURS_PER_DAY = Decimal(24)
MAX_HOURS_PER_WEEK = Decimal(80)
FUTURE_LIMIT = timedelta(days=366)


class EntryLocked(PermissionError):
    """A signed entry cannot be changed or deleted."""


@dataclass
class EntryInput:
    """What a worker typed, already converted by the form."""

    kind: str
    title: str
    occurred_on: date | None
    end_on: date | None = None
    hours: Decimal | None = None
    fields: dict = field(default_factory=dict)  # kind-specific columns
    competencies: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    knowledge_areas: list[str] = field(default_factory=list)


def validate(data: EntryInput, *, today: date) -> dict[str, str]:
    """{field name: message} for everything wrong; empty when the input is fine."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in EntryKind}:
        errors["kind"] = "unknown kind"
    if data.occurred_on and data.occurred_on > today + FUTURE_LIMIT:
        errors["occurred_on"] = "date_far_future"
    if data.end_on and data.occurred_on and data.end_on < data.occurred_on:
        errors["end_on"] = "end_before_start"
    if data.hours is not None:
        days = (
            ((data.end_on or data.occurred_on) - data.occurred_on).days + 1
            if data.occurred_on
            else 1
        )
        if data.hours < 0:
            errors["hours"] = "negative"
        elif data.kind != EntryKind.WORK and data.hours > MAX_HOURS_PER_DAY * max(days, 1):
            errors["hours"] = "too_many_hours"
    per_week = data.fields.get("hours_per_week")
    if per_week is not None and not Decimal(0) < per_week <= MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = "hours_per_week"
    codes = {
        "form": {t.code for t in competencies.REFLECTION_FORMS},
        "activity_type": {t.code for t in competencies.OTHER_ACTIVITY_TYPES},
    }
    for name, known in codes.items():
        if name in data.fields and data.fields[name] not in known:
            errors[name] = "unknown_choice"
    unknown = [c for c in data.competencies if not competencies.is_known_competency(c)]
    if unknown:
        errors["competencies"] = "unknown_competency"
    if any(not 1 <= n <= len(competencies.ARTICLES) for n in data.articles):
        errors["articles"] = "unknown_article"
    return errors


def privacy_findings(data: EntryInput) -> dict[str, list]:
    """{field name: findings} of the privacy scan over every free-text field."""
    texts = {"title": data.title, **{k: v for k, v in data.fields.items() if isinstance(v, str)}}
    texts = {name: text for name, text in texts.items() if name in TEXT_FIELDS}
    sections = data.fields.get("sections") or {}
    for phase, text in (sections.get("phases") or {}).items():
        texts[f"{sections['template']}_{phase}"] = text  # named like the form's phase field
    found = {}
    for name, text in texts.items():
        if text:
            findings = competencies.scan_text(text)
            if findings:
                found[name] = findings
    return found


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
    privacy_confirmed: bool = False,
) -> Entry:
    """Create or update an entry with its tags. Commits. Raises EntryLocked for signed ones."""
    if entry is not None and entry.is_locked:
        raise EntryLocked(entry.id)
    if entry is None:
        entry = Entry(organisation_id=owner.organisation_id, owner_id=owner.id, kind=data.kind,
                      catalogue_version=competencies.CATALOGUE_VERSION, created_at=now,
                      title="", occurred_on=data.occurred_on)  # fmt: skip
    _apply(entry, data, now)
    if privacy_confirmed:
        entry.privacy_override_at = now
    db.add(entry)
    db.flush()
    _set_tags(db, entry, data)
    if privacy_confirmed:
        audit.record(db, actor=owner, action="privacy_override", subject_user_id=owner.id,
                     subject_type="entry", subject_id=entry.id)  # fmt: skip
    db.commit()
    return entry


def tags_of(db: Session, *, entry_id: int) -> dict[str, list[str]]:
    """{vocabulary: [codes]} of an entry."""
    tags: dict[str, list[str]] = {v.value: [] for v in TagVocabulary}
    for vocabulary, code in db.execute(
        select(EntryTag.vocabulary, EntryTag.code).where(EntryTag.entry_id == entry_id)
    ):
        tags[vocabulary].append(code)
    return tags


def own_entry(db: Session, *, owner: User, entry_id: int) -> Entry | None:
    """The owner's entry, or None (another worker's entry does not exist for them)."""
    entry = db.get(Entry, entry_id)
    return entry if entry is not None and entry.owner_id == owner.id else None


def delete_entry(db: Session, *, entry: Entry) -> None:
    """Delete an entry with its tags and files. Commits. Raises EntryLocked for signed ones."""
    if entry.is_locked:
        raise EntryLocked(entry.id)
    db.delete(entry)
    db.commit()


def set_shared(db: Session, *, entry: Entry, shared: bool, now: datetime) -> None:
    """Share one entry with the supervisor, or withdraw it. Commits."""
    entry.is_shared = shared
    entry.updated_at = now
    db.add(entry)
    db.commit()


def submit(db: Session, *, entry: Entry, now: datetime, base_url: str) -> bool:
    """Submit a peer review session for sign-off (draft or returned only). Commits.

    The supervisors of the owner's team are notified.
    """
    if entry.kind != EntryKind.PEER_REVIEW or entry.status not in {
        EntryStatus.DRAFT.value,
        EntryStatus.RETURNED.value,
    }:
        return False
    entry.status = EntryStatus.SUBMITTED.value
    entry.updated_at = now
    db.add(entry)
    db.add(EntryEvent(entry_id=entry.id, actor_id=entry.owner_id, action="submitted",
                      entry_version=entry.version, at=now))  # fmt: skip
    owner = db.get(User, entry.owner_id)
    supervisors = db.scalars(
        select(User)
        .join(TeamLead, TeamLead.user_id == User.id)
        .where(TeamLead.team_id == owner.team_id, User.is_active.is_(True))
    ).all()
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
            link=f"/team/sign-off/{entry.id}",
            base_url=base_url,
            now=now,
        )
    db.commit()
    return True


@dataclass(frozen=True)
class EntryFilter:
    """What the list is narrowed to."""

    kind: str = ""
    competency: str = ""
    article: int | None = None
    start: date | None = None
    end: date | None = None
    text: str = ""


def list_entries(
    db: Session, *, owner: User, filters: EntryFilter, page: int, per_page: int
) -> Page:
    """The owner's entries, newest first, filtered; two statements."""
    statement = select(Entry).where(Entry.owner_id == owner.id)
    if filters.kind:
        statement = statement.where(Entry.kind == filters.kind)
    for vocabulary, code in ((TagVocabulary.COMPETENCY, filters.competency),
                             (TagVocabulary.ARTICLE, str(filters.article or ""))):  # fmt: skip
        if code:
            tagged = select(EntryTag.entry_id).where(
                EntryTag.vocabulary == vocabulary.value, EntryTag.code == code
            )
            statement = statement.where(Entry.id.in_(tagged))
    if filters.start:
        statement = statement.where(Entry.occurred_on >= filters.start)
    if filters.end:
        statement = statement.where(Entry.occurred_on <= filters.end)
    if filters.text:
        pattern = f"%{filters.text}%"
        statement = statement.where(or_(Entry.title.ilike(pattern), Entry.body.ilike(pattern),
                                        Entry.learning_points.ilike(pattern)))  # fmt: skip
    statement = statement.order_by(Entry.occurred_on.desc(), Entry.id.desc())
    return paginate(db, statement, page=page, per_page=per_page)
