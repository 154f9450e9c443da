"""Matrix rows: the worker's exports (another worker's registration PDF → 404)."""

from datetime import date

from portfolio.models import Registration
from tests.access_matrix import OTHER_WORKER, WORKER, everyone, only

GET = {
    "worker.download_my_data": everyone(405, anonymous=405),
    "worker.registration_pdf": only({WORKER: 200, OTHER_WORKER: 404}),
}
POST = {
    "worker.download_my_data": everyone(200),
    "worker.registration_pdf": everyone(405, anonymous=405),
}


def arrange(db, users) -> dict:
    """A registration of the worker to export."""
    worker = users[WORKER]
    registration = Registration(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        norm_id="skj-jeugd-gezinsprofessional",
        registered_on=date(2024, 2, 1),
    )
    db.add(registration)
    db.commit()
    return {"worker.registration_pdf:registration_id": registration.id}
