"""The yearly evaluation: prepare → complete → both sign → locked; corrections; stale edits."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portfolio import access
from portfolio.models import (
    AuditEvent,
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    GoalStatus,
    Organisation,
    Registration,
    Role,
    Team,
    YearlyEvaluation,
)
from portfolio.services.evaluations import evaluation_export, evaluations
from portfolio.services.evaluations.evaluation_agreements import (
    Agreement,
    agreements_from_text,
    suggested_competency,
)
from portfolio.services.evaluations.evaluation_facts import FACT_COLUMNS, fact_row, facts_for
from portfolio.services.norms import standings
from portfolio.services.people.people import PersonNotVisible
from tests.conftest import csrf_token, flashes, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

YEAR = 2025  # the clock fixture's year (CLOCK_START)
EXPECTED_RE = re.compile(r'name="expected" type="hidden" value="([^"]*)"')
PREPARATION = {
    "year_in_short": "Druk jaar",
    "went_well": "Huisbezoeken",
    "to_develop": "Groepswerk",
}


@pytest.fixture
def people(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wim Werker")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Lea Lead")
    for user in (worker, lead):
        user.locale = "en"
        db.add(user)
    db.commit()
    return worker, lead


def client_for(app, user):
    client = app.test_client()
    login(client, user.email, PASSWORD)
    return client


def submit(client, path: str, data: dict, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token and `expected` of the page."""
    html = client.get(page or path).get_data(as_text=True)
    expected = EXPECTED_RE.search(html)
    form = {"csrf_token": csrf_token(client, page or path), **data}
    if expected and "expected" not in data:
        form["expected"] = expected.group(1)
    return client.post(path, data=form, **kwargs)


def agreement_rows(*rows: tuple[str, str]) -> dict:
    fields = {}
    for n, (code, text) in enumerate([*rows, *[("WMO1", "")] * 3][: max(3, len(rows))]):
        fields |= {f"agreements-{n}-competency_code": code, f"agreements-{n}-text": text}
    return fields


def current(db, worker) -> YearlyEvaluation:
    db.commit()  # the test's own unit of work ends; a fresh one sees what requests committed
    db.expire_all()
    return evaluations.current(db, worker_id=worker.id, year=YEAR)


def test_prepare_complete_sign_and_the_evaluation_is_locked(app, db, clock, people):
    worker, lead = people
    me, boss = client_for(app, worker), client_for(app, lead)
    page, detail = f"/portfolio/evaluation/{YEAR}", f"/team/evaluations/{worker.id}/{YEAR}"
    assert me.get(page).status_code == 200 and boss.get(detail).status_code == 200
    assert (
        db.scalar(select(func.count()).select_from(YearlyEvaluation)) == 0
    )  # looking writes nothing

    assert submit(me, page, PREPARATION).status_code == 302
    assert current(db, worker).status == "prepared" and current(db, worker).facts["as_of"]
    assert "Druk jaar" in boss.get(detail).get_data(as_text=True)

    clock.advance(minutes=10)
    response = submit(
        boss,
        detail,
        {
            "evaluation": "Goed jaar.",
            **agreement_rows(
                ("WMO3", "Meer groepswerk"), ("WMO5", "Een training mediation volgen")
            ),
        },
    )
    assert response.status_code == 302
    evaluation = current(db, worker)
    assert evaluation.status == "completed" and evaluation.supervisor_id == lead.id
    assert evaluation.agreements == "WMO3: Meer groepswerk\nWMO5: Een training mediation volgen"

    submit(me, f"{page}/sign", {}, page=page)
    assert current(db, worker).status == "completed"  # one signature is not enough
    clock.advance(minutes=10)
    submit(boss, f"{detail}/sign", {}, page=detail)
    evaluation = current(db, worker)
    assert evaluation.status == "signed"
    assert evaluation.worker_signed_at < evaluation.supervisor_signed_at

    # Locked: neither side can change it; the pages show who signed, and no edit form.
    changed = submit(me, page, {"year_in_short": "Toch anders"}, follow_redirects=True)
    assert "can no longer be changed" in flashes(changed)[0][1]
    changed = submit(
        boss, detail, {"evaluation": "Anders", **agreement_rows()}, follow_redirects=True
    )
    assert "Correct it to change it" in flashes(changed)[0][1]
    assert current(db, worker).self_evaluation["year_in_short"] == "Druk jaar"
    assert current(db, worker).supervisor_evaluation == "Goed jaar."
    mine, theirs = me.get(page).get_data(as_text=True), boss.get(detail).get_data(as_text=True)
    assert "Save my preparation" not in mine and "Save and complete" not in theirs
    for html in (mine, theirs):
        assert html.count("signed on") == 2 and "Wim Werker" in html and "Lea Lead" in html
    assert "Correct (new version)" in theirs


def test_the_agreements_become_goals_once(db, clock, people):
    worker, lead = people
    now = clock()
    agreements = [Agreement("WMO3", "Meer groepswerk"), Agreement("WMO5", "Mediation leren")]
    item = evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="",
        agreements=agreements,
        expected=None,
        now=now,
        today=now.date(),
    )
    goals = db.scalars(select(DevelopmentGoal).order_by(DevelopmentGoal.id)).all()
    due = date(YEAR + 1, 12, 31)
    assert [
        (g.owner_id, g.competency_code, g.title, g.due_on, g.current_level, g.target_level)
        for g in goals
    ] == [
        (worker.id, "WMO3", "Meer groepswerk", due, "beginner", "gevorderd-beginner"),
        (worker.id, "WMO5", "Mediation leren", due, "beginner", "gevorderd-beginner"),
    ]
    # The worker starts on one goal; saving again replaces only the untouched one.
    goals[0].status = GoalStatus.IN_PROGRESS.value
    db.commit()
    evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="",
        agreements=[*agreements, Agreement("WMO1", "Nieuw")],
        expected=item.updated_at,
        now=now,
        today=now.date(),
    )
    assert sorted((g.competency_code, g.status) for g in db.scalars(select(DevelopmentGoal))) == [
        ("WMO1", "open"),
        ("WMO3", "in_progress"),
        ("WMO5", "open"),
    ]


def test_the_suggested_competency_is_the_lowest_rated():
    facts = {
        "levels_self": {"WMO1": "vakbekwaam", "WMO4": "beginner"},
        "levels_supervisor": {"WMO2": "vakvolwassen", "WMO7": "gevorderd-beginner"},
    }
    assert suggested_competency(facts) == "WMO7"  # the supervisor's rating comes first
    assert suggested_competency({"levels_self": {}, "levels_supervisor": {}}) == "WMO1"


def _signed(db, clock, worker, lead) -> YearlyEvaluation:
    now = clock()
    item = evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="Prima",
        agreements=[Agreement("WMO2", "Netwerk")],
        expected=None,
        now=now,
        today=now.date(),
    )
    evaluations.sign(db, user=worker, evaluation=item, expected=item.updated_at, now=now)
    evaluations.sign(db, user=lead, evaluation=item, expected=item.updated_at, now=now)
    assert item.status == "signed"
    return item


def test_a_correction_is_version_two_and_version_one_stays(app, db, clock, people):
    worker, lead = people
    first = _signed(db, clock, worker, lead)
    boss = client_for(app, lead)
    correct = f"/team/evaluations/{worker.id}/{YEAR}/correct"
    assert "Open a new version" in boss.get(correct).get_data(as_text=True)  # asks first
    assert submit(boss, correct, {}).status_code == 302
    db.rollback()
    versions = evaluations.versions(db, worker_id=worker.id, year=YEAR)
    assert [(v.version, v.status, v.is_current) for v in versions] == [
        (2, "completed", True),
        (1, "signed", False),
    ]
    second = versions[0]
    assert second.supervisor_evaluation == "Prima" and second.worker_signed_at is None
    assert versions[1].id == first.id and versions[1].worker_signed_at is not None
    # Version 2 is open to change and needs both signatures again; the goal is not doubled.
    detail = f"/team/evaluations/{worker.id}/{YEAR}"
    submit(
        boss, detail, {"evaluation": "Prima, met correctie", **agreement_rows(("WMO2", "Netwerk"))}
    )
    assert current(db, worker).supervisor_evaluation == "Prima, met correctie"
    assert db.scalar(select(func.count()).select_from(DevelopmentGoal)) == 1
    page = f"/portfolio/evaluation/{YEAR}"
    submit(client_for(app, worker), f"{page}/sign", {}, page=page)
    submit(boss, f"{detail}/sign", {}, page=detail)
    assert current(db, worker).status == "signed" and current(db, worker).version == 2
    assert "replaced by a correction" in boss.get(detail).get_data(as_text=True)


def test_a_stale_edit_is_refused_even_within_the_same_microsecond(db, clock, people):
    worker, lead = people
    now = clock()  # the clock does not move between the two edits
    item = evaluations.prepare(
        db, worker=worker, year=YEAR, parts=PREPARATION, expected=None, now=now, today=now.date()
    )
    opened_at = item.updated_at
    evaluations.prepare(
        db,
        worker=worker,
        year=YEAR,
        parts={"went_well": "eerst"},
        expected=opened_at,
        now=now,
        today=now.date(),
    )
    db.commit()  # each save is a request of its own
    with pytest.raises(evaluations.Stale):
        evaluations.complete(
            db,
            supervisor=lead,
            worker=worker,
            year=YEAR,
            text="te laat",
            agreements=[],
            expected=opened_at,
            now=now,
            today=now.date(),
        )
    with pytest.raises(evaluations.Stale):  # a page opened before the first save
        evaluations.prepare(
            db, worker=worker, year=YEAR, parts={}, expected=None, now=now, today=now.date()
        )
    item = current(db, worker)
    assert item.supervisor_evaluation is None and item.self_evaluation["went_well"] == "eerst"


def test_a_stale_page_keeps_what_was_typed(app, db, clock, people):
    worker, lead = people
    boss = client_for(app, lead)
    detail = f"/team/evaluations/{worker.id}/{YEAR}"
    html = boss.get(detail).get_data(as_text=True)
    old_stamp, token = EXPECTED_RE.search(html).group(1), csrf_token(boss, detail)
    submit(client_for(app, worker), f"/portfolio/evaluation/{YEAR}", PREPARATION)
    response = boss.post(
        detail,
        data={
            "csrf_token": token,
            "expected": old_stamp,
            "evaluation": "Mijn tekst",
            **agreement_rows(),
        },
    )
    assert response.status_code == 409
    assert "Mijn tekst" in response.get_data(as_text=True)
    assert current(db, worker).supervisor_evaluation is None


def test_changing_a_completed_evaluation_withdraws_the_signatures(db, clock, people):
    worker, lead = people
    now = clock()
    item = evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="Goed",
        agreements=[],
        expected=None,
        now=now,
        today=now.date(),
    )
    evaluations.sign(db, user=worker, evaluation=item, expected=item.updated_at, now=now)
    evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="Toch anders",
        agreements=[],
        expected=item.updated_at,
        now=now,
        today=now.date(),
    )
    item = current(db, worker)
    assert item.status == "completed" and item.worker_signed_at is None


def test_only_the_worker_and_their_supervisor_take_part(app, db, clock, people):
    worker, lead = people
    organisation = db.get(Organisation, worker.organisation_id)
    stranger = make_user(db, organisation, role=Role.SUPERVISOR, leads=make_team(db, organisation))
    colleague = make_user(db, organisation, team=make_team(db, organisation))
    item = _signed(db, clock, worker, lead)
    other = client_for(app, stranger)
    base = f"/team/evaluations/{worker.id}/{YEAR}"
    assert other.get(base).status_code == 404
    assert other.get(f"{base}/correct").status_code == 404
    assert other.post(f"{base}/sign", data={"csrf_token": csrf_token(other)}).status_code == 404
    assert worker.name not in other.get("/team/evaluations").get_data(as_text=True)
    for outsider in (stranger, colleague):
        with pytest.raises(PersonNotVisible):
            evaluations.sign(
                db, user=outsider, evaluation=item, expected=item.updated_at, now=clock()
            )
    with pytest.raises(PersonNotVisible):
        evaluations.complete(
            db,
            supervisor=stranger,
            worker=worker,
            year=YEAR,
            text="",
            agreements=[],
            expected=None,
            now=clock(),
            today=clock().date(),
        )


def test_a_supervisor_look_is_audited_without_content(app, db, people):
    worker, lead = people
    client_for(app, lead).get(f"/team/evaluations/{worker.id}/{YEAR}")
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "view_evaluation")).one()
    assert (event.actor_id, event.subject_user_id, event.detail) == (lead.id, worker.id, str(YEAR))


def test_the_organisation_list_shows_status_and_agreements_but_no_texts(db, clock, people):
    worker, lead = people
    _signed(db, clock, worker, lead)
    later = clock() + timedelta(days=1)
    other = make_user(db, db.get(Organisation, worker.organisation_id))
    evaluations.prepare(
        db, worker=other, year=YEAR, parts=PREPARATION, expected=None, now=later, today=later.date()
    )
    selection = evaluation_export.Selection(worker.organisation_id, YEAR)
    page = evaluation_export.worker_page(db, selection=selection, page=1, per_page=50)
    records = {row.worker_id: row for row in page.items}  # what HR's list and exports read
    assert {k: v.status for k, v in records.items()} == {worker.id: "signed", other.id: "prepared"}
    record = records[worker.id]
    assert record.supervisor == "Lea Lead"
    assert agreements_from_text(record.agreements) == [Agreement("WMO2", "Netwerk")]
    assert records[other.id].agreements is None  # not signed: HR reads no draft
    assert "Prima" not in repr(records) and "Druk jaar" not in repr(records)
    counts = evaluation_export.status_counts(db, selection=selection)
    assert counts == {"not_started": 0, "prepared": 1, "completed": 0, "signed": 1}


# --- the facts ---------------------------------------------------------------------------------


def _entry(db, owner, kind: str, on: date, hours=0, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind=kind,
        title=fields.pop("title", kind),
        occurred_on=on,
        hours=Decimal(str(hours)),
        catalogue_version="t",
        **fields,
    )
    db.add(entry)
    return entry


def _assessment(db, subject, assessor, on: date, levels: dict, motivation: str = "") -> None:
    assessment = CompetencyAssessment(
        organisation_id=subject.organisation_id,
        subject_id=subject.id,
        assessor_id=assessor.id,
        assessed_on=on,
        catalogue_version="t",
    )
    db.add(assessment)
    db.flush()
    for code, level in levels.items():
        db.add(
            CompetencyRating(
                assessment_id=assessment.id,
                competency_code=code,
                level_code=level,
                motivation=motivation or None,
            )
        )


def _goal(db, owner, status: str, created: datetime, actions: str = "") -> None:
    db.add(
        DevelopmentGoal(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            competency_code="WMO1",
            current_level="beginner",
            target_level="vakbekwaam",
            title="Doel",
            actions=actions or None,
            status=status,
            created_at=created,
            updated_at=created,
        )
    )


def _portfolio(db, worker, lead) -> None:
    """A small year by hand: SKJ registration from 1 January 2024, 2025 evaluated."""
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registration_number="SKJ-123",
            registered_on=date(2024, 1, 1),
        )
    )
    secret = {"body": "GEHEIME-TEKST"}
    _entry(
        db,
        worker,
        "training",
        date(2024, 6, 1),
        4,
        accreditations=[{"register": "skj", "id": "A1"}],
    )
    _entry(
        db,
        worker,
        "training",
        date(2025, 3, 1),
        6,
        accreditations=[{"register": "skj", "id": "A2"}],
        **secret,
    )
    _entry(
        db,
        worker,
        "training",
        date(2026, 1, 10),
        3,
        accreditations=[{"register": "skj", "id": "A3"}],
    )  # after as_of
    review = {
        "form": "intervisie",
        "case_description": "GEHEIME-CASUS",
        "learning_points": "GEHEIM-LEERPUNT",
    }
    _entry(db, worker, "peer_review", date(2024, 11, 1), 2, status="signed", **review)
    _entry(db, worker, "peer_review", date(2025, 4, 1), 2, status="signed", **review)
    _entry(db, worker, "peer_review", date(2025, 5, 1), 0.5, status="signed", **review)
    _entry(db, worker, "peer_review", date(2025, 6, 1), 1.5, status="submitted", **review)
    _entry(
        db,
        worker,
        "reflection",
        date(2025, 11, 20),
        1,
        title="GEHEIME-TITEL",
        sections={"template": "free", "text": "GEHEIME-REFLECTIE"},
    )
    _entry(db, worker, "work", date(2025, 1, 1), hours_per_week=Decimal(36), employer="Wijkteam")
    _assessment(db, worker, worker, date(2025, 2, 1), {"WMO1": "beginner"})
    rated = {"WMO1": "vakbekwaam", "WMO2": "gevorderd-beginner"}
    _assessment(db, worker, worker, date(2025, 9, 1), rated, "GEHEIME-MOTIVATIE")
    _assessment(db, worker, worker, date(2026, 1, 5), {"WMO1": "vakvolwassen"})  # after as_of
    _assessment(db, worker, lead, date(2025, 10, 1), {"WMO1": "gevorderd-beginner"}, "GEHEIM")
    _goal(db, worker, "open", datetime(2025, 2, 1, tzinfo=UTC), actions="GEHEIME-ACTIE")
    _goal(db, worker, "achieved", datetime(2025, 12, 31, 23, 30, tzinfo=UTC))  # 1 January in NL
    _goal(db, worker, "achieved", datetime(2025, 6, 1, tzinfo=UTC))
    db.commit()


def test_the_facts_match_a_case_computed_by_hand(db, people):
    worker, lead = people
    _portfolio(db, worker, lead)
    facts = facts_for(
        db,
        organisation_id=worker.organisation_id,
        worker_ids=[worker.id],
        year=YEAR,
        today=date(YEAR + 1, 2, 1),
    )[worker.id]
    (registration,) = facts.pop("registrations")
    assert facts == {
        "year": YEAR,
        "as_of": "2025-12-31",
        "signed_sessions": 2,  # 1 April and 1 May 2025; not 2024's, not the submitted one
        "art3_covered": ["actuele-kennis", "aantoonbaar-onderhoud", "eigen-grenzen", "reflectie"],
        "art3_missing": ["vakliteratuur", "bijdrage-beroep"],  # only "other" entries show them
        "goals": {"open": 1, "achieved": 1},  # the one created on 1 January 2026 is not counted
        "levels_self": {"WMO1": "vakbekwaam", "WMO2": "gevorderd-beginner"},
        "levels_supervisor": {"WMO1": "gevorderd-beginner"},
        "last_activity": "2025-11-20",
    }
    assert registration == {
        "norm": "skj-jeugd-gezinsprofessional",
        "register": "SKJ",
        "title": "Jeugd- en gezinsprofessional",
        "number": "SKJ-123",
        "period_end": "2028-12-31",
        # 10 of 60 points in 2 of 5 years: 25 by the deadline, more than 6 months away.
        "standing": "behind",
        "met": False,
        "total": None,
        # 36 hours a week × 365 days ÷ 7
        "work_hours": {"counted": 1877.14, "required": 3368, "unconfirmed": False},
        "categories": [
            # 4 (2024) + 6 (2025) accredited hours; the 2026 training is after as_of
            {
                "id": "scholing",
                "title": "Geaccrediteerde scholing",
                "hours": 10,
                "counted": 10,
                "required": 60,
                "unconfirmed": False,
            },
            # 2 (2024) + 2 (2025); the half hour is below the 1-hour minimum per session, the
            # submitted 1.5 waits for its sign-off (issue 14 point 6)
            {
                "id": "reflectie",
                "title": "Reflectie",
                "hours": 4,
                "counted": 4,
                "required": 60,
                "unconfirmed": False,
            },
        ],
        # The pace of 731 days (2024-01-01 up to 2025-12-31), 1,096 days before the deadline:
        # reflectie needs 56 × 731 ÷ 4 = 10,234 more days, the slowest requirement.
        "forecast_met_on": "2054-01-07",
        "on_track": False,
        "shortfalls": [
            # 10 + 10 × 1096 ÷ 731 = 24.99 points at the deadline
            {"requirement": "scholing", "projected": 24.99, "required": 60, "short_by": 35.01},
            # 4 + 4 × 1096 ÷ 731 = 10.00; work hours reach 4,691.57 of 3,368: no shortfall
            {"requirement": "reflectie", "projected": 10, "required": 60, "short_by": 50},
        ],
    }


def test_the_facts_and_their_row_hold_no_free_text(db, clock, people):
    worker, lead = people
    _portfolio(db, worker, lead)
    now = clock()
    item = evaluations.prepare(
        db,
        worker=worker,
        year=YEAR,
        expected=None,
        now=now,
        parts={"went_well": "GEHEIME-VOORBEREIDING"},
        today=now.date(),
    )
    evaluations.complete(
        db,
        supervisor=lead,
        worker=worker,
        year=YEAR,
        text="GEHEIM-OORDEEL",
        agreements=[Agreement("WMO4", "GEHEIME-AFSPRAAK")],
        expected=item.updated_at,
        now=now,
        today=now.date(),
    )
    facts = facts_for(
        db,
        organisation_id=worker.organisation_id,
        worker_ids=[worker.id],
        year=YEAR,
        today=date(YEAR + 1, 2, 1),
    )[worker.id]
    text = json.dumps(facts) + repr(fact_row(facts))
    assert "GEHEIM" not in text and "Wijkteam" not in text
    assert "GEHEIM" not in json.dumps(current(db, worker).facts)


def test_the_fact_columns_give_one_flat_row(db, people):
    worker, lead = people
    _portfolio(db, worker, lead)
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="registerplein-sociaal-werker",
            registered_on=date(2023, 5, 1),
        )
    )
    db.commit()
    facts = facts_for(
        db,
        organisation_id=worker.organisation_id,
        worker_ids=[worker.id],
        year=YEAR,
        today=date(YEAR + 1, 2, 1),
    )[worker.id]
    row = dict(zip(FACT_COLUMNS, fact_row(facts), strict=True))
    assert all(column.description for column in FACT_COLUMNS.values())
    assert row["year"] == YEAR and row["signed_sessions"] == 2 and row["art3_covered"] == 4
    assert row["art3_missing"] == "vakliteratuur bijdrage-beroep"
    assert (row["goals.open"], row["goals.achieved"], row["goals.dropped"]) == (1, 1, 0)
    assert row["skj-jeugd-gezinsprofessional.number"] == "SKJ-123"
    assert row["skj-jeugd-gezinsprofessional.reflectie"] == 4
    assert row["skj-jeugd-gezinsprofessional.reflectie_required"] == 60
    assert row["skj-jeugd-gezinsprofessional.reflectie_hours"] == 4
    assert row["skj-jeugd-gezinsprofessional.scholing_hours"] == 10
    assert row["skj-jeugd-gezinsprofessional.forecast_met_on"] == "2054-01-07"
    assert row["skj-jeugd-gezinsprofessional.on_track"] == "no"
    assert row["skj-jeugd-gezinsprofessional.shortfall"] == (
        "scholing short by 35.01; reflectie short by 50"
    )
    assert row["skj-jeugd-gezinsprofessional.work_hours"] == 1877.14
    # The same signed sessions count for both registers; Registerplein has no 1-hour minimum.
    assert row["registerplein-sociaal-werker.reflectie"] == 4.5
    assert row["registerplein-sociaal-werker.reflectie_required"] == "te verifiëren"
    assert row["registerplein-sociaal-werker.overig_required"] is None  # no minimum
    # Unconfirmed thresholds: the forecast cannot be told.
    assert row["registerplein-sociaal-werker.on_track"] is None
    assert row["registerplein-sociaal-werker.forecast_met_on"] is None
    assert row["skj-jeugdzorgwerker.standing"] is None  # no such registration
    assert (row["self.WMO1"], row["supervisor.WMO1"], row["self.WMO3"]) == (
        "vakbekwaam",
        "gevorderd-beginner",
        None,
    )


def test_the_facts_stop_at_today_within_the_year(db, people):
    worker, lead = people
    _portfolio(db, worker, lead)
    facts = facts_for(
        db,
        organisation_id=worker.organisation_id,
        worker_ids=[worker.id],
        year=YEAR,
        today=date(YEAR, 4, 15),
    )[worker.id]
    assert facts["as_of"] == "2025-04-15" and facts["signed_sessions"] == 1
    assert facts["levels_self"] == {"WMO1": "beginner"} and facts["levels_supervisor"] == {}
    assert facts["last_activity"] == "2025-04-01"


def test_the_facts_leave_out_workers_of_another_organisation(db, people):
    worker, _lead = people
    outsider = make_user(db, make_organisation(db))
    facts = facts_for(
        db, organisation_id=worker.organisation_id, worker_ids=[worker.id, outsider.id], year=YEAR
    )
    assert list(facts) == [worker.id] and facts[worker.id]["registrations"] == []


def test_the_facts_take_as_many_statements_for_twenty_workers_as_for_one(db, count_queries, people):
    worker, lead = people
    organisation = db.get(Organisation, worker.organisation_id)
    team = make_team(db, organisation)
    workers = [worker, *(make_user(db, organisation, team=team) for _ in range(19))]
    for user in workers:
        _portfolio(db, user, lead)

    def statements(ids, today=date(YEAR, 12, 1)) -> int:
        with count_queries() as counter:
            facts = facts_for(
                db, organisation_id=organisation.id, worker_ids=ids, year=YEAR, today=today
            )
        db.commit()
        assert all(facts[i]["registrations"] and facts[i]["levels_self"] for i in ids)
        return counter.count

    everyone = [u.id for u in workers]
    # Within the year the registrations' facts are the stored standings' (computed set-based
    # while they are stale, not written by a read); after it, computed as of its last day.
    assert statements([worker.id]) == statements(everyone) == 6
    standings.refresh_all(db, today=date(YEAR, 12, 1))
    db.commit()
    assert statements([worker.id]) == statements(everyone) == 4
    later = date(YEAR + 1, 2, 1)
    assert statements([worker.id], later) == statements(everyone, later) == 6


def test_the_pages_need_at_most_ten_statements_whatever_the_team_size(
    app, db, clock, people, count_queries
):
    worker, lead = people
    _portfolio(db, worker, lead)
    me, boss = client_for(app, worker), client_for(app, lead)
    page, detail = f"/portfolio/evaluation/{YEAR}", f"/team/evaluations/{worker.id}/{YEAR}"

    def statements(client, url) -> int:
        client.get(url)  # warm-up
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    # Not saved yet: the facts are computed for the page (six statements of them).
    assert statements(me, page) <= 10 and statements(boss, detail) <= 10
    small = statements(boss, "/team/evaluations")
    team = db.get(Team, worker.team_id)
    for _ in range(19):
        member = make_user(db, db.get(Organisation, worker.organisation_id), team=team)
        evaluations.prepare(
            db,
            worker=member,
            year=YEAR,
            parts=PREPARATION,
            expected=None,
            now=clock(),
            today=clock().date(),
        )
    assert statements(boss, "/team/evaluations") == small
    _signed(db, clock, worker, lead)
    assert statements(me, page) <= 10 and statements(boss, detail) <= 10


def test_hr_may_see_the_record_but_not_the_texts(db, clock, people):
    worker, lead = people
    organisation = db.get(Organisation, worker.organisation_id)
    hr = make_user(db, organisation, role=Role.HR)
    outsider_hr = make_user(db, make_organisation(db), role=Role.HR)
    led = {worker.team_id}
    assert access.may_read_evaluation_texts(worker, worker, led_team_ids=set())
    assert access.may_read_evaluation_texts(lead, worker, led_team_ids=led)
    assert not access.may_read_evaluation_texts(hr, worker, led_team_ids=set())
    assert not access.may_read_evaluation_texts(outsider_hr, worker, led_team_ids=set())
    assert not access.may_lead_evaluation(lead, lead, led_team_ids={lead.team_id})


def test_the_preparation_page_links_to_the_self_assessment_and_gives_its_date(app, db, people):
    worker, lead = people
    me = client_for(app, worker)
    page = f"/portfolio/evaluation/{YEAR}"
    html = me.get(page).get_data(as_text=True)
    assert "You have not assessed your competencies yet." in html
    assert 'href="/portfolio/development/assessment/new"' in html
    assert 'href="/portfolio/development"' in html
    _assessment(db, worker, worker, date(2025, 2, 1), {"WMO1": "beginner"})
    _assessment(db, worker, worker, date(2025, 9, 1), {"WMO1": "vakbekwaam"})
    _assessment(db, worker, lead, date(2025, 10, 1), {"WMO1": "vakbekwaam"})  # not a self one
    db.commit()
    html = me.get(page).get_data(as_text=True)
    assert "Your latest competency self-assessment is of Sep 1, 2025." in html
    assert evaluations.latest_self_assessment_on(db, worker=worker) == date(2025, 9, 1)


def test_the_figures_show_hours_and_the_forecast_and_older_snapshots_still_read(
    app, db, clock, people
):
    worker, lead = people
    _portfolio(db, worker, lead)
    item = _signed(db, clock, worker, lead)
    me = client_for(app, worker)
    html = me.get(f"/portfolio/evaluation/{YEAR}").get_data(as_text=True)
    assert '<th scope="col">Hours</th>' in html and "At the current pace" in html
    # As of 3 March 2025 (signed then): every requirement grows, too slowly for the deadline.
    assert re.search(r"met on 20\d\d-\d\d-\d\d \(after the deadline\)", html)
    assert re.search(
        r"short at the deadline: <span lang=\"nl\">Geaccrediteerde scholing</span>"
        r" [\d.]+",
        html,
    )
    # Facts stored before hours and the forecast were recorded lack those keys.
    old = json.loads(json.dumps(item.facts))
    for registration in old["registrations"]:
        for key in ("forecast_met_on", "on_track", "shortfalls"):
            del registration[key]
        for category in registration["categories"]:
            del category["hours"]
    db.execute(
        YearlyEvaluation.__table__.update()
        .where(YearlyEvaluation.__table__.c.id == item.id)
        .values(facts=old)
    )
    db.commit()
    response = me.get(f"/portfolio/evaluation/{YEAR}")
    assert response.status_code == 200 and "At the current pace" not in response.get_data(
        as_text=True
    )
    row = dict(zip(FACT_COLUMNS, fact_row(old), strict=True))
    skj = "skj-jeugd-gezinsprofessional"
    assert row[f"{skj}.reflectie"] == 2 and row[f"{skj}.reflectie_hours"] is None
    assert row[f"{skj}.on_track"] is None and row[f"{skj}.shortfall"] is None


def test_a_corrected_session_counts_once(db, people):
    worker, _lead = people
    signed = {"status": "signed", "form": "intervisie"}
    first = _entry(db, worker, "peer_review", date(2025, 4, 1), 2, **signed)
    db.flush()
    _entry(db, worker, "peer_review", date(2025, 4, 1), 2, supersedes_id=first.id, **signed)
    db.commit()
    facts = facts_for(
        db,
        organisation_id=worker.organisation_id,
        worker_ids=[worker.id],
        year=YEAR,
        today=date(YEAR + 1, 2, 1),
    )[worker.id]
    assert facts["signed_sessions"] == 1


def _signed_session(db, worker, on: date) -> None:
    _entry(db, worker, "peer_review", on, hours=2, form="intervisie", status="signed")
    db.commit()


def test_the_year_in_figures_is_live_until_signed_then_frozen(app, db, clock, people):
    worker, lead = people
    me, boss = client_for(app, worker), client_for(app, lead)
    page, detail = f"/portfolio/evaluation/{YEAR}", f"/team/evaluations/{worker.id}/{YEAR}"
    submit(me, page, PREPARATION)
    submit(
        boss, detail, {"evaluation": "Goed jaar.", **agreement_rows(("WMO3", "Mediation oefenen"))}
    )
    item = current(db, worker)
    assert item.status == "completed"
    assert (
        evaluations.facts_shown(db, evaluation=item, today=date(YEAR, 3, 3))["signed_sessions"] == 0
    )

    # A session signed after completing shows at once: the figures are live until signed.
    _signed_session(db, worker, date(YEAR, 3, 1))
    item = current(db, worker)
    assert (
        evaluations.facts_shown(db, evaluation=item, today=date(YEAR, 3, 3))["signed_sessions"] == 1
    )

    submit(me, f"{page}/sign", {}, page=page)
    clock.advance(minutes=5)
    submit(boss, f"{detail}/sign", {}, page=detail)
    item = current(db, worker)
    assert item.status == "signed" and item.facts["signed_sessions"] == 1  # as both saw them
    _signed_session(db, worker, date(YEAR, 3, 2))
    item = current(db, worker)
    assert (
        evaluations.facts_shown(db, evaluation=item, today=date(YEAR, 3, 3))["signed_sessions"] == 1
    )


def test_the_supervisor_saves_a_draft_the_worker_does_not_see_yet(app, db, clock, people):
    worker, lead = people
    me, boss = client_for(app, worker), client_for(app, lead)
    page, detail = f"/portfolio/evaluation/{YEAR}", f"/team/evaluations/{worker.id}/{YEAR}"
    submit(me, page, PREPARATION)
    assert "Save as draft" in boss.get(detail).get_data(as_text=True)

    response = submit(
        boss,
        detail,
        {
            "evaluation": "Half af CONCEPTTEKST",
            "draft": "1",
            **agreement_rows(("WMO3", "Mediation oefenen")),
        },
        follow_redirects=True,
    )

    assert "Saved as a draft" in flashes(response)[0][1]
    item = current(db, worker)
    assert item.status == "prepared" and item.completed_at is None
    assert item.supervisor_evaluation == "Half af CONCEPTTEKST"
    assert item.agreements == "WMO3: Mediation oefenen"
    assert db.scalar(select(func.count()).select_from(DevelopmentGoal)) == 0  # no goals yet
    assert "CONCEPTTEKST" in boss.get(detail).get_data(as_text=True)  # kept for the supervisor
    mine = me.get(page).get_data(as_text=True)
    assert (
        "CONCEPTTEKST" not in mine
        and "Mediation oefenen" not in mine
        and 'action="/portfolio/evaluation/2025/sign"' not in mine
    )
    # Completing it later makes it the worker's to read and sign.
    submit(boss, detail, {"evaluation": "Af", **agreement_rows(("WMO3", "Mediation oefenen"))})
    assert current(db, worker).status == "completed"
    assert "Af" in me.get(page).get_data(as_text=True)
