"""One entry as its owner and its readers (the supervisor) both see it."""

from __future__ import annotations

import competencies
from portfolio.services.entries import entries, evidence
from portfolio.services.sessions import participation
from portfolio.templating import entry_kind_labels
from portfolio.web.entry_forms import REFLECTION_STRUCTURES


def code_title(records, code) -> str:
    """A catalogue code's title; the code itself when the catalogue no longer knows it."""
    try:
        return competencies.by_code(records, code).title
    except KeyError:
        return str(code)


def article_title(number) -> str:
    try:
        return f"{number}. {competencies.article(int(number)).title}"
    except (KeyError, ValueError):
        return str(number)


def entry_context(session, entry) -> dict:
    """What `_entry_facts.html` needs to show one entry (its owner's page and its readers')."""
    return {
        "entry": entry,
        "kinds": entry_kind_labels(),
        "tags": entries.tags_of(session, entry_id=entry.id),
        "files": evidence.files_of(session, entry_id=entry.id),
        "catalogue": competencies,
        "code_title": code_title,
        "article_title": article_title,
        "structures": REFLECTION_STRUCTURES,
        "participants": participation.participants_of(session, entry_id=entry.id)
        if participation.is_peer_review(entry)
        else [],
    }
