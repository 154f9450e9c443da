"""Drafts (what a person typed into a form, saved while typing) and kept forms (a form posted
after its session ended, kept until the same person logs in again).

Both are private like the entry they become: a draft is read by its owner only, a kept form is
found through an unguessable token in its browser's cookie and shown only to the person whose
session posted it (portfolio.access). Services add and flush; the request commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from portfolio import access
from portfolio.models import Draft, KeptForm, User

# Never stored: the CSRF token is per session, passwords are never kept anywhere.
SKIPPED_FIELDS = frozenset({"csrf_token", "kept_form_id"})
MAX_FIELDS = 300
MAX_VALUE_CHARS = 100_000
MAX_TOTAL_CHARS = 400_000
MAX_KEY_CHARS = 300


class TooLarge(ValueError):
    """More fields or text than a form of this application holds."""


def clean_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The posted (name, value) pairs worth keeping, as {name: [values]} (multi-value fields
    such as checkboxes keep every value). Raises TooLarge beyond any form of ours."""
    fields: dict[str, list[str]] = {}
    total = 0
    for name, value in pairs:
        if name in SKIPPED_FIELDS or "password" in name.lower():
            continue
        if not isinstance(value, str):
            continue
        value = value[:MAX_VALUE_CHARS]
        total += len(value)
        fields.setdefault(name[:100], []).append(value)
        if len(fields) > MAX_FIELDS or total > MAX_TOTAL_CHARS:
            raise TooLarge(name)
    return fields


# --- drafts --------------------------------------------------------------------------------


def save_draft(
    db: Session, *, owner: User, key: str, fields: dict[str, list[str]], now: datetime
) -> Draft:
    """Store (or replace) the owner's draft of one form."""
    key = key[:MAX_KEY_CHARS]
    draft = db.execute(
        select(Draft).where(Draft.owner_id == owner.id, Draft.form_key == key)
    ).scalar_one_or_none()
    if draft is None:
        draft = Draft(owner_id=owner.id, form_key=key, fields=fields, updated_at=now)
    else:
        draft.fields, draft.updated_at = fields, now
    db.add(draft)
    db.flush()
    return draft


def draft_for(db: Session, *, viewer: User, key: str) -> Draft | None:
    """The viewer's own draft of a form, or None (nobody ever reads another's draft)."""
    draft = db.execute(
        select(Draft).where(Draft.owner_id == viewer.id, Draft.form_key == key[:MAX_KEY_CHARS])
    ).scalar_one_or_none()
    if draft is None or not access.may_read_draft(viewer, draft):
        return None
    return draft


def discard_draft(db: Session, *, owner: User, key: str) -> None:
    """Forget the owner's draft of a form (it was saved, or thrown away)."""
    db.execute(
        delete(Draft).where(Draft.owner_id == owner.id, Draft.form_key == key[:MAX_KEY_CHARS])
    )


# --- kept forms ----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep_form(
    db: Session,
    *,
    user_id: int,
    path: str,
    fields: dict[str, list[str]],
    now: datetime,
    ttl: timedelta,
) -> str:
    """Keep a form posted after its session ended; returns the token for the browser's cookie
    (only its SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    db.add(
        KeptForm(
            token_hash=_digest(token),
            user_id=user_id,
            path=path[:500],
            fields=fields,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    db.flush()
    return token


def kept_form_for(db: Session, *, token: str | None, viewer: User, now: datetime):
    """The kept form of this cookie when it is the viewer's and has not expired, else None."""
    if not token:
        return None
    kept = db.execute(
        select(KeptForm).where(KeptForm.token_hash == _digest(token[:100]))
    ).scalar_one_or_none()
    if kept is None or kept.expires_at <= now or not access.may_restore_kept_form(viewer, kept):
        return None
    return kept


def discard_kept_form(db: Session, *, viewer: User, kept_id: int) -> None:
    """Forget one of the viewer's kept forms (it was saved, or thrown away)."""
    db.execute(delete(KeptForm).where(KeptForm.id == kept_id, KeptForm.user_id == viewer.id))


def prune(db: Session, *, now: datetime) -> int:
    """Remove expired kept forms; returns how many."""
    return db.execute(delete(KeptForm).where(KeptForm.expires_at <= now)).rowcount
