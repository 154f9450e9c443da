"""Art. 24 in a real Chromium: a worker submits a session with a colleague as participant, the
colleague confirms with one click in the notification list, the supervisor reads the session
with its participants and signs, and the worker sees it locked."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portfolio.models import Entry, EntryParticipant, Role
from tests.browser.conftest import days_ago
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def people(db):
    organisation = make_organisation(db)
    team = make_team(db, organisation)
    people = {
        "worker": make_user(db, organisation, team=team, name="Wies Werker"),
        "colleague": make_user(db, organisation, team=team, name="Cas Collega"),
        "lead": make_user(db, organisation, role=Role.SUPERVISOR, leads=team, name="Lea Lead"),
    }
    for user in people.values():
        user.locale = "en"
        db.add(user)
    db.commit()
    return people


def log_in(context, base_url: str, user):
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_submit_confirm_sign_and_the_entry_is_locked(browser, live_server, db, people):
    contexts = [browser.new_context(locale="en-GB") for _ in range(3)]
    worker_page, colleague_page, lead_page = (
        log_in(context, live_server, people[name])
        for context, name in zip(contexts, ("worker", "colleague", "lead"), strict=True)
    )
    try:
        page = worker_page
        page.goto(f"{live_server}/portfolio/entries/new/peer_review")
        page.locator("#title").fill("Intervisie november")
        page.locator("#occurred_on").fill(days_ago(7))
        page.locator("#hours").fill("2")
        page.locator("#form").select_option("intervisie")
        page.get_by_label("Cas Collega").check()
        page.locator("#learning_points").fill("Eerst doorvragen, dan adviseren.")
        page.locator("main form.card button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="Submit for sign-off").click()
        page.wait_for_load_state()
        assert "submitted for sign-off" in page.locator("main").inner_text()

        colleague_page.goto(f"{live_server}/notifications")
        invitation = re.compile(r"I was there\W+Did you take part")
        colleague_page.get_by_role("button", name=invitation).click()  # one action
        colleague_page.wait_for_load_state()
        assert "Your attendance is confirmed." in colleague_page.locator("main").inner_text()
        assert colleague_page.get_by_role("button", name=invitation).count() == 0

        lead_page.goto(f"{live_server}/team/sign-off")
        lead_page.get_by_role("link", name="Intervisie november").click()
        review = lead_page.locator("main").inner_text()
        assert "Cas Collega — confirmed" in review
        assert "Eerst doorvragen, dan adviseren." in review
        lead_page.get_by_role("button", name="Sign off").click()
        lead_page.wait_for_load_state()

        page.reload()
        text = page.locator("main").inner_text()
        assert "Signed off: this entry can no longer be changed." in text
        assert "confirmed" in text and "not confirmed yet" not in text
        assert page.get_by_role("link", name="Change").count() == 0
    finally:
        for context in contexts:
            context.close()
    db.expire_all()
    entry = db.scalars(select(Entry)).one()
    assert (entry.status, entry.signed_by_id) == ("signed", people["lead"].id)
    participation = db.scalars(select(EntryParticipant)).one()
    assert participation.confirmed_at is not None
