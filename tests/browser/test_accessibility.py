"""axe-core (from npm, `make axe`) on every main page of every role, in Dutch and in English:
no serious or critical violation, and none of the heading-order and landmark rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from portfolio.models import User
from tests.browser.conftest import BROWSER_TODAY
from tests.browser.pages import PUBLIC_PAGES, ROLE_EMAILS, demo_world, log_in, main_pages

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Moderate rules that must hold as well: the heading outline and unique landmarks.
ALSO = {
    "heading-order",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "region",
}
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 2).map((n) => n.target.join(' ')),
  }));
}"""


@pytest.fixture
def demo_pages(db, clock):
    demo_world(db, BROWSER_TODAY)
    return main_pages(db, BROWSER_TODAY.year)


def violations(page, base: str, items) -> list[str]:
    found = []
    for _name, path in items:
        response = page.goto(base + path)
        if response.status != 200:
            found.append(f"{path}: status {response.status}")
            continue
        page.add_script_tag(path=str(AXE))
        for v in page.evaluate(RUN):
            if v["impact"] in {"serious", "critical"} or v["id"] in ALSO:
                found.append(f"{path}: {v['id']} ({v['impact']}) at {v['nodes']}")
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("role", ["worker", "supervisor", "hr", "admin"])
def test_axe_finds_no_serious_violation_on_the_main_pages(
    browser, live_server, db, demo_pages, role, lang
):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make axe` installs axe-core from npm")
    db.execute(update(User).where(User.email == ROLE_EMAILS[role]).values(locale=lang))
    db.commit()
    # bypass_csp: the page's CSP (script-src 'self') would refuse the injected axe script.
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    try:
        found = []
        if role == "worker":
            if lang == "en":
                page.goto(f"{live_server}/login")
                page.locator(".lang-switch button").click()
            found += violations(page, live_server, PUBLIC_PAGES)
        log_in(page, live_server, role)
        assert page.locator("html").get_attribute("lang") == lang
        found += violations(page, live_server, demo_pages[role])
        assert found == []
    finally:
        context.close()
