"""Matrix rows: single sign-on, the second factor, and the admin's sign-in page."""

from tests.access_matrix import ADMIN, everyone, only

GET = {
    # Public: anyone may look up their organisation's provider; logged in → the start page.
    "auth.sso_choose": everyone(302, anonymous=200),
    # No organisation has this slug (or no provider): not found, for everybody.
    "auth.sso_start": everyone(404, anonymous=404),
    # An answer without a state this browser began is refused (and audited).
    "auth.sso_callback": everyone(403, anonymous=403),
    # Only a log-in waiting for its second factor may use these; others go back to log in or
    # to their start page.
    "auth.second_factor_code": everyone(302, anonymous=302),
    "auth.second_factor_setup": everyone(302, anonymous=302),
    "auth.second_factor_manage": everyone(200),
    "admin.sign_in": only({ADMIN: 200}),
    "admin.sign_in_check": everyone(405, anonymous=405),
    "admin.second_factor_policy": everyone(405, anonymous=405),
    "admin.second_factor_reset": everyone(405, anonymous=405),
}
POST = {
    "auth.sso_choose": everyone(405, anonymous=405),
    "auth.sso_start": everyone(405, anonymous=405),
    "auth.sso_callback": everyone(405, anonymous=405),
    "auth.second_factor_code": everyone(302, anonymous=302),
    "auth.second_factor_setup": everyone(302, anonymous=302),
    # An empty code: the set-up page again, with the error.
    "auth.second_factor_manage": everyone(200),
    # An empty form: the page again with the errors.
    "admin.sign_in": only({ADMIN: 400}),
    # No provider set up: back to the page.
    "admin.sign_in_check": only({ADMIN: 302}),
    "admin.second_factor_policy": only({ADMIN: 302}),
    # The worker's authenticator is reset (they had none): back to their record.
    "admin.second_factor_reset": only({ADMIN: 302}),
}


def arrange(db, users) -> dict:
    """A slug no organisation has."""
    del db, users
    return {"auth.sso_start:slug": "no-such-organisation"}
