"""Matrix rows: erasing a portfolio (issue "Hardening", AVG art. 17) and a departed person's
download link. Nothing is erased here: a POST without the confirmation shows the form again."""

from portfolio.models import Organisation, Role, Team
from tests.access_matrix import ADMIN, HR, OTHER_ORG, OTHER_WORKER, WORKER, everyone, only
from tests.factories import make_user

GET = {
    "worker.erase_portfolio": only({WORKER: 200, OTHER_WORKER: 200}),
    "worker.departed_archive": everyone(404, anonymous=404),  # a token that is not valid
    "main.erased": everyone(200, anonymous=200),
    # The person is still active: the page says so and offers nothing to erase.
    "hr.person_erase": only({HR: 200, ADMIN: 200, OTHER_ORG: 404}),
}
POST = {
    "worker.erase_portfolio": only({WORKER: 200, OTHER_WORKER: 200}),
    "worker.departed_archive": everyone(404, anonymous=404),
    "main.erased": everyone(405, anonymous=405),
    "hr.person_erase": only({HR: 200, ADMIN: 200, OTHER_ORG: 404}),
}


def arrange(db, users) -> dict:
    """A colleague of the worker whose portfolio HR would erase; a token that is no token."""
    worker = users[WORKER]
    organisation = db.get(Organisation, worker.organisation_id)
    leaver = make_user(db, organisation, role=Role.WORKER, team=db.get(Team, worker.team_id))
    return {"hr.person_erase:person_id": leaver.id, "worker.departed_archive:token": "not-a-token"}
