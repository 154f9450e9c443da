"""A live server on loopback and a real Chromium (Debian's, driven by Playwright).

The server runs on the test clock (tests/conftest.py `clock`, from CLOCK_START): dates the tests
type are relative to BROWSER_TODAY, so the flows do not break when the calendar moves on.
"""

from __future__ import annotations

import gc
import os
import threading
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import CLOCK_START

CHROMIUM = os.environ.get("VAKBEKWAAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


BROWSER_TODAY = CLOCK_START.date()


def days_ago(days: int) -> str:
    """A date `days` before the test clock's today, as typed into a date field (ISO)."""
    return (BROWSER_TODAY - timedelta(days=days)).isoformat()


class _RequestsInFlight:
    """WSGI wrapper counting the requests inside the app, so that the server's end can wait for
    them: a test that fails while the browser still waits for a page must not leave that
    request holding a database connection when the app's engine is disposed (the connection
    would be closed only by the garbage collector, in some later test)."""

    def __init__(self, app) -> None:
        self.app = app
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture
def live_server(app, clock):
    """Serve the test app, on the fixed test clock, on 127.0.0.1 with a free port; yields the
    base URL."""
    in_flight = _RequestsInFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        in_flight.wait_until_idle(timeout=30)
        # A page the browser abandoned when a try failed (then retried) can leave its database
        # connection to the garbage collector; collected here, its warning cannot fail a later,
        # unrelated test (the app closes every request's session; this is the harness's).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page, Dutch by default."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _privacy_scan_loaded():
    """The privacy scan loads deduce's lists once per process (tens of seconds): before any
    page saves text, so that no click waits for it."""
    from competencies.privacy import warm_up

    warm_up()


def pytest_collection_modifyitems(items):
    """A browser test gets up to two more tries: on a loaded 2-core CI machine Chromium's
    timing (a click before a slow page settles) can fail a step once. A real fault fails all
    three tries; every retry is reported in the summary (`R` and "rerun")."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
