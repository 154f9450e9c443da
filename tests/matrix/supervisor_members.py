"""Matrix rows: a supervisor's drill-down into a member's shared and submitted entries."""

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

# Only the supervisor of the member's team; a supervisor of another team, or of a team in
# another organisation, gets 404.
LEAD_ONLY = only({SUPERVISOR: 200, OTHER_SUPERVISOR: 404, OTHER_ORG_SUPERVISOR: 404})

GET = {
    "supervisor.member": LEAD_ONLY,
    "supervisor.member_entry": LEAD_ONLY,
}
POST = {
    "supervisor.member": everyone(405, anonymous=405),
    "supervisor.member_entry": everyone(405, anonymous=405),
}


def arrange(db, users) -> dict:
    """The worker is the member; one reflection shared with the supervisor."""
    worker = users[WORKER]
    entry = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="reflection",
        title="Gedeelde reflectie",
        occurred_on=date(2026, 10, 1),
        hours=Decimal(1),
        is_shared=True,
        catalogue_version="test",
    )
    db.add(entry)
    db.commit()
    return {"member_id": worker.id, "supervisor.member_entry:entry_id": entry.id}
