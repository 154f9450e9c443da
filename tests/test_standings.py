"""Stored registration standings: current after an entry, a threshold or the date changes, and
equal to the live computation for every demo worker."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from competencies.standing import standing
from portfolio import demo
from portfolio.models import (
    Entry,
    Organisation,
    Registration,
    RegistrationStanding,
    Role,
    ThresholdOverride,
    User,
)
from portfolio.scheduler import build_scheduler, run_standings_refresh
from portfolio.services.evaluations import evaluation_facts
from portfolio.services.evaluations.evaluation_facts import facts_for
from portfolio.services.norms import standings
from portfolio.services.norms.norm_progress import statuses_for
from portfolio.services.overviews.org_overview import organisation_overview
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

SKJ = "skj-jeugd-gezinsprofessional"
TODAY = date(2025, 3, 3)


def _register(db, user, registered_on: date) -> Registration:
    registration = Registration(
        organisation_id=user.organisation_id,
        owner_id=user.id,
        norm_id=SKJ,
        registered_on=registered_on,
    )
    db.add(registration)
    db.commit()
    return registration


def _entry(db, user, kind: str, on: date, **fields) -> None:
    db.add(
        Entry(
            organisation_id=user.organisation_id,
            owner_id=user.id,
            kind=kind,
            title=kind,
            occurred_on=on,
            catalogue_version="t",
            **fields,
        )
    )
    db.commit()


def _standing_of(db, user, today: date = TODAY) -> str:
    found = standings.standings_of_owners(db, owner_ids=[user.id], today=today)
    db.commit()
    assert len(found) == 1
    return found[0].standing


def _row(db, registration) -> RegistrationStanding:
    db.expire_all()
    return db.get(RegistrationStanding, registration.id)


def test_a_new_entry_is_reflected_in_the_stored_standing(db):
    org = make_organisation(db)
    worker = make_user(db, org)
    registration = _register(db, worker, date(2024, 1, 1))
    assert _standing_of(db, worker) == "behind"
    assert _row(db, registration).counted == {"scholing": "0", "reflectie": "0"}

    _entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        hours=Decimal(60),
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    _entry(
        db,
        worker,
        "peer_review",
        date(2024, 4, 1),
        hours=Decimal(60),
        form="intervisie",
        status="signed",
    )
    _entry(db, worker, "work", date(2024, 1, 1), hours_per_week=Decimal(36))

    assert _standing_of(db, worker) == "on_track"
    row = _row(db, registration)
    assert row.counted["scholing"] == "60"
    assert row.revision == db.get(User, worker.id).portfolio_revision


def test_a_threshold_override_is_reflected_in_the_stored_standing(db):
    org = make_organisation(db)
    worker = make_user(db, org)
    _register(db, worker, date(2024, 1, 1))
    _entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        hours=Decimal(5),
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    # Full-time work all period: the register's weekly averages are met, the override decides.
    _entry(db, worker, "work", date(2024, 1, 1), hours_per_week=Decimal(36))
    assert _standing_of(db, worker) == "behind"

    db.add(
        ThresholdOverride(
            organisation_id=org.id,
            norm_id=SKJ,
            thresholds={"scholing": {"min": 5}, "reflectie": {"min": 0}, "work_hours": {"min": 0}},
        )
    )
    db.commit()

    assert _standing_of(db, worker) == "on_track"


def test_the_date_is_reflected_in_the_stored_standing(db):
    org = make_organisation(db)
    worker = make_user(db, org)
    registration = _register(db, worker, date(2020, 6, 1))  # deadline 31 May 2025
    assert _standing_of(db, worker, date(2024, 3, 3)) == "behind"
    assert _standing_of(db, worker, TODAY) == "at_risk"
    assert _row(db, registration).computed_on == TODAY
    assert _standing_of(db, worker, date(2025, 6, 2)) == "expired"


def test_a_current_row_is_read_not_computed_again(db, count_queries):
    org = make_organisation(db)
    worker = make_user(db, org)
    _register(db, worker, date(2024, 1, 1))
    _standing_of(db, worker)
    with count_queries() as counter:
        _standing_of(db, worker)
    assert counter.count == 1  # the read, which finds every row current


def test_the_daily_job_refreshes_every_stale_standing(app, db):
    org = make_organisation(db)
    workers = [make_user(db, org) for _ in range(3)]
    registrations = [_register(db, w, date(2020, 6, 1)) for w in workers]
    assert {job.id for job in build_scheduler(app).get_jobs()} >= {"standings-refresh"}

    assert run_standings_refresh(app, today=TODAY) == 3
    assert {_row(db, r).standing for r in registrations} == {"at_risk"}
    assert run_standings_refresh(app, today=TODAY) == 0  # all current
    assert run_standings_refresh(app, today=date(2025, 6, 2)) == 3
    assert {_row(db, r).standing for r in registrations} == {"expired"}


def test_the_team_page_and_hr_overview_show_the_change_of_an_entry(app, db, clock):
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    hr = make_user(db, org, role=Role.HR)
    worker = make_user(db, org, team=team, name="Anne Werker")
    _register(db, worker, date(2020, 6, 1))
    supervisor_client, hr_client = app.test_client(), app.test_client()
    login(supervisor_client, lead.email, PASSWORD)
    login(hr_client, hr.email, PASSWORD)

    def team_row() -> str:
        html = supervisor_client.get("/team/").get_data(as_text=True)
        return html.split("Anne Werker")[1].split("</tr>")[0]

    assert "risico" in team_row() or "at risk" in team_row()
    overview = organisation_overview(db, organisation_id=org.id, year=2025, today=TODAY)
    assert overview.norms[0].counts["at_risk"] == 1

    # Enough to meet the norm at once: 60 hours of each kind and the work hours.
    _entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        hours=Decimal(60),
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    _entry(
        db,
        worker,
        "peer_review",
        date(2024, 4, 1),
        hours=Decimal(60),
        form="intervisie",
        status="signed",
    )
    _entry(db, worker, "work", date(2020, 6, 1), hours_per_week=Decimal(36))

    assert "op schema" in team_row().lower() or "on track" in team_row()
    overview = organisation_overview(db, organisation_id=org.id, year=2025, today=TODAY)
    assert overview.norms[0].counts["at_risk"] == 0
    assert overview.norms[0].counts["on_track"] == 1
    assert hr_client.get("/hr/overview?year=2025").status_code == 200


def test_stored_standings_equal_the_live_computation_for_every_demo_worker(db):
    today = date(2026, 6, 1)
    demo.create(db, workers=40, years=3, today=today)
    assert standings.refresh_all(db, today=today) > 0
    db.commit()

    registrations = db.scalars(select(Registration).order_by(Registration.id)).all()
    live = statuses_for(db, registrations=registrations, as_of=today)
    stored = {row.registration_id: row for row in db.scalars(select(RegistrationStanding)).all()}
    assert len(live) == len(registrations) > 40
    for registration in registrations:
        _norm, status = live[registration.id]
        row = stored[registration.id]
        assert row.standing == standing(status, today), registration.id
        assert row.met == status.met
        assert row.forecast_on_track == status.forecast.on_track
        assert row.forecast_met_on == status.forecast.met_on
        assert row.deadline == status.period.deadline
        assert row.days_left == (status.period.deadline - today).days
        assert {k: Decimal(v) for k, v in row.counted.items()} == {
            c.id: c.counted for c in status.categories
        }


def test_hr_overview_counts_are_kept_for_a_minute_or_always_exact(app, db, clock, count_queries):
    org = make_organisation(db)
    hr = make_user(db, org, role=Role.HR)
    worker = make_user(db, org, name="Anne Werker")
    _register(db, worker, date(2020, 6, 1))
    client = app.test_client()
    login(client, hr.email, PASSWORD)

    def at_risk() -> str:
        html = client.get("/hr/overview?year=2025").get_data(as_text=True)
        return re.search(r"at risk of missing the deadline (\d+)", html)[1]

    hr.locale = "en"
    db.commit()
    assert at_risk() == "1"
    with count_queries() as counter:
        assert at_risk() == "1"
    assert counter.count <= 2  # the user and the session: the counts were kept
    _entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        hours=Decimal(60),
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    _entry(
        db,
        worker,
        "peer_review",
        date(2024, 4, 1),
        hours=Decimal(60),
        form="intervisie",
        status="signed",
    )
    _entry(db, worker, "work", date(2020, 6, 1), hours_per_week=Decimal(36))
    assert at_risk() == "1"  # up to OVERVIEW_CACHE_SECONDS behind
    app.config["OVERVIEW_CACHE_SECONDS"] = 0
    assert at_risk() == "0"  # exact


def test_the_hr_todo_member_page_and_export_facts_read_the_stored_standing(app, db, clock):
    """Every reader of standings besides the overviews: HR's to-do on the start page, the
    supervisor's member page and the yearly evaluation facts (exports) follow an entry."""
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    hr = make_user(db, org, role=Role.HR)
    worker = make_user(db, org, team=team, name="Anne Werker")
    registration = _register(db, worker, date(2020, 6, 1))  # deadline 31 May 2025: at risk
    hr_client, supervisor_client = app.test_client(), app.test_client()
    login(hr_client, hr.email, PASSWORD)
    login(supervisor_client, lead.email, PASSWORD)

    def todo() -> str:
        html = hr_client.get("/").get_data(as_text=True)
        return html.split('id="todo-heading"')[1].split("</section>")[0]

    def member_page() -> str:
        return supervisor_client.get(f"/team/members/{worker.id}").get_data(as_text=True)

    def export_facts() -> dict:
        facts = facts_for(
            db, organisation_id=org.id, worker_ids=[worker.id], year=2025, today=TODAY
        )
        return facts[worker.id]["registrations"][0]

    assert "Anne Werker" in todo()
    assert "risico" in member_page() or "at risk" in member_page()
    assert export_facts()["standing"] == "at_risk"
    assert _row(db, registration).standing == "at_risk"  # the pages stored it

    _entry(
        db,
        worker,
        "training",
        date(2024, 3, 1),
        hours=Decimal(60),
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    _entry(
        db,
        worker,
        "peer_review",
        date(2024, 4, 1),
        hours=Decimal(60),
        form="intervisie",
        status="signed",
    )
    _entry(db, worker, "work", date(2020, 6, 1), hours_per_week=Decimal(36))

    # The exports read without writing: a stale row's facts are computed for them.
    assert export_facts()["standing"] == "on_track"
    assert export_facts()["categories"][0]["counted"] == 60
    assert "Anne Werker" not in todo()
    assert "risico" not in member_page() and "at risk" not in member_page()
    assert _row(db, registration).standing == "on_track"
    assert _row(db, registration).facts == export_facts()


def test_the_hr_todo_lists_the_first_ten_and_counts_the_rest(app, db, clock, count_queries):
    org = make_organisation(db)
    hr = make_user(db, org, role=Role.HR)
    workers = [make_user(db, org, name=f"Werker {i:02d}") for i in range(12)]
    for worker in workers:
        _register(db, worker, date(2020, 6, 1))
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    client.get("/")  # stores the standings
    with count_queries() as counter:
        html = client.get("/").get_data(as_text=True)
    listed = [w.name for w in workers if w.name in html]
    assert listed == [w.name for w in workers[:10]]  # same deadline: by name
    assert counter.count <= 5  # the user, the staleness check, the first ten with the total


def test_stored_facts_equal_the_live_computation_for_every_demo_worker(db, count_queries):
    today = date(2026, 6, 1)
    demo.create(db, workers=40, years=3, today=today)
    standings.refresh_all(db, today=today)
    db.commit()

    checked = 0
    for organisation_id in db.scalars(select(Organisation.id)).all():
        ids = db.scalars(select(User.id).where(User.organisation_id == organisation_id)).all()
        with count_queries() as counter:
            stored = standings.stored_facts(
                db, organisation_id=organisation_id, owner_ids=ids, today=today
            )
        assert counter.count == 1  # every row current: read, not computed
        live = evaluation_facts._computed_facts(db, organisation_id, ids, today)
        assert stored == live
        checked += len(stored)
    assert checked > 40
