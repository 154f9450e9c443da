"""Matrix rows: changing the own e-mail address (issue "Hardening")."""

from tests.access_matrix import everyone

GET = {
    "auth.change_email": everyone(200),
    # The signed token is the credential: a wrong one sends everybody to the log-in page.
    "auth.confirm_email": everyone(302, anonymous=302),
    "auth.logout_everywhere": everyone(405, anonymous=405),
}
POST = {
    # Without a new address and password the form is shown again with its errors.
    "auth.change_email": everyone(200),
    "auth.confirm_email": everyone(302, anonymous=302),
    "auth.logout_everywhere": everyone(302),
}
