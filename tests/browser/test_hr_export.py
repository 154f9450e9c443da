"""HR in a real Chromium: from the main menu to the yearly evaluations, then the year as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from portfolio.models import Role
from portfolio.services.evaluations import evaluations
from portfolio.services.evaluations.evaluation_export import COLUMNS
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(db, clock):
    """Three active workers (one evaluation prepared), one deactivated; HR reads English."""
    org = make_organisation(db)
    team = make_team(db, org, "Wijkteam Oost")
    make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Lea Leiding")
    workers = [make_user(db, org, team=team, name=name) for name in ("Anna Aalders", "Bram Bos")]
    workers.append(make_user(db, org, name="Cees Claes"))
    make_user(db, org, team=team, name="Dirk Vertrokken", is_active=False)
    make_user(db, make_organisation(db), name="Olga Elders")  # another organisation
    now = clock()
    evaluations.prepare(
        db,
        worker=workers[0],
        year=now.year,
        parts={"went_well": "Veel"},
        expected=None,
        now=now,
        today=now.date(),
    )
    hr = make_user(db, org, role=Role.HR, name="Hanna HR", locale="en")
    return {"hr": hr, "year": now.year}


def test_hr_exports_the_year_as_csv_from_the_menu(browser, live_server, organisation):
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.locator("#email").fill(organisation["hr"].email)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="Yearly evaluations"
        ).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Yearly evaluations", exact=True).is_visible()
        assert "3 workers match" in page.locator("main").inner_text()
        with page.expect_download() as info:
            page.get_by_role("link", name="Download CSV").click()
        download = info.value
        name = download.suggested_filename
        data = Path(download.path()).read_bytes()
    finally:
        context.close()
    assert name == f"vakbekwaam-jaargesprekken-{organisation['year']}.csv"
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    # One row per active worker of the organisation: not the deactivated one, not the
    # supervisor or HR, not another organisation's worker.
    assert [row[0] for row in rows[1:]] == ["Anna Aalders", "Bram Bos", "Cees Claes"]
    assert [row[3] for row in rows[1:]] == ["prepared", "not_started", "not_started"]
