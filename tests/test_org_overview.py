"""HR's organisation overview: standings per norm and team, evaluations per status, the chart."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from portfolio.charts.evaluation import standings_figure
from portfolio.models import Entry, Registration, Role
from portfolio.services.evaluations import evaluations
from portfolio.services.overviews.org_overview import organisation_overview
from tests.conftest import login, post_form, without_csrf_tokens
from tests.factories import PASSWORD, make_organisation, make_team, make_user

YEAR = 2025  # the clock fixture's year: today is 3 March 2025
SKJ, REGISTERPLEIN = "skj-jeugd-gezinsprofessional", "registerplein-sociaal-werker"


def _register(db, user, norm_id: str, registered_on: date) -> None:
    db.add(
        Registration(
            organisation_id=user.organisation_id,
            owner_id=user.id,
            norm_id=norm_id,
            registered_on=registered_on,
        )
    )
    db.commit()


def _on_pace(db, user) -> None:
    """Enough since 1 January 2024 to meet the SKJ norm by the deadline at this pace."""
    common = {
        "organisation_id": user.organisation_id,
        "owner_id": user.id,
        "catalogue_version": "t",
    }
    db.add_all(
        [
            Entry(
                **common,
                kind="training",
                title="Scholing",
                occurred_on=date(2024, 3, 1),
                hours=Decimal(60),
                accreditations=[{"register": "skj", "id": "A1"}],
            ),
            Entry(
                **common,
                kind="peer_review",
                title="Intervisie",
                occurred_on=date(2024, 4, 1),
                hours=Decimal(60),
                form="intervisie",
                status="signed",
            ),
            Entry(
                **common,
                kind="work",
                title="Werk",
                occurred_on=date(2024, 1, 1),
                hours_per_week=Decimal(36),
            ),
        ]
    )
    db.commit()


@pytest.fixture
def world(app, db, clock):
    org = make_organisation(db)
    north, south = make_team(db, org, "Noord"), make_team(db, org, "Zuid")
    make_user(db, org, role=Role.SUPERVISOR, leads=north)
    south_lead = make_user(db, org, role=Role.SUPERVISOR, leads=south)
    on_track = make_user(db, org, team=north, name="Op Schema")
    at_risk = make_user(db, org, team=north, name="Bijna Verlopen")
    behind = make_user(db, org, team=south, name="Achter Op")
    expired = make_user(db, org, team=south, name="Al Verlopen")
    unknown = make_user(db, org, team=south, name="Nog Onbekend")
    no_team = make_user(db, org, name="Zonder Team")
    gone = make_user(db, org, team=north, name="Vertrokken", is_active=False)
    outsider = make_user(db, make_organisation(db), name="Buiten Staander")
    _register(db, on_track, SKJ, date(2024, 1, 1))
    _on_pace(db, on_track)
    _register(db, at_risk, SKJ, date(2015, 6, 1))  # replaced by the re-registration below
    _register(db, at_risk, SKJ, date(2020, 6, 1))  # deadline 31 May 2025, far off pace
    _register(db, behind, SKJ, date(2024, 1, 1))
    _register(db, expired, SKJ, date(2018, 1, 1))  # deadline 31 December 2022 passed
    _register(db, unknown, REGISTERPLEIN, date(2024, 1, 1))  # thresholds te verifiëren
    _register(db, no_team, SKJ, date(2024, 1, 1))
    _register(db, no_team, REGISTERPLEIN, date(2025, 6, 1))  # after today: not yet counted
    _register(db, gone, SKJ, date(2020, 6, 1))
    _register(db, outsider, SKJ, date(2020, 6, 1))
    now, today = clock(), clock().date()
    evaluations.prepare(
        db,
        worker=on_track,
        year=YEAR,
        parts={"went_well": "Veel"},
        expected=None,
        now=now,
        today=today,
    )
    evaluations.complete(
        db,
        supervisor=south_lead,
        worker=behind,
        year=YEAR,
        text="",
        agreements=[],
        expected=None,
        now=now,
        today=today,
    )
    hr = make_user(db, org, role=Role.HR)
    hr.locale = "en"
    db.add(hr)
    db.commit()
    return {"org": org, "north": north, "south": south, "hr": hr}


def _counts(on_track=0, behind=0, at_risk=0, expired=0, unknown=0) -> dict[str, int]:
    return {
        "on_track": on_track,
        "behind": behind,
        "at_risk": at_risk,
        "expired": expired,
        "unknown": unknown,
    }


def _by_norm(norms) -> dict[str, dict[str, int]]:
    return {norm.norm_id: norm.counts for norm in norms}


def test_standings_per_norm_overall_and_per_team(db, world):
    overview = organisation_overview(
        db, organisation_id=world["org"].id, year=YEAR, today=date(YEAR, 3, 3)
    )
    assert overview.as_of == date(YEAR, 3, 3)
    assert _by_norm(overview.norms) == {
        REGISTERPLEIN: _counts(unknown=1),
        SKJ: _counts(on_track=1, behind=2, at_risk=1, expired=1),
    }
    teams = {team.name: _by_norm(team.norms) for team in overview.teams}
    assert list(teams) == ["Noord", "Zuid", None]  # by name; people without a team last
    assert teams["Noord"] == {REGISTERPLEIN: _counts(), SKJ: _counts(on_track=1, at_risk=1)}
    assert teams["Zuid"] == {REGISTERPLEIN: _counts(unknown=1), SKJ: _counts(behind=1, expired=1)}
    assert teams[None] == {REGISTERPLEIN: _counts(), SKJ: _counts(behind=1)}


def test_evaluations_per_status_count_the_active_workers(db, world):
    overview = organisation_overview(
        db, organisation_id=world["org"].id, year=YEAR, today=date(YEAR, 3, 3)
    )
    assert overview.evaluations == {"not_started": 4, "prepared": 1, "completed": 1, "signed": 0}
    teams = {team.name: team.evaluations for team in overview.teams}
    assert teams["Noord"] == {"not_started": 1, "prepared": 1, "completed": 0, "signed": 0}
    assert teams["Zuid"] == {"not_started": 2, "prepared": 0, "completed": 1, "signed": 0}
    assert teams[None] == {"not_started": 1, "prepared": 0, "completed": 0, "signed": 0}


def test_an_earlier_year_is_seen_as_of_its_last_day(db, world):
    overview = organisation_overview(
        db, organisation_id=world["org"].id, year=2023, today=date(YEAR, 3, 3)
    )
    assert overview.as_of == date(2023, 12, 31)
    # The 2024 registrations did not exist yet; 2020's was still months from its deadline.
    assert _by_norm(overview.norms) == {SKJ: _counts(behind=1, expired=1)}
    assert overview.evaluations == {"not_started": 6, "prepared": 0, "completed": 0, "signed": 0}


def test_the_page_shows_the_chart_with_a_text_alternative_and_no_names(app, world):
    client = app.test_client()
    login(client, world["hr"].email, PASSWORD)
    response = client.get(f"/hr/overview?year={YEAR}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    chart = re.search(r'<img src="(/hr/overview/chart/2025/[0-9a-f]{20}\.svg)"', html)
    assert chart, "the chart is its own URL"
    image = client.get(chart[1])
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert b"<svg" in image.get_data()
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert len(html) < 20_000  # no chart inside the page
    assert 'aria-labelledby="standings-chart-text"' in html
    assert (
        "SKJ — Jeugd- en gezinsprofessional: on track 1, behind 2, "
        "at risk of missing the deadline 1, expired 1"
    ) in html
    assert "Noord" in html and "Zuid" in html and "No team" in html
    for name in ("Op Schema", "Achter Op", "Vertrokken", "Buiten Staander"):
        assert name not in html
    assert f'<option selected value="{YEAR}">' in html or f'value="{YEAR}" selected' in html
    assert client.get("/hr/overview?year=1999").status_code == 400


def test_the_chart_is_a_stacked_bar_per_norm():
    data = {
        "bars": [
            {"label": "SKJ", "counts": [3, 1, 0, 2, 0]},
            {"label": "Registerplein", "counts": [0, 0, 0, 0, 4]},
        ],
        "series": [
            {"key": k, "label": k} for k in ("on_track", "behind", "at_risk", "expired", "unknown")
        ],
        "axis": "Registrations",
    }
    axes = standings_figure(data).axes[0]
    widths = sorted(round(p.get_width()) for p in axes.patches if p.get_width())
    assert widths == [1, 2, 3, 4]  # one segment per non-zero count
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "on_track",
        "behind",
        "at_risk",
        "expired",
        "unknown",
    ]


def test_the_page_needs_as_many_statements_for_30_workers_as_for_3(app, db, count_queries):
    app.config["OVERVIEW_CACHE_SECONDS"] = 0  # the statements of computing it
    org = make_organisation(db)
    team = make_team(db, org)
    hr = make_user(db, org, role=Role.HR)
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    counts = []
    for added in (3, 27):
        for n in range(added):
            worker = make_user(db, org, team=team if n % 2 else None)
            _register(db, worker, SKJ, date(2022, 1, 1))
            _on_pace(db, worker)
        with count_queries() as counter:
            assert client.get(f"/hr/overview?year={YEAR}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10, counts


NAV_RE = re.compile(r'<nav aria-label="Main menu" class="main-nav">(.*?)</nav>', re.S)
MAIN_RE = re.compile(r"<main[^>]*>(.*?)</main>", re.S)


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.WORKER])
def test_hr_and_admin_reach_the_overview_and_the_evaluations_from_menu_and_home(app, db, role):
    user = make_user(db, make_organisation(db), role=role, locale="en")
    client = app.test_client()
    login(client, user.email, PASSWORD)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    menu, main = NAV_RE.search(html).group(1), MAIN_RE.search(html).group(1)
    links = ('href="/hr/overview"', 'href="/hr/evaluations"')
    if role in (Role.HR, Role.ADMIN):
        assert all(link in menu and link in main for link in links)
        page = client.get("/hr/evaluations").get_data(as_text=True)
        assert '<a href="/hr/evaluations" aria-current="page">Yearly evaluations</a>' in page
        assert 'aria-current="page">People' not in page  # one current item
        people = client.get("/hr/teams").get_data(as_text=True)
        assert '<a href="/hr/people" aria-current="page">People</a>' in people
    else:
        assert not [link for link in links if link in html]


@pytest.mark.parametrize("year", [YEAR, 2024])
def test_the_teams_are_paged_and_the_whole_organisation_counts_everyone(db, world, year):
    """One team per page: the organisation's row is the same on every page, each page counts
    only its own team (the people without a team after the last page's)."""
    org_id, today = world["org"].id, date(YEAR, 3, 3)
    whole = organisation_overview(db, organisation_id=org_id, year=year, today=today)
    pages = [
        organisation_overview(
            db, organisation_id=org_id, year=year, today=today, page=number, per_page=1
        )
        for number in (1, 2)
    ]
    assert [[team.name for team in page.teams] for page in pages] == [["Noord"], ["Zuid", None]]
    assert [page.team_page.pages for page in pages] == [2, 2]
    for page in pages:
        assert page.norms == whole.norms and page.evaluations == whole.evaluations
    assert [team for page in pages for team in page.teams] == whole.teams


def test_the_overview_page_links_to_the_next_page_of_teams(app, db, world):
    app.config["PAGE_SIZE"] = 1
    app.config["OVERVIEW_CACHE_SECONDS"] = 0
    client = app.test_client()
    login(client, world["hr"].email, PASSWORD)
    first = client.get(f"/hr/overview?year={YEAR}").get_data(as_text=True)
    second = client.get(f"/hr/overview?year={YEAR}&page=2").get_data(as_text=True)
    assert ">Noord<" in first and ">Zuid<" not in first
    assert f"/hr/overview?page=2&amp;year={YEAR}" in first or "page=2" in first
    assert ">Zuid<" in second and ">Noord<" not in second and "No team" in second


def test_the_tables_are_rendered_once_per_cache_period_and_per_language(app, world, count_queries):
    from flask import template_rendered

    rendered = []

    def note(_sender, template, **_extra):
        rendered.append(template.name)

    client = app.test_client()
    login(client, world["hr"].email, PASSWORD)
    template_rendered.connect(note, app)
    try:
        first = client.get(f"/hr/overview?year={YEAR}").get_data(as_text=True)
        with count_queries() as counter:
            again = client.get(f"/hr/overview?year={YEAR}").get_data(as_text=True)
        post_form(client, "/language", {"lang": "nl"}, token_from=f"/hr/overview?year={YEAR}")
        dutch = client.get(f"/hr/overview?year={YEAR}").get_data(as_text=True)
    finally:
        template_rendered.disconnect(note, app)
    assert rendered.count("hr/_overview_content.html") == 2  # English once, Dutch once
    assert without_csrf_tokens(again) == without_csrf_tokens(first)
    assert counter.count == 1  # the user's own row only
    assert "Whole organisation" in first and "Hele organisatie" in dutch
