"""Matrix rows: the admin's thresholds per norm and the test mail (admins only)."""

from tests.access_matrix import ADMIN, everyone, only

GET = {
    "admin.thresholds": only({ADMIN: 200}),
    "admin.threshold_edit": only({ADMIN: 200}),
    "admin.test_mail": everyone(405, anonymous=405),
}
POST = {
    "admin.thresholds": everyone(405, anonymous=405),
    # An empty form changes nothing: back to the overview.
    "admin.threshold_edit": only({ADMIN: 302}),
    # Nothing listens on the test SMTP port: the failure is reported on the settings page.
    "admin.test_mail": only({ADMIN: 302}),
}


def arrange(db, users) -> dict:
    """A norm to edit the thresholds of."""
    return {"admin.threshold_edit:norm_id": "skj-jeugd-gezinsprofessional"}
