"""Every main page of every role at 360 px wide on the demo data: nothing scrolls sideways, no
table cell breaks words at any letter, and chart text shows at 11 px or more."""

from __future__ import annotations

import pytest

from tests.browser.conftest import BROWSER_TODAY
from tests.browser.pages import PUBLIC_PAGES, demo_world, log_in, main_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# What the page measures: sideways overflow, the widest elements past the edge, cells that break
# words anywhere, and the smallest chart text as shown (SVG font size × shown width / viewBox).
MEASURE = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  const anywhere = [...document.querySelectorAll('td, th')].filter((el) => {
    const style = getComputedStyle(el);
    return style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all';
  }).length;
  const charts = [...document.querySelectorAll('img[src^="data:image/svg+xml"]')].map((img) => {
    const svg = atob(img.src.split(',')[1]);
    const box = Number(/viewBox="0 0 ([\\d.]+) /.exec(svg)[1]);
    const sizes = [...svg.matchAll(/font-size: ([\\d.]+)px/g)].map((m) => Number(m[1]));
    return Math.min(...sizes) * img.getBoundingClientRect().width / box;
  });
  return {scroll: document.scrollingElement.scrollWidth, width, wide, anywhere, charts};
}"""


@pytest.fixture
def demo_pages(db, clock):
    demo_world(db, BROWSER_TODAY)
    return main_pages(db, BROWSER_TODAY.year)


def problems_at_360(page, base: str, items) -> list[str]:
    found = []
    for _name, path in items:
        response = page.goto(base + path)
        if response.status != 200:
            found.append(f"{path}: status {response.status}")
            continue
        m = page.evaluate(MEASURE)
        if m["scroll"] > m["width"]:
            found.append(f"{path}: {m['scroll']} px wide at {m['width']} ({m['wide']})")
        if m["anywhere"]:
            found.append(f"{path}: {m['anywhere']} table cells break words anywhere")
        for size in m["charts"]:
            if size < 11:
                found.append(f"{path}: chart text shows at {size:.1f} px")
    return found


@pytest.mark.parametrize("role", ["worker", "supervisor", "hr", "admin"])
def test_no_main_page_scrolls_sideways_at_360_px(browser, live_server, demo_pages, role):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    try:
        if role == "worker":
            assert problems_at_360(page, live_server, PUBLIC_PAGES) == []
        log_in(page, live_server, role)
        visited = demo_pages[role]
        assert len(visited) >= 5
        assert problems_at_360(page, live_server, visited) == []
    finally:
        context.close()
