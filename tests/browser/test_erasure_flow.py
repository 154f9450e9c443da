"""A worker erases their own portfolio in a real browser (nl-NL): the download is offered first,
a typed word confirms, they are logged out and cannot log in again."""

from __future__ import annotations

import pytest

from portfolio import demo
from tests.browser.conftest import BROWSER_TODAY
from tests.browser.test_login_flow import log_in

pytestmark = pytest.mark.browser

WORKER = demo.DEMO_LOGINS[0][0]


@pytest.fixture
def demo_world(db):
    demo.create(db, workers=0, years=1, today=BROWSER_TODAY)


def test_a_worker_downloads_then_erases_their_portfolio_and_cannot_log_in(
    page, live_server, demo_world
):
    log_in(page, live_server, WORKER, demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Mijn portfolio wissen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mijn portfolio wissen", level=1).is_visible()

    download_button = page.get_by_role("button", name="Download mijn gegevens (zip)")
    erase_button = page.get_by_role("button", name="Mijn portfolio definitief wissen")
    assert download_button.bounding_box()["y"] < erase_button.bounding_box()["y"]
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith(".zip")

    erase_button.click()  # without the word: refused, nothing erased
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()

    page.get_by_label("Typ WISSEN om te bevestigen").fill("WISSEN")
    page.get_by_role("button", name="Mijn portfolio definitief wissen").click()
    page.wait_for_load_state()
    assert page.url.endswith("/erased")
    assert page.get_by_role("heading", name="Je portfolio is gewist").is_visible()
    page.goto(f"{live_server}/account")
    assert "/login" in page.url  # logged out

    log_in(page, live_server, WORKER, demo.DEMO_PASSWORD)
    assert "/login" in page.url
    assert page.locator(".flash-error").is_visible()
