"""The worker's dashboard: first use, numbers and forecast, "te verifiëren", Art. 3, queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portfolio.models import DevelopmentGoal, Entry, EntryTag, ThresholdOverride
from portfolio.services.development import development
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_norm_progress import REGISTERPLEIN, SKJ, add_entry, register

NOW = datetime(2026, 7, 1, 10, tzinfo=UTC)


@pytest.fixture
def worker(app, db):
    """A worker who reads English (msgids), with the clock on 1 July 2026."""
    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org))
    user.locale = "en"
    db.add(user)
    db.commit()
    return user


def page(client, user) -> str:
    login(client, user.email, PASSWORD)
    response = client.get("/portfolio/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page as text with single spaces, for sentences split over template lines."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_worker_lands_on_the_dashboard(client, worker):
    login(client, worker.email, PASSWORD)
    assert client.get("/").headers["Location"].endswith("/portfolio/")


def test_an_empty_portfolio_gets_first_steps_not_empty_charts(client, worker):
    html = page(client, worker)

    assert "Where to start" in html
    assert 'href="/portfolio/registrations/new"' in html
    assert "<img" not in html
    assert "Recent entries" not in html
    # No empty goals or radar cards either: only next steps.
    assert 'id="goals-title"' not in html and "No open goals." not in html
    assert 'id="radar-title"' not in html and "Assess your ten competencies" not in html


def test_the_first_use_page_shows_goals_and_radar_once_they_have_content(client, db, worker):
    db.add(
        DevelopmentGoal(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            competency_code="WMO4",
            current_level="beginner",
            target_level="vakbekwaam",
            title="Beter samenwerken",
        )
    )
    db.commit()
    development.save_self_assessment(
        db,
        owner=worker,
        assessed_on=date(2026, 6, 1),
        ratings=dict.fromkeys(development.COMPETENCY_CODES, ("vakbekwaam", "")),
    )

    html = page(client, worker)

    assert "Where to start" in html  # still no registration and no entry
    assert 'id="goals-title"' in html and "Beter samenwerken" in html
    assert 'id="radar-title"' in html and "/portfolio/charts/radar/" in html


def test_a_registration_without_entries_shows_numbers_and_no_chart(client, db, worker):
    register(db, worker, SKJ)

    html = page(client, worker)

    assert "Where to start" not in html
    assert "<img" not in html
    assert "Record your first entry to see your progress as a chart." in html
    assert "0 / 60" in text_of(html) or ">60<" in html


def test_numbers_forecast_and_chart_of_a_registration(client, db, worker):
    register(db, worker, SKJ, on=date(2024, 1, 1))
    add_entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        "8",
        accreditations=[{"register": "skj", "id": "SKJ-1"}],
    )
    add_entry(db, worker, "peer_review", date(2025, 2, 1), "2", form="intervisie", status="signed")
    add_entry(db, worker, "work", date(2024, 1, 1), hours_per_week=Decimal(28))

    html = page(client, worker)
    text = text_of(html)

    # 913 days elapsed, 914 left until the deadline of 31 December 2028.
    assert "December 31, 2028" in text
    assert "914 days left" in text
    # Scholing 8 → 8 + 8 × 914 / 913 = 16.01 at the deadline: 43.99 short.
    assert "You will be short of 43.99 Geaccrediteerde scholing hours by the deadline." in text
    # Reflectie 2 → 4.00 at the deadline: 56 short.
    assert "You will be short of 56 Reflectie hours by the deadline." in text
    assert "after the deadline" in text
    # Work hours: 28 a week over 913 days = 3,652 of 3,368: met.
    assert re.search(r"Work hours.*?3,652.*?3,368.*?met", text)
    # The chart: an SVG image with a text alternative that exists on the page.
    match = re.search(
        r'<img src="(/portfolio/registrations/\d+/chart/[0-9a-f]{20}\.svg)"'
        r'[^>]*aria-labelledby="([^"]+)"',
        html,
    )
    assert match, "no chart"
    image = client.get(match.group(1))
    assert image.status_code == 200 and b"<svg" in image.get_data()
    assert f'id="{match.group(2)}"' in html
    assert "Geaccrediteerde scholing: 8 / 60" in text


def test_a_met_norm_is_said_in_words(client, db, worker):
    register(db, worker, SKJ, on=date(2024, 1, 1))
    add_entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        "60",
        accreditations=[{"register": "skj", "id": "SKJ-1"}],
    )
    add_entry(db, worker, "peer_review", date(2025, 2, 1), "60", form="supervisie", status="signed")
    add_entry(db, worker, "work", date(2024, 1, 1), hours_per_week=Decimal(40))

    assert "You meet the norm." in page(client, worker)


def test_an_on_track_forecast_names_the_date(client, db, worker):
    register(db, worker, SKJ, on=date(2024, 1, 1))
    add_entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        "40",
        accreditations=[{"register": "skj", "id": "SKJ-1"}],
    )
    add_entry(db, worker, "peer_review", date(2025, 2, 1), "59", form="supervisie", status="signed")
    add_entry(db, worker, "work", date(2024, 1, 1), hours_per_week=Decimal(40))

    text = text_of(page(client, worker))

    # Scholing is the slowest: ceil((60 − 40) × 913 / 40) = 457 days after 1 July 2026.
    assert "At this pace you meet the norm on October 1, 2027, before the deadline" in text


def test_an_ended_period_asks_for_the_new_registration_date(client, db, worker):
    register(db, worker, SKJ, on=date(2020, 1, 1))

    text = text_of(page(client, worker))

    assert "The submission deadline of this period was December 31, 2024." in text
    assert "At this pace" not in text


def test_unconfirmed_thresholds_say_te_verifieren_until_the_organisation_sets_them(
    client, db, worker
):
    register(db, worker, REGISTERPLEIN, on=date(2024, 1, 1))
    add_entry(
        db,
        worker,
        "training",
        date(2025, 3, 1),
        "8",
        accreditations=[{"register": "registerplein", "id": "RP-1"}],
    )

    html = page(client, worker)
    assert "te verifiëren" in html
    assert "no date can be forecast" in html
    assert "At this pace" not in html

    db.add(
        ThresholdOverride(
            organisation_id=worker.organisation_id,
            norm_id=REGISTERPLEIN,
            thresholds={
                "geaccrediteerd": {"min": 8},
                "reflectie": {"min": 0},
                "overig": {"max": 20},
                "total": {"min": 8},
                "work_hours": {"min": 0},
            },
        )
    )
    db.commit()

    html = client.get("/portfolio/").get_data(as_text=True)
    assert "te verifiëren" not in html
    assert "You meet the norm." in html


def test_art3_coverage_names_what_is_missing_with_a_way_to_add_it(app, client, db, worker):
    add_entry(db, worker, "training", date(2026, 2, 1), "3")
    add_entry(db, worker, "other", date(2025, 12, 1), "2", activity_type="vakliteratuur")

    html = page(client, worker)
    section = html[html.index('id="art3-heading"') :]
    section = section[: section.index("</section>")]

    assert "in 2026" in section
    # The training shows current knowledge and upkeep; last year's reading does not count now.
    assert section.count("no evidence yet") == 4
    if "worker.entry_new" in app.view_functions:
        assert 'href="/portfolio/entries/new/reflection"' in section


def test_recent_entries_show_the_latest_five_titles_only(client, db, worker):
    for day in range(1, 8):
        add_entry(db, worker, "reflection", date(2026, 6, day), "1", body="Private reflection text")

    html = page(client, worker)

    assert "reflection 2026-06-07" in html and "reflection 2026-06-03" in html
    assert "reflection 2026-06-02" not in html
    assert "Private reflection text" not in html


def _fill(db, worker, count: int) -> None:
    kinds = [
        ("training", {"accreditations": [{"register": "skj", "id": "X"}]}),
        ("peer_review", {"form": "intervisie"}),
        ("other", {"activity_type": "vakliteratuur"}),
        ("reflection", {}),
    ]
    rows = []
    for n in range(count):
        kind, fields = kinds[n % len(kinds)]
        rows.append(
            Entry(
                organisation_id=worker.organisation_id,
                owner_id=worker.id,
                kind=kind,
                title=f"Entry {n}",
                occurred_on=date(2024 + n % 3, 1 + n % 12, 1),
                hours=Decimal(1),
                catalogue_version="test",
                **fields,
            )
        )
    db.add_all(rows)
    db.commit()
    db.add_all(EntryTag(entry_id=e.id, vocabulary="article", code="3") for e in rows)
    db.commit()


def _dashboard_statements(app, db, count_queries, count: int) -> int:
    org = make_organisation(db)
    user = make_user(db, org)
    register(db, user, SKJ, on=date(2024, 1, 1))
    register(db, user, REGISTERPLEIN, on=date(2023, 1, 1))
    add_entry(db, user, "work", date(2023, 1, 1), hours_per_week=Decimal(32))
    _fill(db, user, count)
    client = app.test_client()
    login(client, user.email, PASSWORD)
    with count_queries() as counter:
        assert client.get("/portfolio/").status_code == 200
    return counter.count


def test_the_dashboard_needs_the_same_few_statements_for_10_or_1000_entries(
    app, db, worker, count_queries
):
    few = _dashboard_statements(app, db, count_queries, 10)
    many = _dashboard_statements(app, db, count_queries, 1000)

    assert few == many
    assert many <= 10


@pytest.mark.parametrize("role", ["supervisor", "hr", "admin"])
def test_only_workers_have_a_dashboard(client, db, role):
    from portfolio.models import Role

    user = make_user(db, make_organisation(db), role=Role(role))
    login(client, user.email, PASSWORD)
    assert client.get("/portfolio/").status_code == 403
