"""Reading the worker's entries: the list, narrowed by kind, tags, dates and text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Text, cast, or_, select
from sqlmodel import Session

from portfolio.infra import like
from portfolio.models import Entry, EntryTag, TagVocabulary, User
from portfolio.pagination import Page, paginate


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
    """The owner's entries, newest first, filtered; two statements. The rows hold what the
    list shows (`LISTED`), not whole entries: their texts and reflection phases stay unread."""
    statement = select(*LISTED).where(Entry.owner_id == owner.id)
    if filters.kind:
        statement = statement.where(Entry.kind == filters.kind)
    for vocabulary, code in (
        (TagVocabulary.COMPETENCY, filters.competency),
        (TagVocabulary.ARTICLE, str(filters.article or "")),
    ):
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
        statement = statement.where(_text_matches(filters.text))
    statement = statement.order_by(Entry.occurred_on.desc(), Entry.id.desc())
    return paginate(db, statement, page=page, per_page=per_page, scalars=False)


LISTED = (
    Entry.id,
    Entry.organisation_id,
    Entry.kind,
    Entry.title,
    Entry.occurred_on,
    Entry.hours,
    Entry.status,
    Entry.is_shared,
)


SEARCHED = (Entry.title, Entry.body, Entry.case_description, Entry.learning_points)


def _text_matches(text: str):
    """Any searched text column, or a guided reflection's phases, contains `text`.

    The phases are JSON: a text with accents or quotes is stored escaped ("\\u00eb"), so the
    JSON text is searched for both spellings.
    """
    pattern = like.containing(text)
    conditions = [column.ilike(pattern, escape=like.ESCAPE) for column in SEARCHED]
    sections = cast(Entry.sections, Text)
    for spelling in dict.fromkeys((pattern, like.containing(json.dumps(text)[1:-1]))):
        conditions.append(sections.ilike(spelling, escape=like.ESCAPE))
    return or_(*conditions)
