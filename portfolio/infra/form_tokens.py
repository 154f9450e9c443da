"""One-time form tokens: a create form submitted twice makes exactly one record.

Field name and semantics (for every create form; other branches reuse this):

- Every create form carries a hidden field named ``form_token`` (`FIELD`), filled with a fresh
  random value when the empty form is shown (`new_token`; `portfolio.forms.form_token_field`
  makes the WTForms field). A form shown again after a validation error keeps the token it was
  posted with: nothing was made with it yet.
- The view calls `claim` right before it creates the record, in the same transaction. The
  first claim of a token wins (an `INSERT … ON CONFLICT DO NOTHING` on its SHA-256, the primary
  key, so two submits at the same moment cannot both win: PostgreSQL makes the second wait for
  the first to commit, SQLite writes one at a time). `claim` returns None when this request
  won; otherwise the earlier use, whose `result` says where the record it made can be seen —
  the view sends the user there and makes nothing.
- After the record exists the view calls `settle(db, use=…, result=url)` with that address.
- A token belongs to the user who used it: another user's claim of the same value is refused
  like a second submit, but is never shown their result (`claim` returns an empty use).
- A form posted without a token (an old page, a script) is not protected and not refused.
- Used tokens are kept `KEEP` long (a double submit is seconds apart), then `prune` removes them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from portfolio.models import FormTokenUse

FIELD = "form_token"
KEEP = timedelta(days=2)
TOKEN_BYTES = 24
MAX_LENGTH = 100


def new_token() -> str:
    """A fresh, unguessable token for an empty create form."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _insert(db: Session):
    dialect = db.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(FormTokenUse)


def claim(db: Session, *, token: str | None, user_id: int, now: datetime) -> FormTokenUse | None:
    """Use the token now: None when this is its first use (go on and create), else the earlier
    use (make nothing; send the user to its `result`). No token: None (not protected)."""
    if not token:
        return None
    token = token[:MAX_LENGTH]
    digest = _digest(token)
    inserted = db.execute(
        _insert(db)
        .values(token_hash=digest, user_id=user_id, used_at=now)
        .on_conflict_do_nothing(index_elements=["token_hash"])
        .returning(FormTokenUse.token_hash)
    ).first()
    if inserted is not None:
        return None
    earlier = db.execute(select(FormTokenUse).where(FormTokenUse.token_hash == digest)).scalar_one()
    if earlier.user_id != user_id:
        return FormTokenUse(token_hash=digest, user_id=user_id, result=None, used_at=now)
    return earlier


def settle(db: Session, *, token: str | None, result: str) -> None:
    """Record where the record made with this token can be seen. Flushes, does not commit."""
    if not token:
        return
    use = db.get(FormTokenUse, _digest(token[:MAX_LENGTH]))
    if use is not None:
        use.result = result[:500]
        db.add(use)
        db.flush()


def prune(db: Session, *, now: datetime) -> int:
    """Forget tokens used longer than KEEP ago; returns how many."""
    return db.execute(delete(FormTokenUse).where(FormTokenUse.used_at < now - KEEP)).rowcount
