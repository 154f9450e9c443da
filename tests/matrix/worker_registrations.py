"""Matrix rows: the worker's dashboard and registrations (another worker's → 404)."""

from datetime import date

from portfolio.models import Registration
from tests.access_matrix import OTHER_WORKER, WORKER, everyone, only

WORKERS = {WORKER: 200, OTHER_WORKER: 200}
OWNER_ONLY = {WORKER: 200, OTHER_WORKER: 404}

GET = {
    "worker.dashboard": only(WORKERS),
    "worker.registration_list": only(WORKERS),
    "worker.registration_new": only(WORKERS),
    "worker.registration_edit": only(OWNER_ONLY),
    "worker.registration_delete": only(OWNER_ONLY),  # the confirmation page
}
POST = {
    "worker.dashboard": everyone(405, anonymous=405),
    "worker.registration_list": everyone(405, anonymous=405),
    # An empty form is shown again with its messages.
    "worker.registration_new": only(WORKERS),
    "worker.registration_edit": only(OWNER_ONLY),
    "worker.registration_delete": only({WORKER: 302, OTHER_WORKER: 404}),
}


def arrange(db, users) -> dict:
    """Two registrations of the worker: one to edit, one to delete."""
    worker = users[WORKER]
    kept, removed = (
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id=norm,
            registration_number="12345",
            registered_on=date(2024, 1, 1),
        )
        for norm in ("skj-jeugd-gezinsprofessional", "registerplein-sociaal-werker")
    )
    db.add_all([kept, removed])
    db.commit()
    return {
        "registration_id": kept.id,
        "worker.registration_delete:registration_id": removed.id,
    }
