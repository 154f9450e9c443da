"""Matrix rows: HR manages people, teams and the employee import (HR and admins only).

Person routes target the worker principal; deactivate/reactivate target a person of their own,
so no principal's session ends. Team routes target the worker's team; it has members, so a
delete is refused (302 back to the list) and the matrix changes nothing it needs later.
"""

from portfolio.models import Organisation, Role, Team
from tests.access_matrix import ADMIN, HR, OTHER_ORG, WORKER, everyone, only
from tests.factories import make_user

MANAGERS = {HR: 200, ADMIN: 200, OTHER_ORG: 200}
SAME_ORG = {HR: 200, ADMIN: 200, OTHER_ORG: 404}
REDIRECT_SAME_ORG = {HR: 302, ADMIN: 302, OTHER_ORG: 404}
POST_ONLY = everyone(405, anonymous=405)

GET = {
    "hr.person_new": only(MANAGERS),
    "hr.person_edit": only(SAME_ORG),
    "hr.person_deactivate": only(SAME_ORG),  # the confirmation page
    "hr.person_reactivate": POST_ONLY,
    "hr.team_list": only(MANAGERS),
    "hr.team_new": only(MANAGERS),
    "hr.team_edit": only(SAME_ORG),
    "hr.team_delete": only(SAME_ORG),  # the confirmation page
    "hr.employee_import_upload": only(MANAGERS),
    "hr.employee_import_confirm": POST_ONLY,
}
POST = {
    # Empty forms are shown again with their messages.
    "hr.person_new": only(MANAGERS),
    "hr.person_edit": only(SAME_ORG),
    "hr.person_deactivate": only(REDIRECT_SAME_ORG),
    "hr.person_reactivate": only(REDIRECT_SAME_ORG),
    "hr.team_list": POST_ONLY,
    "hr.team_new": only(MANAGERS),
    "hr.team_edit": only(SAME_ORG),
    "hr.team_delete": only(REDIRECT_SAME_ORG),  # refused: people are in the team
    "hr.employee_import_upload": only(MANAGERS),  # no file: the form again
    "hr.employee_import_confirm": only({HR: 302, ADMIN: 302, OTHER_ORG: 302}),  # no payload
}


def arrange(db, users) -> dict:
    """A person of the worker's organisation to deactivate and reactivate; the worker's team."""
    worker = users[WORKER]
    organisation = db.get(Organisation, worker.organisation_id)
    team = db.get(Team, worker.team_id)
    leaver = make_user(db, organisation, role=Role.WORKER, team=team)
    return {
        "hr.person_deactivate:person_id": leaver.id,
        "hr.person_reactivate:person_id": leaver.id,
        "team_id": team.id,
    }
