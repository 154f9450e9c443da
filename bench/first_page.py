"""First logged-in page (P1): median in-process time of a product page beside a bare route.

The bare route exists only in the benchmark's own app instance. Its 50-row template is compiled
once, as Flask does for a template file; `render_template_string` compiles on every call, so
that variant is shown for information only (it would hide several ms of waste in the ratio).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from flask import Flask, render_template, render_template_string

from bench.databases import bench_app
from bench.login import log_in
from bench.timing import Result, alternate, median, within_ratio
from portfolio import access

TARGET = 5.0
BARE_PATH = "/_bench/bare"
BARE_STRING_PATH = "/_bench/bare-string"
BARE_SOURCE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Bare</title></head>
<body><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td><a href="/p/{{ row.id }}">{{ row.name }}</a></td>
<td>{{ row.email }}</td><td>{{ row.team }}</td><td>{{ row.status }}</td></tr>
{% endfor %}</table></body></html>"""
BARE_ROWS = [
    {
        "id": i,
        "name": f"Werker {i:06d}",
        "email": f"werker{i:06d}@voorbeeld.nl",
        "team": "Wijkteam Noord",
        "status": "actief",
    }
    for i in range(50)
]
WORKER, SUPERVISOR = "werker@demo.vakbekwaam.nl", "begeleider@demo.vakbekwaam.nl"
HR, ADMIN = "hr@demo.vakbekwaam.nl", "beheer@demo.vakbekwaam.nl"
# (role's log-in, path): every main page of each role ({member}: the demo worker's id).
PAGES = (
    (WORKER, "/"),
    (WORKER, "/portfolio/entries"),
    (WORKER, "/portfolio/development"),
    (WORKER, "/portfolio/registrations"),
    (WORKER, "/notifications"),
    (SUPERVISOR, "/team/"),
    (SUPERVISOR, "/team/sign-off"),
    (SUPERVISOR, "/team/members/{member}"),
    (HR, "/hr/people"),
    (HR, "/hr/overview"),
    (HR, "/hr/evaluations"),
    (HR, "/catalogue"),
    (ADMIN, "/admin/audit"),
)
# With --quick: the pages the issue measured over target, and the first page of each role.
QUICK_PAGES = {"/", "/portfolio/entries", "/team/", "/hr/people", "/hr/overview"}


def add_bare_routes(app: Flask) -> None:
    """Register the floor routes on this (benchmark-only) app instance."""
    template = app.jinja_env.from_string(BARE_SOURCE)

    @access.public
    def bench_bare():
        return render_template(template, rows=BARE_ROWS)

    @access.public
    def bench_bare_string():
        return render_template_string(BARE_SOURCE, rows=BARE_ROWS)

    app.add_url_rule(BARE_PATH, view_func=bench_bare)
    app.add_url_rule(BARE_STRING_PATH, view_func=bench_bare_string)


def _get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    response.close()


def _landing(client, path: str) -> str:
    """Where a GET of `path` ends up (a worker's `/` redirects to the dashboard)."""
    for _ in range(5):
        response = client.get(path)
        response.close()
        if response.status_code not in (301, 302, 303, 307, 308):
            return path
        path = urlsplit(response.location).path
    raise RuntimeError(f"too many redirects from {path}")


def _member_id(app: Flask) -> int:
    from sqlalchemy import select

    from portfolio.db import standalone_session
    from portfolio.models import User

    with app.app_context(), standalone_session() as session:
        return session.scalar(select(User.id).where(User.email == WORKER))


def run(url: str, *, backend: str, quick: bool, label: str = "") -> list[Result]:
    """One row per page; plus the render_template_string variant of the floor, for information."""
    with bench_app(url) as app:
        add_bare_routes(app)
        return _measure(app, backend=backend + label, quick=quick)


def _measure(app: Flask, *, backend: str, quick: bool) -> list[Result]:
    plan = (
        {"warmup": 5, "count": 50, "budget_s": 10}
        if quick
        else {"warmup": 10, "count": 100, "budget_s": 10}
    )
    anonymous = app.test_client()
    clients = {}
    results = []
    member = _member_id(app)
    for email, path in PAGES:
        if quick and path not in QUICK_PAGES:
            continue
        path = path.format(member=member)
        if email not in clients:
            clients[email] = app.test_client()
            log_in(clients[email], email)
        client = clients[email]
        landing = _landing(client, path)
        page, floor = alternate(
            partial(_get, client, landing), partial(_get, anonymous, BARE_PATH), **plan
        )
        page_s, floor_s = median(page), median(floor)
        shown = path if landing == path else f"{path} → {landing}"
        results.append(
            Result(
                "P1",
                f"GET {shown} as {email.split('@')[0]} (median of {len(page)}), {backend}",
                page_s,
                floor_s,
                target=f"≤ {TARGET:g}×",
                passed=within_ratio(page_s, floor_s, TARGET),
            )
        )
    results.append(_dashboard_uncached(app, clients[PAGES[0][0]], anonymous, plan, backend))
    if HR not in clients:
        clients[HR] = app.test_client()
        log_in(clients[HR], HR)
    results.append(_overview_uncached(app, clients[HR], anonymous, plan, backend))
    string, floor = alternate(
        partial(_get, anonymous, BARE_STRING_PATH), partial(_get, anonymous, BARE_PATH), **plan
    )
    results.append(
        Result(
            "P1",
            f"floor via render_template_string (compiles per call), {backend}",
            median(string),
            median(floor),
            target="info",
        )
    )
    return results


def _overview_uncached(app: Flask, hr, anonymous, plan: dict, backend: str) -> Result:
    """HR's overview counted from the stored standings on every request (no 60 s cache)."""
    seconds = app.config["OVERVIEW_CACHE_SECONDS"]
    app.config["OVERVIEW_CACHE_SECONDS"] = 0
    try:
        page, floor = alternate(
            partial(_get, hr, "/hr/overview"), partial(_get, anonymous, BARE_PATH), **plan
        )
    finally:
        app.config["OVERVIEW_CACHE_SECONDS"] = seconds
    return Result(
        "P1",
        f"GET /hr/overview with OVERVIEW_CACHE_SECONDS=0 (counted per request), {backend}",
        median(page),
        median(floor),
        target="info",
    )


def _dashboard_uncached(app: Flask, worker, anonymous, plan: dict, backend: str) -> Result:
    """The dashboard with its content cache switched off: what a worker's first visit of the
    day, or the first after a change, costs (information beside the target)."""
    size = app.config["DASHBOARD_CACHE_SIZE"]
    app.config["DASHBOARD_CACHE_SIZE"] = 0
    app.extensions.pop("page_caches", None)
    try:
        page, floor = alternate(
            partial(_get, worker, "/portfolio/"), partial(_get, anonymous, BARE_PATH), **plan
        )
    finally:
        app.config["DASHBOARD_CACHE_SIZE"] = size
        app.extensions.pop("page_caches", None)
    return Result(
        "P1",
        f"GET /portfolio/ with the dashboard cache off (every request renders), {backend}",
        median(page),
        median(floor),
        target="info",
    )
