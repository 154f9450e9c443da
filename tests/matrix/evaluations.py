"""Matrix rows: the yearly evaluation for the worker and the supervisor (HR has no page here:
it sees status, facts and agreements through its exports, never these pages' texts)."""

from tests.access_matrix import (
    OTHER_ORG_SUPERVISOR,
    OTHER_SUPERVISOR,
    OTHER_WORKER,
    SUPERVISOR,
    WORKER,
    everyone,
    only,
)

WORKERS = {WORKER: 200, OTHER_WORKER: 200}
REDIRECTED = {WORKER: 302, OTHER_WORKER: 302}
LEAD_ONLY = {SUPERVISOR: 200, OTHER_SUPERVISOR: 404, OTHER_ORG_SUPERVISOR: 404}
NOT_LED = {OTHER_SUPERVISOR: 404, OTHER_ORG_SUPERVISOR: 404}
YEAR = 2025  # the clock's year

GET = {
    "worker.evaluation_current": only(REDIRECTED),  # to this year's page
    "worker.evaluation": only(WORKERS),  # everyone's own evaluation
    "worker.evaluation_sign": everyone(405, anonymous=405),
    "supervisor.evaluation_list": only(
        {SUPERVISOR: 200, OTHER_SUPERVISOR: 200, OTHER_ORG_SUPERVISOR: 200}
    ),
    "supervisor.evaluation_detail": only(LEAD_ONLY),
    "supervisor.evaluation_sign": everyone(405, anonymous=405),
    "supervisor.evaluation_correct": only(LEAD_ONLY),  # the confirmation page
}
POST = {
    "worker.evaluation_current": everyone(405, anonymous=405),
    # The preparation form is saved (an empty one too) and the page redirects.
    "worker.evaluation": only(REDIRECTED),
    # Nothing completed to sign yet: the page says so and redirects.
    "worker.evaluation_sign": only(REDIRECTED),
    "supervisor.evaluation_list": everyone(405, anonymous=405),
    # An empty form lacks the agreements' competencies: shown again with its messages.
    "supervisor.evaluation_detail": only(LEAD_ONLY),
    "supervisor.evaluation_sign": only({SUPERVISOR: 302, **NOT_LED}),
    "supervisor.evaluation_correct": only({SUPERVISOR: 302, **NOT_LED}),
}


def arrange(db, users) -> dict:
    """The worker is the member; the year is the clock's."""
    member = {"member_id": users[WORKER].id, "year": YEAR}
    endpoints = [
        "supervisor.evaluation_detail",
        "supervisor.evaluation_sign",
        "supervisor.evaluation_correct",
    ]
    values = {
        f"{endpoint}:{name}": value for endpoint in endpoints for name, value in member.items()
    }
    for endpoint in ("worker.evaluation", "worker.evaluation_sign"):
        values[f"{endpoint}:year"] = YEAR
    return values
