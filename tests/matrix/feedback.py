"""Matrix rows: feedback requests."""

from portfolio.models import FeedbackRequest
from tests.access_matrix import (
    OTHER_ORG_SUPERVISOR,
    OTHER_SUPERVISOR,
    OTHER_WORKER,
    SUPERVISOR,
    WORKER,
    everyone,
    only,
)

ASKERS = {
    WORKER: 200,
    OTHER_WORKER: 200,
    SUPERVISOR: 200,
    OTHER_SUPERVISOR: 200,
    OTHER_ORG_SUPERVISOR: 200,
}
GET = {
    "feedback.feedback_list": only(ASKERS),
    "feedback.request_new": only(ASKERS),
    "feedback.remind": everyone(405, anonymous=405),
    # Addressed to other_worker: only they may answer; everybody else 404.
    "feedback.answer": {**everyone(404), "anonymous": 302, OTHER_WORKER: 200},
    "feedback.answer_by_link": everyone(404, anonymous=404),
}
POST = {
    "feedback.feedback_list": everyone(405, anonymous=405),
    "feedback.request_new": only(ASKERS),
    # Only the requester (worker) may remind; others asking about it get 404.
    "feedback.remind": only({**dict.fromkeys(ASKERS, 404), WORKER: 302}),
    "feedback.answer": {**everyone(404), "anonymous": 302, OTHER_WORKER: 200},
    "feedback.answer_by_link": everyone(404, anonymous=404),
}


def arrange(db, users) -> dict:
    """The worker asked other_worker for feedback."""
    request = FeedbackRequest(
        organisation_id=users[WORKER].organisation_id,
        requester_id=users[WORKER].id,
        respondent_id=users[OTHER_WORKER].id,
        respondent_name=users[OTHER_WORKER].name,
        competency_codes=["WMO1"],
    )
    db.add(request)
    db.commit()
    return {"request_id": request.id}
