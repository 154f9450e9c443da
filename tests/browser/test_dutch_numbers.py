"""A worker in a Dutch Chromium types "1,5" into the hours field and sees 1,5 hours saved and
shown (issue 14: a number input would have turned it into 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from competencies.privacy import warm_up
from portfolio.models import Entry
from tests.browser.conftest import days_ago
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(db):
    organisation = make_organisation(db)
    user = make_user(db, organisation, team=make_team(db, organisation))
    user.locale = "nl"
    db.add(user)
    db.commit()
    return user


def test_typing_1_comma_5_hours_saves_and_shows_one_and_a_half(page, live_server, db, worker):
    warm_up()  # the privacy scan's lists load once per process (tens of seconds here)
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(worker.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/")

    page.goto(f"{live_server}/portfolio/entries/new/training")
    hours = page.locator("#hours")
    assert hours.get_attribute("type") == "text"
    assert hours.get_attribute("inputmode") == "decimal"
    page.locator("#title").fill("Motiverende gespreksvoering")
    page.locator("#occurred_on").fill(days_ago(3))
    hours.press_sequentially("1,5")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_load_state()

    entry = db.scalars(select(Entry).where(Entry.owner_id == worker.id)).one()
    assert entry.hours == Decimal("1.5")
    facts = page.locator("main dl.facts").inner_text()
    assert "1,5" in facts and "15" not in facts.replace("1,5", "")
