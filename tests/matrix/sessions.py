"""Matrix rows: shared peer review sessions (other_worker took part in the worker's session)."""

from datetime import date
from decimal import Decimal

from portfolio.models import Entry, EntryParticipant
from tests.access_matrix import OTHER_WORKER, WORKER, everyone, only

GET = {
    "sessions.shared_session": {**everyone(404), OTHER_WORKER: 200},
    "sessions.confirm": everyone(405, anonymous=405),
    "sessions.copy": everyone(405, anonymous=405),
}
POST = {
    "sessions.shared_session": everyone(405, anonymous=405),
    "sessions.confirm": {**everyone(404), OTHER_WORKER: 302},
    # Workers only (403 for other roles); the owner is no participant of their own session.
    "sessions.copy": only({WORKER: 404, OTHER_WORKER: 302}),
}


def arrange(db, users) -> dict:
    """A session of the worker with other_worker as participant."""
    worker = users[WORKER]
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="peer_review",
        title="Intervisie wijkteam",
        occurred_on=date(2026, 10, 2),
        hours=Decimal(2),
        form="intervisie",
        catalogue_version="test",
    )
    db.add(entry)
    db.flush()
    db.add(EntryParticipant(entry_id=entry.id, user_id=users[OTHER_WORKER].id))
    db.commit()
    return {
        "sessions.shared_session:entry_id": entry.id,
        "sessions.confirm:entry_id": entry.id,
        "sessions.copy:entry_id": entry.id,
    }
