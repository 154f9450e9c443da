"""Matrix rows: self-assessment, goals and the supervisor's competency assessment."""

from datetime import date

from portfolio.models import DevelopmentGoal
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
OWNER_ONLY = {WORKER: 200, OTHER_WORKER: 404}
LEAD_ONLY = {SUPERVISOR: 200, OTHER_SUPERVISOR: 404, OTHER_ORG_SUPERVISOR: 404}

GET = {
    "worker.development_overview": only(WORKERS),
    "worker.assessment_new": only(WORKERS),
    "worker.goal_new": only(WORKERS),
    "worker.goal_edit": only(OWNER_ONLY),
    "worker.goal_delete": only(OWNER_ONLY),  # the confirmation page
    "worker.goal_evidence": only(OWNER_ONLY),
    "supervisor.member_assessment": only(LEAD_ONLY),
}
POST = {
    "worker.development_overview": everyone(405, anonymous=405),
    # Empty forms are shown again with their messages.
    "worker.assessment_new": only(WORKERS),
    "worker.goal_new": only(WORKERS),
    "worker.goal_edit": only(OWNER_ONLY),
    "worker.goal_delete": only({WORKER: 302, OTHER_WORKER: 404}),
    "worker.goal_evidence": only(OWNER_ONLY),  # no entry chosen: shown again with the error
    "supervisor.member_assessment": only(LEAD_ONLY),
}


def arrange(db, users) -> dict:
    """Two goals of the worker: one to edit, one to delete."""
    worker = users[WORKER]
    kept, removed = (
        DevelopmentGoal(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            competency_code="WMO1",
            current_level="beginner",
            target_level="vakbekwaam",
            title=title,
            due_on=date(2027, 1, 1),
        )
        for title in ("Doel", "Weg")
    )
    db.add_all([kept, removed])
    db.commit()
    return {"goal_id": kept.id, "worker.goal_delete:goal_id": removed.id}
