"""Matrix rows: health checks (public, nothing to see), hashed static files (public), and the
charts as their own URLs (guarded as their pages: the owner's dashboard, HR's overview)."""

from tests.access_matrix import ADMIN, HR, OTHER_ORG, OTHER_WORKER, WORKER, everyone, only

GET = {
    "operations.healthz": everyone(200, anonymous=200),
    "operations.readyz": everyone(200, anonymous=200),
    "assets.asset": everyone(200, anonymous=200),
    # The kept SKJ registration of the worker (worker_registrations); another worker's → 404.
    "worker.progress_chart": only({WORKER: 200, OTHER_WORKER: 404}),
    # Always the logged-in worker's own radar (no one else's can be named): no assessment in
    # this world, so 404 (tests/test_chart_urls.py shows it drawn).
    "worker.radar_chart": only({WORKER: 404, OTHER_WORKER: 404}),
    # The development page's radar: likewise the logged-in worker's own assessments only.
    "worker.development_radar": only({WORKER: 404, OTHER_WORKER: 404}),
    # Another organisation's HR sees its own (empty) overview: no chart.
    "hr.overview_chart": only({HR: 200, ADMIN: 200, OTHER_ORG: 404}),
}
POST = {
    "operations.healthz": everyone(405, anonymous=405),
    "operations.readyz": everyone(405, anonymous=405),
    "assets.asset": everyone(405, anonymous=405),
    "worker.progress_chart": everyone(405, anonymous=405),
    "worker.radar_chart": everyone(405, anonymous=405),
    "worker.development_radar": everyone(405, anonymous=405),
    "hr.overview_chart": everyone(405, anonymous=405),
}


def arrange(_db, _users) -> dict:
    """A digest that is not current (answered, not cached) and the stylesheet's hashed name."""
    import hashlib
    from pathlib import Path

    import portfolio

    css = Path(portfolio.__file__).parent / "static" / "css" / "app.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    return {"digest": "0" * 20, "name": f"css/app.{digest}.css", "hr.overview_chart:year": 2025}
