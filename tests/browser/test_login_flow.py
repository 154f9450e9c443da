"""Every demo log-in works in a real browser, and the phone layout holds."""

from __future__ import annotations

import pytest

from portfolio import demo
from tests.browser.conftest import BROWSER_TODAY

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_world(db):
    demo.create(db, workers=0, years=1, today=BROWSER_TODAY)  # the live server's today


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("login_row", demo.DEMO_LOGINS, ids=[r[2].value for r in demo.DEMO_LOGINS])
def test_each_demo_login_reaches_its_start_page(page, live_server, demo_world, login_row):
    email, name, _role, _team = login_row
    log_in(page, live_server, email, demo.DEMO_PASSWORD)
    assert "/login" not in page.url
    assert name in page.locator("header").inner_text()
    page.get_by_role("button", name="Log out").or_(
        page.get_by_role("button", name="Uitloggen")
    ).first.click()
    page.wait_for_load_state()
    assert "/login" in page.url


def test_a_wrong_password_keeps_the_email_and_says_why(page, live_server, demo_world):
    log_in(page, live_server, "werker@demo.vakbekwaam.nl", "not the right password")
    assert page.locator("#email").input_value() == "werker@demo.vakbekwaam.nl"
    assert page.locator(".flash-error").is_visible()


def test_the_login_page_fits_a_phone_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
