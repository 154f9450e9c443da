"""`python -m bench.sso_roundtrip [--rounds 20]`: how long a sign-in through an OpenID Connect
provider takes, against the real test provider (oidc-provider on loopback, `make oidc-provider`).

One round: the app's /login/sso/<slug> (discovery cached, state stored) → the provider's
authorize, log-in and consent steps (driven with `requests`, no browser) → the app's callback
(code exchange with the client secret and PKCE, JWKS, ID-token checks, person matched, session
started). The first round also pays for discovery and the JWKS; it is reported apart.
Bounded: `--rounds` sign-ins (at most 200), one at a time, on loopback only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from portfolio import create_app, migrate
from portfolio.db import standalone_session
from portfolio.models import Role
from tests.factories import make_organisation, make_user
from tests.oidc_provider import Provider
from tests.sso_helpers import APP_BASE, at_provider, configure


def _milliseconds(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sso_roundtrip", description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    rounds = min(max(parser.parse_args(argv).rounds, 2), 200)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        url = f"sqlite:///{base / 'bench.sqlite3'}"
        migrate.upgrade(url)
        app = create_app(
            {
                "ENV_NAME": "test",
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "DATABASE_URL": url,
                "PUBLIC_BASE_URL": APP_BASE,
                "WTF_CSRF_ENABLED": False,
            }
        )
        provider = Provider(base)
        provider.add_client("bench", "bench-secret-0123456789", APP_BASE)
        provider.add_user("anna", email="anna@bench.nl", name="Anna")
        provider.start()
        try:
            with standalone_session(app.extensions["db_engine"]) as db:
                org = make_organisation(db)
                admin = make_user(db, org, role=Role.ADMIN)
                make_user(db, org, email="anna@bench.nl")
                configure(
                    db,
                    app,
                    admin=admin,
                    provider=provider,
                    client_id="bench",
                    secret="bench-secret-0123456789",  # noqa: S106 - the test provider's
                    domains=["bench.nl"],
                )
                slug = org.slug
            totals, ours_start, theirs, ours_callback = [], [], [], []
            for _ in range(rounds):
                client = app.test_client()
                t0 = time.perf_counter()
                started = client.get(f"/login/sso/{slug}")
                t1 = time.perf_counter()
                callback = at_provider(started.headers["Location"], "anna")
                t2 = time.perf_counter()
                done = client.get(callback)
                t3 = time.perf_counter()
                assert done.status_code == 302, done.get_data(as_text=True)[:500]
                totals.append(t3 - t0)
                ours_start.append(t1 - t0)
                theirs.append(t2 - t1)
                ours_callback.append(t3 - t2)
        finally:
            provider.stop()
            app.extensions["db_engine"].dispose()
    print(f"sign-in round trips through oidc-provider on loopback, {rounds} rounds, SQLite")
    print(f"  at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"  first round (discovery and JWKS fetched): {totals[0] * 1000:.1f} ms")
    print(f"  whole round trip     {_milliseconds(totals[1:])}")
    print(f"  app: start           {_milliseconds(ours_start[1:])}")
    print(f"  provider steps       {_milliseconds(theirs[1:])}")
    print(f"  app: callback        {_milliseconds(ours_callback[1:])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
