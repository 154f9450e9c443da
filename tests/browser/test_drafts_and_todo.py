"""Nothing typed is lost, no duplicates, and the to-do block — in a real Chromium (nl-NL).

Time is the test clock (server) and Playwright's clock (browser): nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portfolio.models import Entry, EntryEvent, Notification, Registration
from tests.browser.conftest import days_ago
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser
TEXT = "Wat ik vandaag leerde over motiverende gespreksvoering, in mijn eigen woorden."


@pytest.fixture
def worker(db):
    organisation = make_organisation(db)
    return make_user(db, organisation, team=make_team(db, organisation), name="Wendy Werker")


def log_in(page, live_server, user, *, expect: str | None = "/portfolio/") -> None:
    if not page.url.startswith(f"{live_server}/login"):
        page.goto(f"{live_server}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if expect:
        page.wait_for_url(f"{live_server}{expect}")


def fill_other_entry(page, text: str = TEXT) -> None:
    page.locator("#title").fill("Vakliteratuur")
    page.locator("#occurred_on").fill(days_ago(3))
    page.locator("#hours").fill("2")
    page.locator("#activity_type").select_option("vakliteratuur")
    page.locator("#body").fill(text)


def entries(db) -> list[Entry]:
    db.expire_all()
    return db.scalars(select(Entry)).all()


def test_text_typed_before_the_session_ended_is_saved_with_one_click_after_logging_in(
    page, live_server, db, clock, worker
):
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/entries/new/other")
    fill_other_entry(page)
    clock.advance(minutes=31)  # the idle timeout (SESSION_IDLE_TIMEOUT, 30 minutes) passes
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/login**")
    assert "Wat je typte is bewaard" in page.locator(".flashes").inner_text()
    assert entries(db) == []

    log_in(page, live_server, worker, expect="/drafts/kept")
    assert TEXT in page.locator("main").inner_text()
    page.locator("main form.kept-form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/entries/*")
    assert [entry.body for entry in entries(db)] == [TEXT]


def test_a_draft_saved_while_typing_comes_back_in_the_form_after_the_session_ended(
    page, live_server, db, clock, worker
):
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/entries/new/other")
    fill_other_entry(page)
    page.locator("#title").focus()  # leaving the text saves the draft
    page.locator(".draft-status", has_text="Concept opgeslagen").wait_for()
    clock.advance(minutes=31)
    page.goto(f"{live_server}/portfolio/entries/new/other")  # the session has ended
    page.wait_for_url(f"{live_server}/login**")
    log_in(page, live_server, worker, expect="/portfolio/entries/new/other")
    page.locator(".draft-note").wait_for()
    assert page.locator("#body").input_value() == TEXT
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/entries/*")
    assert [entry.body for entry in entries(db)] == [TEXT]
    # Saved: neither the server nor the browser offers the draft again.
    page.goto(f"{live_server}/portfolio/entries/new/other")
    page.wait_for_load_state("networkidle")
    assert page.locator(".draft-note").count() == 0
    assert page.locator("#body").input_value() == ""


def test_a_warning_before_the_idle_timeout_keeps_the_session_alive(
    page, live_server, db, clock, worker
):
    page.clock.install()
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/entries/new/other")
    clock.advance(minutes=29)
    page.clock.fast_forward("28:30")  # two minutes before the timeout
    warning = page.locator(".session-warning")
    warning.wait_for()
    assert "binnenkort uitgelogd" in warning.inner_text()
    warning.get_by_role("button", name="Ingelogd blijven").click()
    warning.wait_for(state="hidden")
    clock.advance(minutes=29)  # 58 minutes after the last page, 29 after "stay logged in"
    page.goto(f"{live_server}/portfolio/entries")
    assert page.url == f"{live_server}/portfolio/entries"


def test_a_stale_second_tab_is_refused_without_losing_its_text(
    page, live_server, db, clock, worker
):
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/entries/new/other")
    fill_other_entry(page, "De eerste versie.")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/entries/*")
    edit = page.url + "/edit"
    second = page.context.new_page()
    page.goto(edit)
    second.goto(edit)
    page.locator("#body").fill("Uit het eerste tabblad.")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/entries/*")
    second.locator("#body").fill("Uit het tweede tabblad.")
    second.locator("main form.card button[type=submit]").click()
    second.locator(".conflict").wait_for()
    assert "Dit is gewijzigd nadat je het opende" in second.locator(".conflict").inner_text()
    assert "Uit het eerste tabblad." in second.locator(".conflict").inner_text()
    assert second.locator("#body").input_value() == "Uit het tweede tabblad."
    assert [entry.body for entry in entries(db)] == ["Uit het eerste tabblad."]
    second.locator("main form.card button[type=submit]").click()  # now deliberately
    second.wait_for_url(f"{live_server}/portfolio/entries/*")
    assert [entry.body for entry in entries(db)] == ["Uit het tweede tabblad."]


def test_a_double_submit_makes_one_entry(page, live_server, db, clock, worker):
    log_in(page, live_server, worker)
    page.goto(f"{live_server}/portfolio/entries/new/other")
    fill_other_entry(page)
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("main form.card");
            const send = () => fetch(location.href, {method: "POST", body: new FormData(form),
                                                     redirect: "manual"});
            const answers = await Promise.all([send(), send()]);
            return answers.map((answer) => answer.type);
        }"""
    )
    assert statuses == ["opaqueredirect", "opaqueredirect"]
    assert len(entries(db)) == 1


def test_the_todo_block_shows_a_returned_entry_and_a_deadline_alarm(
    page, live_server, db, clock, worker
):
    returned = Entry(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        kind="other",
        title="Reflectie op huisbezoek",
        occurred_on=date(2025, 2, 1),
        hours=Decimal(1),
        status="returned",
        activity_type="vakliteratuur",
        catalogue_version="test",
    )
    db.add(returned)
    db.flush()
    db.add(
        EntryEvent(
            entry_id=returned.id,
            action="returned",
            comment="Beschrijf je eigen rol scherper.",
            entry_version=1,
            at=datetime(2025, 2, 20, tzinfo=UTC),
        )
    )
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registered_on=date(2020, 5, 1),  # deadline 30 April 2025: 58 days from the clock
        )
    )
    db.add(
        Notification(
            organisation_id=worker.organisation_id,
            user_id=worker.id,
            kind="test",
            title="Iets nieuws",
            body="Lees dit.",
        )
    )
    db.commit()
    log_in(page, live_server, worker)
    todo = page.locator("section.todo")
    text = todo.inner_text()
    assert "Teruggestuurd naar jou: Reflectie op huisbezoek" in text
    assert "Beschrijf je eigen rol scherper." in text
    assert "Dien je herregistratie in bij SKJ vóór 30 apr 2025" in text
    assert "nog 58 dagen" in text
    assert todo.locator(".todo-alarm").count() == 1
    todo.get_by_role("link", name="Teruggestuurd naar jou: Reflectie op huisbezoek").click()
    page.wait_for_url(f"{live_server}/portfolio/entries/{returned.id}")

    # The header's unread count: readable (contrast at least 4.5:1) and in words for a reader.
    ratio = page.locator(".site-header .badge").evaluate(
        """badge => {
            const rgb = (value) => value.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
            const lum = (c) => {
                const [r, g, b] = c.map((v) => v / 255).map((v) =>
                    v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const style = getComputedStyle(badge);
            const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }"""
    )
    assert ratio >= 4.5
    assert "1 ongelezen" in page.locator(".site-header .visually-hidden").inner_text()
    assert db.scalar(select(func.count()).select_from(Notification)) == 1
