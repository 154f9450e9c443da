"""Matrix rows: the sign-off queue and decisions (Beroepscode art. 24)."""

from datetime import date
from decimal import Decimal

from portfolio.models import Entry
from tests.access_matrix import (
    OTHER_ORG_SUPERVISOR,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    WORKER,
    everyone,
    only,
)

# Every supervisor has a queue (their own teams'); only the worker's lead sees the entry.
QUEUE = only({SUPERVISOR: 200, OTHER_SUPERVISOR: 200, OTHER_ORG_SUPERVISOR: 200})
LEAD_ONLY = {SUPERVISOR: 200, OTHER_SUPERVISOR: 404, OTHER_ORG_SUPERVISOR: 404}

GET = {
    "supervisor.signoff_queue": QUEUE,
    # Only the supervisor of the worker's team sees a submitted entry; others: 404 or 403.
    "supervisor.review_entry": only(LEAD_ONLY),
}
POST = {
    "supervisor.signoff_queue": everyone(405, anonymous=405),
    # An empty decision re-displays the form (200) for the entitled supervisor.
    "supervisor.review_entry": only(LEAD_ONLY),
}


def arrange(db, users) -> dict:
    """A peer review session of the worker, submitted for sign-off."""
    worker = users[WORKER]
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="peer_review",
        title="Intervisie",
        occurred_on=date(2026, 10, 1),
        hours=Decimal(2),
        form="intervisie",
        status="submitted",
        catalogue_version="test",
    )
    db.add(entry)
    db.commit()
    return {"supervisor.review_entry:entry_id": entry.id}
