"""Matrix rows: HR's organisation overview and evaluation export (HR and admins only).

HR of another organisation gets 200 too: their own organisation's (empty) overview and export,
never this one's (tests/test_hr_exports.py checks the content).
"""

from tests.access_matrix import ADMIN, HR, OTHER_ORG, everyone, only

MANAGERS = {HR: 200, ADMIN: 200, OTHER_ORG: 200}
ROUTES = (
    "hr.overview",
    "hr.evaluations",
    "hr.evaluations_csv",
    "hr.evaluations_xlsx",
    "hr.evaluations_pdf",
)

GET = {endpoint: only(MANAGERS) for endpoint in ROUTES}
POST = {endpoint: everyone(405, anonymous=405) for endpoint in ROUTES}
