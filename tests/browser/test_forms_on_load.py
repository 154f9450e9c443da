"""Forms in a real Chromium: the new-reflection form does not jump on load (only the chosen
structure's boxes show from the first paint, without a script) and the goal form's long list of
entries gets a filter box."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portfolio.models import Entry
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser

# The sum of layout shifts so far (Cumulative Layout Shift without session windows).
CLS = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def worker(db):
    organisation = make_organisation(db)
    user = make_user(db, organisation, team=make_team(db, organisation))
    for n in range(12):
        db.add(
            Entry(
                organisation_id=organisation.id,
                owner_id=user.id,
                kind="training",
                title=f"{'Motiverende gespreksvoering' if n % 3 else 'Huiselijk geweld'} {n}",
                occurred_on=date(2025, 1, 1 + n),
                hours=Decimal(2),
                catalogue_version="t",
            )
        )
    db.commit()
    return user


def log_in(page, base, user) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_reflection_form_shows_the_chosen_structure_from_the_first_paint(
    browser, live_server, worker, javascript
):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        log_in(page, live_server, worker)
        page.goto(f"{live_server}/portfolio/entries/new/reflection")
        if javascript:
            assert page.evaluate(CLS) < 0.01
        assert page.locator("[data-structure=korthagen]").is_hidden()
        assert page.locator("[data-structure=starr]").is_hidden()
        assert page.locator("#body").is_visible()  # free is the default

        page.locator("input[name=structure][value=korthagen]").check()
        assert page.locator("[data-structure=korthagen]").is_visible()
        assert page.locator("#body").is_hidden()  # no free text box under the five phases
    finally:
        context.close()


def test_the_goal_form_filters_the_entries_to_link(page, live_server, worker):
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/development/goals/new")
    options = page.locator("fieldset[data-filter] .option")
    assert options.count() == 12

    page.get_by_label("Filter de items").fill("huiselijk")
    assert [o for o in options.all() if o.is_visible()].__len__() == 4
    assert "4 van 12" in page.locator("fieldset[data-filter] .filter .hint").inner_text()
    page.get_by_label("Filter de items").fill("")
    assert all(o.is_visible() for o in options.all())
