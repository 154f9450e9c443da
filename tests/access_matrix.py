"""The route × role × owner matrix: who gets which status for every route.

Later areas add rows here. A route missing from EXPECTED fails `test_every_route_has_a_row`.
Principals:
  anonymous; worker (the subject of person routes); other_worker (same organisation, other
  team); supervisor (leads the subject's team); other_supervisor (leads another team); hr; admin;
  other_org (HR of another organisation); other_org_supervisor (leads a team in another
  organisation: person and entry routes answer 404, routes that only ask for the role treat
  them like other_supervisor).
"""

from __future__ import annotations

ANON = "anonymous"
WORKER = "worker"
OTHER_WORKER = "other_worker"
SUPERVISOR = "supervisor"
OTHER_SUPERVISOR = "other_supervisor"
HR = "hr"
ADMIN = "admin"
OTHER_ORG = "other_org"
OTHER_ORG_SUPERVISOR = "other_org_supervisor"
LOGGED_IN = (
    WORKER,
    OTHER_WORKER,
    SUPERVISOR,
    OTHER_SUPERVISOR,
    HR,
    ADMIN,
    OTHER_ORG,
    OTHER_ORG_SUPERVISOR,
)
PRINCIPALS = (ANON, *LOGGED_IN)
TO_LOGIN = 302  # anonymous visitors of a protected page are sent to the log-in page


def everyone(status: int, anonymous: int = TO_LOGIN) -> dict[str, int]:
    """The same status for every logged-in principal."""
    return {ANON: anonymous, **dict.fromkeys(LOGGED_IN, status)}


def only(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    """`allowed` principals get their status, other logged-in ones `others`."""
    return {ANON: TO_LOGIN, **dict.fromkeys(LOGGED_IN, others), **allowed}


# GET requests. Person routes target the worker principal.
EXPECTED_GET: dict[str, dict[str, int]] = {
    "static": everyone(200, anonymous=200),
    # A worker's start page is the portfolio dashboard.
    "main.home": {**everyone(200), WORKER: 302, OTHER_WORKER: 302},
    "main.catalogue": everyone(200),
    "main.favicon": everyone(200, anonymous=200),
    "main.account": everyone(200),
    "main.set_language": everyone(405, anonymous=405),
    # The installable app's files hold nothing of any person (portfolio/main/pwa.py).
    "main.manifest": everyone(200, anonymous=200),
    "main.service_worker": everyone(200, anonymous=200),
    "main.offline": everyone(200, anonymous=200),
    "auth.login": everyone(302, anonymous=200),
    "auth.logout": everyone(405, anonymous=405),
    "auth.change_password": everyone(200),
    "auth.request_reset": everyone(200, anonymous=200),
    "auth.reset_password": everyone(302, anonymous=302),
    "supervisor.team": only({SUPERVISOR: 200, OTHER_SUPERVISOR: 200, OTHER_ORG_SUPERVISOR: 200}),
    "hr.people_list": only({HR: 200, ADMIN: 200, OTHER_ORG: 200}),
    "hr.person": only(
        {
            SUPERVISOR: 200,
            OTHER_SUPERVISOR: 404,
            HR: 200,
            ADMIN: 200,
            OTHER_ORG: 404,
            OTHER_ORG_SUPERVISOR: 404,
        }
    ),
    "admin.audit": only({ADMIN: 200}),
    "admin.settings": only({ADMIN: 200}),
    "admin.outbox": only({ADMIN: 200}),
}

# POST requests with a valid CSRF token and the form data in POST_DATA.
EXPECTED_POST: dict[str, dict[str, int]] = {
    "static": everyone(405, anonymous=405),
    "main.home": everyone(405, anonymous=405),
    "main.catalogue": everyone(405, anonymous=405),
    "main.favicon": everyone(405, anonymous=405),
    "main.account": everyone(405, anonymous=405),
    "main.set_language": everyone(302, anonymous=302),
    "main.manifest": everyone(405, anonymous=405),
    "main.service_worker": everyone(405, anonymous=405),
    "main.offline": everyone(405, anonymous=405),
    "auth.login": everyone(302, anonymous=200),
    "auth.logout": everyone(302),
    "auth.change_password": everyone(200),
    "auth.request_reset": everyone(200, anonymous=200),
    "auth.reset_password": everyone(302, anonymous=302),
    "supervisor.team": everyone(405, anonymous=405),
    "hr.people_list": everyone(405, anonymous=405),
    "hr.person": everyone(405, anonymous=405),
    "admin.audit": everyone(405, anonymous=405),
    "admin.settings": only({ADMIN: 200}),
    "admin.outbox": everyone(405, anonymous=405),
}

POST_DATA: dict[str, dict[str, str]] = {
    "main.set_language": {"lang": "en"},
}

# Values for URL arguments every area may use; areas add theirs through `arrange`.
URL_ARGUMENTS: dict[str, object] = {"filename": "css/app.css", "token": "not-a-valid-token"}


def area_modules() -> list:
    """The row modules in tests/matrix/, imported."""
    import importlib
    import pkgutil

    from tests import matrix

    return [
        importlib.import_module(f"tests.matrix.{info.name}")
        for info in pkgutil.iter_modules(matrix.__path__)
    ]


for _module in area_modules():
    EXPECTED_GET.update(getattr(_module, "GET", {}))
    EXPECTED_POST.update(getattr(_module, "POST", {}))
    POST_DATA.update(getattr(_module, "POST_DATA", {}))
