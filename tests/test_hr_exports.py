"""HR's export of the yearly evaluations: columns, rows, filters, formats, privacy and audit."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import template_rendered
from flask_login import login_user
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portfolio.models import (
    AuditEvent,
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    Registration,
    Role,
    Team,
)
from portfolio.services.evaluations import evaluation_export, evaluations
from portfolio.services.evaluations.evaluation_agreements import Agreement, agreements_from_text
from portfolio.services.evaluations.evaluation_export import BASE_COLUMNS, COLUMNS
from portfolio.services.evaluations.evaluation_facts import FACT_COLUMNS, fact_row
from tests.conftest import CLOCK_START, flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

YEAR = 2025  # the clock fixture's year
CSV_URL = f"/hr/evaluations/export.csv?year={YEAR}"
SELF_MARKER = "ZELFEVALUATIE-7Q3X"
PRIVATE_MARKER = "PRIVE-TEKST-K9W2"
SUPERVISOR_MARKER = "OORDEEL-LEIDING-5T1B"
README = Path(__file__).resolve().parents[1] / "README.md"


def _private_portfolio(db, worker, assessor) -> None:
    """Entries, an assessment and a goal whose free text carries PRIVATE_MARKER."""
    common = {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        "catalogue_version": "t",
    }
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registration_number="SKJ-42",
            registered_on=date(2024, 1, 1),
        )
    )
    db.add_all(
        [
            Entry(
                **common,
                kind="reflection",
                title=f"Reflectie {PRIVATE_MARKER}",
                occurred_on=date(YEAR, 2, 1),
                hours=Decimal(1),
                body=PRIVATE_MARKER,
                sections={"template": "free", "text": PRIVATE_MARKER},
            ),
            Entry(
                **common,
                kind="peer_review",
                title="Intervisie",
                occurred_on=date(YEAR, 2, 10),
                hours=Decimal(2),
                form="intervisie",
                status="signed",
                case_description=PRIVATE_MARKER,
                learning_points=PRIVATE_MARKER,
            ),
            Entry(
                **common,
                kind="training",
                title="Scholing",
                occurred_on=date(YEAR, 1, 20),
                hours=Decimal(8),
                accreditations=[{"register": "skj", "id": "SKJ-1"}],
                body=PRIVATE_MARKER,
            ),
        ]
    )
    assessment = CompetencyAssessment(
        organisation_id=worker.organisation_id,
        subject_id=worker.id,
        assessor_id=assessor.id,
        assessed_on=date(YEAR, 2, 15),
        catalogue_version="t",
    )
    db.add(assessment)
    db.flush()
    db.add(
        CompetencyRating(
            assessment_id=assessment.id,
            competency_code="WMO1",
            level_code="vakbekwaam",
            motivation=PRIVATE_MARKER,
        )
    )
    db.add(
        DevelopmentGoal(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            competency_code="WMO3",
            current_level="beginner",
            target_level="vakbekwaam",
            title="Doel",
            actions=PRIVATE_MARKER,
        )
    )
    db.commit()


@pytest.fixture
def world(app, db, clock):
    """Two teams; four active workers, one deactivated; evaluations in three states."""
    org = make_organisation(db)
    alpha, beta = make_team(db, org, "Team Alpha"), make_team(db, org, "Team Beta")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=alpha, name="Lea Leiding")
    lead_beta = make_user(db, org, role=Role.SUPERVISOR, leads=beta, name="Ben Beta")
    anna = make_user(db, org, team=alpha, name="Anna Aalders")
    bram = make_user(db, org, team=alpha, name="Bram Bos")
    carla = make_user(db, org, team=beta, name="Carla Claes")
    dirk = make_user(db, org, name="Dirk Dekker")
    make_user(db, org, team=alpha, name="Eva Ex", is_active=False)
    hr = make_user(db, org, role=Role.HR, name="Hanna HR", locale="en")  # the English CSV
    admin = make_user(db, org, role=Role.ADMIN, locale="en")
    hr.locale = "en"
    db.add(hr)
    db.commit()
    outsider = make_user(db, make_organisation(db), name="Olaf Other")
    now, today = clock(), clock().date()
    evaluations.prepare(
        db,
        worker=anna,
        year=YEAR,
        expected=None,
        now=now,
        today=today,
        parts={"year_in_short": SELF_MARKER, "went_well": SELF_MARKER},
    )
    signed = evaluations.complete(
        db,
        supervisor=lead,
        worker=bram,
        year=YEAR,
        text=SUPERVISOR_MARKER,
        agreements=[Agreement("WMO2", "Netwerk opbouwen"), Agreement("WMO5", "Groepswerk")],
        expected=None,
        now=now,
        today=today,
    )
    evaluations.sign(db, user=bram, evaluation=signed, expected=signed.updated_at, now=now)
    evaluations.sign(db, user=lead, evaluation=signed, expected=signed.updated_at, now=now)
    evaluations.complete(
        db,
        supervisor=lead_beta,
        worker=carla,
        year=YEAR,
        text="Goed",
        agreements=[],
        expected=None,
        now=now,
        today=today,
    )
    evaluations.prepare(
        db,
        worker=outsider,
        year=YEAR,
        expected=None,
        now=now,
        today=today,
        parts={"went_well": SELF_MARKER},
    )
    _private_portfolio(db, anna, anna)
    _private_portfolio(db, bram, lead)
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    return {
        "org": org,
        "alpha": alpha,
        "beta": beta,
        "hr": hr,
        "admin": admin,
        "client": client,
        "lead": lead,
        "workers": {"anna": anna, "bram": bram, "carla": carla, "dirk": dirk},
    }


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _names(rows) -> list[str]:
    return [row[0] for row in rows[1:]]


def _by_name(rows) -> dict[str, dict[str, str]]:
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_csv_header_is_the_documented_columns(world):
    rows = _csv(world["client"].get(CSV_URL))
    assert rows[0] == list(COLUMNS) == [*BASE_COLUMNS, *FACT_COLUMNS]
    readme = README.read_text(encoding="utf-8").split("## Yearly evaluation export columns")[1]
    for name in BASE_COLUMNS:
        assert f"`{name}`" in readme, name
        assert f"``{name}``" in evaluation_export.__doc__, name
    for pattern in (
        "goals.<status>",
        "<norm>.standing",
        "self.<competency>",
        "art3_missing",
        "<norm>.forecast_met_on",
        "<norm>.on_track",
        "<norm>.shortfall",
        "<norm>.<category>_hours",
    ):
        assert pattern in readme, pattern
    for pattern in (".forecast_met_on", ".on_track", ".shortfall", "<category>_hours"):
        assert pattern in evaluation_export.__doc__, pattern


def test_one_row_per_active_worker_of_the_organisation(world):
    rows = _csv(world["client"].get(CSV_URL))
    # By name; not the deactivated worker, the supervisors, HR or another organisation's worker.
    assert _names(rows) == ["Anna Aalders", "Bram Bos", "Carla Claes", "Dirk Dekker"]
    found = _by_name(rows)
    assert {name: row["status"] for name, row in found.items()} == {
        "Anna Aalders": "prepared",
        "Bram Bos": "signed",
        "Carla Claes": "completed",
        "Dirk Dekker": "not_started",
    }
    bram = found["Bram Bos"]
    assert bram["team"] == "Team Alpha" and bram["supervisor"] == "Lea Leiding"
    assert bram["agreements"] == "WMO2: Netwerk opbouwen\nWMO5: Groepswerk"
    assert bram["completed_on"] == bram["worker_signed_on"] == bram["supervisor_signed_on"]
    assert bram["completed_on"] == "2025-03-03" and bram["prepared_on"] == ""
    assert found["Dirk Dekker"]["team"] == "" and found["Dirk Dekker"]["completed_on"] == ""
    anna = found["Anna Aalders"]
    assert anna["email"] == world["workers"]["anna"].email and anna["prepared_on"] == "2025-03-03"
    assert anna["year"] == "2025" and anna["as_of"] == "2025-03-03"
    skj = "skj-jeugd-gezinsprofessional"
    assert anna["signed_sessions"] == "1" and anna[f"{skj}.number"] == "SKJ-42"
    assert anna[f"{skj}.scholing"] == "8" and anna["self.WMO1"] == "vakbekwaam"
    assert anna[f"{skj}.scholing_hours"] == "8" and anna[f"{skj}.reflectie_hours"] == "2"
    # No work hours at all: the pace never reaches them, so no date and not on track.
    assert anna[f"{skj}.forecast_met_on"] == "" and anna[f"{skj}.on_track"] == "no"
    assert re.fullmatch(
        r"scholing short by [\d.]+; reflectie short by [\d.]+; "
        r"work_hours short by 3368; work_hours_average short by 16; "
        r"work_hours_profession_average short by 8",
        anna[f"{skj}.shortfall"],
    )
    # Bram signed before these entries existed: his row holds the figures both signed.
    assert bram["signed_sessions"] == "0" and bram[f"{skj}.number"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("team={alpha}", ["Anna Aalders", "Bram Bos"]),
        ("team={beta}", ["Carla Claes"]),
        ("status=signed", ["Bram Bos"]),
        ("status=not_started", ["Dirk Dekker"]),
        ("team={alpha}&status=prepared", ["Anna Aalders"]),
        ("team={beta}&status=signed", []),
    ],
)
def test_the_export_filters_by_team_and_status(world, query, expected):
    query = query.format(alpha=world["alpha"].id, beta=world["beta"].id)
    rows = _csv(world["client"].get(f"{CSV_URL}&{query}"))
    assert rows[0] == list(COLUMNS) and _names(rows) == expected


def test_a_team_of_another_organisation_or_a_wrong_status_is_refused(world, db):
    foreign_team = make_team(db, make_organisation(db))
    client = world["client"]
    assert client.get(f"{CSV_URL}&team={foreign_team.id}").status_code == 400
    assert client.get(f"{CSV_URL}&status=approved").status_code == 400
    assert client.get("/hr/evaluations/export.xlsx?year=1999").status_code == 400
    exports = select(AuditEvent).where(AuditEvent.action == "export_evaluations")
    assert db.scalars(exports).all() == []


def _xlsx_rows(response) -> tuple[list[list], list[list]]:
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
    book.close()
    return sheets[0], sheets[1]


def _as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_xlsx_holds_the_same_rows_as_the_csv(world):
    client = world["client"]
    expected = _csv(client.get(CSV_URL))
    rows, legend = _xlsx_rows(client.get(f"/hr/evaluations/export.xlsx?year={YEAR}"))
    width = len(COLUMNS)  # trailing empty cells are not stored
    padded = [row + [None] * (width - len(row)) for row in rows]
    assert [[_as_csv_text(value) for value in row] for row in padded] == expected
    described = legend[1 : len(COLUMNS) + 1]
    assert [row[0] for row in described] == list(COLUMNS) and all(row[1] for row in described)
    # Below the columns, every code a cell can hold, with its meaning.
    codes = {(row[0], row[1]) for row in legend[len(COLUMNS) + 1 :] if row and row[0]}
    assert ("status", "not_started") in codes and ("<norm>.standing", "at_risk") in codes
    assert ("<norm>.on_track", "yes") in codes


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_one_section_per_worker(world):
    text = _pdf_text(world["client"].get(f"/hr/evaluations/export.pdf?year={YEAR}"))
    assert "Yearly evaluations 2025" in text
    for heading in (
        "Anna Aalders (Team Alpha)",
        "Bram Bos (Team Alpha)",
        "Carla Claes (Team Beta)",
        "Dirk Dekker",
    ):
        assert text.count(heading) == 1, heading
    assert text.count("E-mail address") == 4 and "Eva Ex" not in text and "Olaf" not in text
    assert "WMO2: Netwerk opbouwen" in text and "Lea Leiding" in text
    assert re.search(r"Geaccrediteerde scholing\s+8\s+8\s+60", text)  # hours, points, required
    assert "SKJ — at the current pace: not met by the deadline; Geaccrediteerde scholing" in text
    signed_only = f"/hr/evaluations/export.pdf?year={YEAR}&status=signed"
    filtered = _pdf_text(world["client"].get(signed_only))
    assert filtered.count("E-mail address") == 1 and "Bram Bos" in filtered


def _images(page) -> list:
    xobjects = page["/Resources"].get("/XObject") or {}
    return [x for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]


def test_the_pdf_shows_the_chart_and_the_latest_competency_levels(world, db):
    anna, lead = world["workers"]["anna"], world["lead"]
    for on, level in ((date(YEAR, 1, 5), "vakvolwassen"), (date(YEAR, 3, 1), "beginner")):
        assessment = CompetencyAssessment(
            organisation_id=anna.organisation_id,
            subject_id=anna.id,
            assessor_id=lead.id,
            assessed_on=on,
            catalogue_version="t",
        )
        db.add(assessment)
        db.flush()
        db.add(
            CompetencyRating(assessment_id=assessment.id, competency_code="WMO2", level_code=level)
        )
    db.commit()

    response = world["client"].get(f"/hr/evaluations/export.pdf?year={YEAR}&status=prepared")

    text = _pdf_text(response)
    assert text.count("E-mail address") == 1 and "Anna Aalders" in text
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert sum(len(_images(page)) for page in pages) == 1  # her registration's chart
    assert "Competency levels" in text and re.search(
        r"Competency\s+Self-assessment\s+Supervisor", text
    )
    # Her own assessment of WMO1; the supervisor's latest of WMO2 (not the earlier one).
    assert re.search(r"1\. Versterkt eigen kracht en zelfregie\s+Vakbekwaam\s+—", text), text
    assert re.search(r"2\. [^\n]+\s+—\s+Beginner\b", text), text
    assert "Vakvolwassen" not in text


def test_hr_never_receives_self_evaluation_reflection_or_case_text(world):
    client = world["client"]
    markers = (SELF_MARKER, PRIVATE_MARKER, SUPERVISOR_MARKER)
    anna = world["workers"]["anna"]
    pages = {
        f"/hr/overview?year={YEAR}": None,
        f"/hr/evaluations?year={YEAR}": "Anna Aalders",
        "/hr/people": "Anna Aalders",
        f"/hr/people/{anna.id}": anna.email,
        "/hr/teams": "Team Alpha",
        f"/hr/people/{anna.id}/edit": anna.email,
    }
    for page, expected in pages.items():
        response = client.get(page)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and (expected is None or expected in html), page
        assert not [m for m in markers if m in html], page
    exported = client.get(CSV_URL).data.decode("utf-8-sig")
    assert "Anna Aalders" in exported and not [m for m in markers if m in exported]
    response = client.get(f"/hr/evaluations/export.xlsx?year={YEAR}")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    cells = " ".join(
        str(v)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    book.close()
    assert "Anna Aalders" in cells and not [m for m in markers if m in cells]
    text = _pdf_text(client.get(f"/hr/evaluations/export.pdf?year={YEAR}"))
    assert "Anna Aalders" in text and not [m for m in markers if m in text]


def test_each_export_writes_one_audit_row_with_the_row_count(world, db):
    client, hr = world["client"], world["hr"]
    alpha = world["alpha"].id
    for url in (
        CSV_URL,
        f"/hr/evaluations/export.xlsx?year={YEAR}&team={alpha}",
        f"/hr/evaluations/export.pdf?year={YEAR}&status=signed",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.data  # the download is read
    db.rollback()
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_evaluations").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.organisation_id, e.detail) for e in events] == [
        (hr.id, hr.organisation_id, "format=csv year=2025 team=all status=all rows=4"),
        (hr.id, hr.organisation_id, f"format=xlsx year=2025 team={alpha} status=all rows=2"),
        (hr.id, hr.organisation_id, "format=pdf year=2025 team=all status=signed rows=1"),
    ]
    assert all(event.at is not None for event in events)


def test_another_organisations_hr_exports_only_their_own_workers(world, app, db):
    outsider_hr = make_user(db, make_organisation(db), role=Role.HR, locale="en")
    client = app.test_client()
    login(client, outsider_hr.email, PASSWORD)
    assert _names(_csv(client.get(CSV_URL))) == []
    html = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    assert "Anna Aalders" not in html and "Olaf Other" not in html
    admin = app.test_client()
    login(admin, world["admin"].email, PASSWORD)
    assert len(_names(_csv(admin.get(CSV_URL)))) == 4


def test_a_name_that_looks_like_a_formula_stays_text(world, db):
    make_user(db, world["org"], team=world["alpha"], name='=HYPERLINK("http://x")')
    client = world["client"]
    rows = _csv(client.get(f"{CSV_URL}&status=not_started"))
    assert _names(rows)[0] == '\'=HYPERLINK("http://x")'
    response = client.get(f"/hr/evaluations/export.xlsx?year={YEAR}&status=not_started")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"


def test_the_evaluations_page_counts_and_pages_the_workers(world, app):
    app.config["PAGE_SIZE"] = 3
    client = world["client"]
    html = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    assert "4 workers match" in html
    assert re.search(r"not started</a>: 1", html) and re.search(r"signed</a>: 1", html)
    assert "Anna Aalders" in html and "Dirk Dekker" not in html and "Page 1 of 2" in html
    assert f'<a href="/hr/people/{world["workers"]["anna"].id}">Anna Aalders</a>' in html
    second = client.get(f"/hr/evaluations?year={YEAR}&page=2").get_data(as_text=True)
    assert "Dirk Dekker" in second and "Anna Aalders" not in second
    filtered = client.get(f"/hr/evaluations?year={YEAR}&team={world['beta'].id}")
    text = filtered.get_data(as_text=True)
    assert "1 worker matches" in text and "Carla Claes" in text
    assert f"export.csv?year={YEAR}&amp;team={world['beta'].id}" in text
    wrong = client.get(f"/hr/evaluations?year={YEAR}&status=nonsense")
    assert wrong.status_code == 400 and "Not a valid choice" in wrong.get_data(as_text=True)


def _workers_with_portfolios(db, org, team, lead, count: int) -> None:
    for _ in range(count):
        worker = make_user(db, org, team=team)
        _private_portfolio(db, worker, lead)


def test_the_csv_uses_as_many_statements_for_50_workers_as_for_5(app, db, clock, count_queries):
    org = make_organisation(db)
    team = make_team(db, org)
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    hr = make_user(db, org, role=Role.HR)
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    counts = []
    for added in (5, 45):
        _workers_with_portfolios(db, org, team, lead, added)
        with count_queries() as counter:
            rows = _csv(client.get(CSV_URL))
        with count_queries() as xlsx_counter:
            sheet, _legend = _xlsx_rows(client.get(f"/hr/evaluations/export.xlsx?year={YEAR}"))
        counts.append((counter.count, xlsx_counter.count, len(rows) - 1, len(sheet) - 1))
    assert counts[0][:2] == counts[1][:2] and [c[2:] for c in counts] == [(5, 5), (50, 50)]
    # the user, the audit row (before the first byte), the workers, six for their facts, the
    # row count on the audit row; no team choices without a team filter
    assert counts[0][0] <= 10, counts


def test_a_broken_off_csv_download_is_audited_with_the_rows_sent(app, db, clock):
    org = make_organisation(db)
    for _ in range(5):
        make_user(db, org)
    done = []
    chunks = evaluation_export.csv_chunks(
        db,
        selection=evaluation_export.Selection(org.id, YEAR),
        today=date(YEAR, 6, 1),
        on_done=done.append,
        batch_size=2,
    )
    first = next(chunks)
    assert first.startswith("name,email,team,status") and first.count("\r\n") == 3
    chunks.close()  # the browser went away after the first batch
    assert done == [2]


def test_batches_cover_every_worker_once(app, db, clock):
    org = make_organisation(db)
    team = make_team(db, org)
    for n in range(7):  # two workers share a name: the keyset goes on by id
        make_user(db, org, team=team, name=f"Werker {min(n, 5)}")
    selection = evaluation_export.Selection(org.id, YEAR)
    batches = list(
        evaluation_export.worker_batches(
            db, selection=selection, today=date(YEAR, 6, 1), batch_size=3
        )
    )
    assert [len(batch) for batch in batches] == [3, 3, 1]
    ids = [worker.worker_id for batch in batches for worker, _facts in batch]
    assert len(set(ids)) == 7
    assert evaluation_export.status_counts(db, selection=selection)["not_started"] == 7


def test_the_worker_chart_is_rendered_once_per_content():
    from portfolio.charts.evaluation import requirements_png

    data = {
        "rows": [{"label": "Scholing", "percent": 40.0, "met": False, "text": "24 / 60"}],
        "axis": "%",
    }
    first = requirements_png(data)
    assert first.startswith(b"\x89PNG") and requirements_png(dict(data)) is first
    assert requirements_png({**data, "axis": "% "}) is not first


def test_an_export_started_after_the_year_counts_up_to_31_december(world, app, clock):
    clock.advance(days=365)  # March 2026: the 2025 facts stop at 31 December 2025
    client = app.test_client()
    login(client, world["hr"].email, PASSWORD)
    rows = _by_name(_csv(client.get(CSV_URL)))
    assert rows["Anna Aalders"]["as_of"] == "2025-12-31"


def _export_events(db) -> list[AuditEvent]:
    db.rollback()  # see what the app committed
    return db.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_evaluations").order_by(AuditEvent.id)
    ).all()


def test_the_export_is_audited_before_the_first_byte_is_sent(world, db):
    client, hr = world["client"], world["hr"]
    response = client.get(CSV_URL, buffered=False)  # nothing of the body has been read yet
    [event] = _export_events(db)
    assert (event.actor_id, event.detail, event.at) == (
        hr.id,
        "format=csv year=2025 team=all status=all rows=unfinished",
        CLOCK_START,
    )
    assert response.get_data().decode("utf-8-sig").count("\r\n") == 5  # header and 4 workers
    response.close()
    assert [e.detail for e in _export_events(db)] == [
        "format=csv year=2025 team=all status=all rows=4"
    ]
    # A download that dies before its first row (a killed process) leaves its entry.
    client.get(CSV_URL, buffered=False).close()  # the test client reads the BOM, no more
    assert _export_events(db)[-1].detail.endswith("status=all rows=unfinished")


@pytest.mark.parametrize("endpoint", ["hr.evaluations_xlsx", "hr.evaluations_pdf"])
def test_a_built_export_is_audited_before_it_is_built(world, app, db, endpoint):
    file_format = endpoint.rsplit("_", 1)[1]
    with app.test_request_context(f"/hr/evaluations/export.{file_format}?year={YEAR}"):
        login_user(world["hr"])
        # What a server gets before sending: the view's response, after the request's hooks.
        response = app.process_response(app.view_functions[endpoint]())
        [event] = _export_events(db)
        assert event.detail == f"format={file_format} year=2025 team=all status=all rows=unfinished"
        assert len(b"".join(response.response)) > 1000  # built and sent
        response.close()
    [event] = _export_events(db)
    assert event.detail == f"format={file_format} year=2025 team=all status=all rows=4"


def test_a_signed_evaluation_exports_the_figures_both_signed(world, app, db, clock):
    bram, anna = world["workers"]["bram"], world["workers"]["anna"]
    stored = evaluations.current(db, worker_id=bram.id, year=YEAR).facts
    # Signed on 3 March, before the fixture gave Bram a registration and entries; one more
    # signed session after signing changes the portfolio, not what was signed.
    db.add(
        Entry(
            organisation_id=bram.organisation_id,
            owner_id=bram.id,
            kind="peer_review",
            title="Later",
            occurred_on=date(YEAR, 3, 2),
            hours=Decimal(2),
            form="intervisie",
            status="signed",
            catalogue_version="t",
        )
    )
    db.commit()
    assert stored["as_of"] == "2025-03-03" and stored["registrations"] == []
    clock.advance(days=365)  # exported in March 2026
    client = app.test_client()
    login(client, world["hr"].email, PASSWORD)
    rows = _by_name(_csv(client.get(CSV_URL)))
    expected = ["" if cell is None else str(cell) for cell in fact_row(stored)]
    assert [rows["Bram Bos"][name] for name in FACT_COLUMNS] == expected
    assert rows["Bram Bos"]["signed_sessions"] == "0"
    # Not signed: computed at the export, as of the end of the year.
    assert rows["Anna Aalders"]["as_of"] == "2025-12-31"
    assert rows["Anna Aalders"]["signed_sessions"] == "1"
    # The same facts reach the XLSX and the PDF (both read the same batches).
    selection = evaluation_export.Selection(world["org"].id, YEAR)
    batches = evaluation_export.worker_batches(db, selection=selection, today=date(YEAR + 1, 3, 3))
    facts = {worker.worker_id: found for batch in batches for worker, found in batch}
    assert facts[bram.id] == stored and facts[anna.id]["as_of"] == "2025-12-31"


def test_agreements_reach_hr_only_once_both_signed(world, db, clock):
    anna, lead, client = world["workers"]["anna"], world["lead"], world["client"]
    now = clock()
    prepared = evaluations.current(db, worker_id=anna.id, year=YEAR)
    agreed = [Agreement("WMO4", "Casusoverleg voorzitten")]
    item = evaluations.complete(
        db,
        supervisor=lead,
        worker=anna,
        year=YEAR,
        text="Goed",
        agreements=agreed,
        expected=prepared.updated_at,
        now=now,
        today=now.date(),
    )

    def agreements() -> tuple[str, tuple]:
        row = _by_name(_csv(client.get(f"{CSV_URL}&team={world['alpha'].id}")))["Anna Aalders"]
        selection = evaluation_export.Selection(anna.organisation_id, YEAR)
        page = evaluation_export.worker_page(db, selection=selection, page=1, per_page=50)
        listed = {record.worker_id: record.agreements for record in page.items}
        return row["agreements"], tuple(agreements_from_text(listed[anna.id]))

    assert agreements() == ("", ())  # completed: a draft between Anna and her supervisor
    evaluations.sign(db, user=anna, evaluation=item, expected=item.updated_at, now=now)
    assert agreements() == ("", ())  # one signature is not enough
    pdf = _pdf_text(client.get(f"/hr/evaluations/export.pdf?year={YEAR}&status=completed"))
    assert "Anna Aalders" in pdf and "Casusoverleg" not in pdf
    evaluations.sign(db, user=lead, evaluation=item, expected=item.updated_at, now=now)
    assert agreements() == (
        "WMO4: Casusoverleg voorzitten",
        (Agreement("WMO4", "Casusoverleg voorzitten"),),
    )


def test_the_pdf_is_refused_above_the_configured_number_of_workers(world, app, db):
    app.config["EVALUATION_PDF_MAX_WORKERS"] = 3
    client = world["client"]
    response = client.get(f"/hr/evaluations/export.pdf?year={YEAR}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/hr/evaluations?year={YEAR}&team=0&status="
    page = client.get(response.headers["Location"])
    assert (
        "error",
        "A PDF holds at most 3 workers, and these filters select 4. Choose a team or "
        "a status to select fewer, or download CSV or Excel, which hold any number.",
    ) in (flashes(page))
    assert _export_events(db) == []  # nothing was exported
    html = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    assert "export.pdf" not in html and "A PDF holds at most 3 workers." in html
    alpha = f"year={YEAR}&team={world['alpha'].id}"
    assert "export.pdf" in client.get(f"/hr/evaluations?{alpha}").get_data(as_text=True)
    assert _pdf_text(client.get(f"/hr/evaluations/export.pdf?{alpha}")).count("E-mail") == 2
    # CSV and XLSX have no such limit.
    assert len(_names(_csv(client.get(CSV_URL)))) == 4
    assert client.get(f"/hr/evaluations/export.xlsx?year={YEAR}").status_code == 200


def _unled_warning(client) -> str | None:
    html = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    match = re.search(r'<section class="flash flash-warning".*?</section>', html, re.S)
    return match.group(0) if match else None


def test_hr_is_warned_about_workers_whose_team_has_no_lead(world, app, db):
    org, client = world["org"], world["client"]
    gamma, empty = make_team(db, org, "Team Gamma"), make_team(db, org, "Team Leeg")
    make_user(db, org, role=Role.SUPERVISOR, leads=gamma, name="Gijs Gone", is_active=False)
    for name in ("Gert", "Gea"):
        make_user(db, org, team=gamma, name=name)
    make_user(db, org, team=empty, name="Old Timer", is_active=False)  # nobody to evaluate

    warning = _unled_warning(client)

    # Dirk has no team; Gamma's only lead has left; Alpha and Beta are led.
    assert warning is not None and "3 active workers have no supervisor" in warning
    assert f'<a href="/hr/teams/{gamma.id}/edit">Team Gamma</a>: 2 workers' in warning
    assert '<a href="/hr/people">No team</a>: 1 worker<' in warning
    assert "Team Alpha" not in warning and "Team Beta" not in warning and "Leeg" not in warning
    assert "Gert" not in warning  # counts, not names

    dirk = world["workers"]["dirk"]
    dirk.team_id = world["alpha"].id
    db.add(dirk)
    make_user(db, org, role=Role.SUPERVISOR, leads=gamma, name="Greet Nieuw")
    db.commit()
    # Changed outside the HR area: kept up to OVERVIEW_CACHE_SECONDS (the check reads every team).
    assert _unled_warning(client) == warning
    app.config["OVERVIEW_CACHE_SECONDS"] = 0
    assert _unled_warning(client) is None


def test_a_lead_given_in_the_hr_area_ends_the_warning_at_once(world, db):
    org, client = world["org"], world["client"]
    gamma = make_team(db, org, "Team Gamma")
    make_user(db, org, team=gamma, name="Gert")
    greet = make_user(db, org, role=Role.SUPERVISOR, name="Greet Nieuw")
    db.commit()
    assert "Team Gamma" in _unled_warning(client)  # now kept

    response = post_form(
        client, f"/hr/teams/{gamma.id}/edit", {"name": "Team Gamma", "leads": [str(greet.id)]}
    )

    assert response.status_code == 302
    assert "Team Gamma" not in _unled_warning(client)


@pytest.mark.parametrize("batch_size", [1, 3, 4, 5])
def test_the_exports_count_their_data_rows_across_batches(world, db, batch_size):
    selection = evaluation_export.Selection(world["org"].id, YEAR)
    done: list[int] = []
    text = "".join(
        evaluation_export.csv_chunks(
            db,
            selection=selection,
            today=date(YEAR, 6, 1),
            on_done=done.append,
            batch_size=batch_size,
        )
    )
    data_rows = list(csv.reader(io.StringIO(text)))[1:]  # without the header
    assert done == [len(data_rows)] == [4]
    spool = io.BytesIO()
    written = evaluation_export.write_xlsx(
        db, selection=selection, today=date(YEAR, 6, 1), target=spool, batch_size=batch_size
    )
    book = load_workbook(spool, read_only=True)
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert written == len(sheet_rows) - 1 == 4  # the header and the legend sheet not counted


def test_an_export_of_nobody_is_audited_with_no_rows(world, db):
    client, beta = world["client"], world["beta"].id
    for file_format in ("csv", "xlsx"):
        url = f"/hr/evaluations/export.{file_format}?year={YEAR}&team={beta}&status=signed"
        response = client.get(url)
        assert response.status_code == 200 and response.data  # the header, read
    assert [e.detail for e in _export_events(db)] == [
        f"format=csv year=2025 team={beta} status=signed rows=0",
        f"format=xlsx year=2025 team={beta} status=signed rows=0",
    ]


def test_a_dutch_reader_gets_a_csv_dutch_excel_opens_in_columns(world, db):
    english = _by_name(_csv(world["client"].get(CSV_URL)))
    hr = world["hr"]
    hr.locale = "nl"
    db.add(hr)
    db.commit()

    response = world["client"].get(CSV_URL)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))

    assert rows[0] == list(COLUMNS)  # the header keeps the documented column names
    dutch = _by_name(rows)
    assert set(dutch) == set(english) != set()
    statuses = {row["status"] for row in dutch.values()}
    assert "ondertekend" in statuses and not statuses & {"signed", "not_started"}
    shortfall = "skj-jeugd-gezinsprofessional.shortfall"
    assert english["Anna Aalders"][shortfall].startswith("scholing short by 25.85; ")
    assert dutch["Anna Aalders"][shortfall].startswith("scholing tekort 25,85; ")
    assert dutch["Anna Aalders"]["skj-jeugd-gezinsprofessional.on_track"] == "nee"
    for person, row in english.items():
        for name, value in row.items():
            if re.fullmatch(r"\d+\.\d+", value):
                assert dutch[person][name] == value.replace(".", ","), name
    standings = {v for row in dutch.values() for n, v in row.items() if n.endswith(".standing")}
    assert standings and not standings & {"on_track", "behind", "at_risk", "expired", "unknown"}


def _team_filter(html: str) -> str:
    return re.search(r'<form method="get".*?</form>', html, re.S).group(0)


def test_the_filter_form_is_rendered_once_for_the_same_values_and_teams(world, app):
    rendered = []

    def note(_sender, template, **_extra):
        rendered.append(template.name)

    client = world["client"]
    template_rendered.connect(note, app)
    try:
        first = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
        again = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
        signed = client.get(f"/hr/evaluations?year={YEAR}&status=signed").get_data(as_text=True)
        post_form(client, "/hr/teams/new", {"name": "Team Gamma"}, token_from="/hr/teams/new")
        with_gamma = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    finally:
        template_rendered.disconnect(note, app)
    assert rendered.count("hr/_evaluation_filters.html") == 3  # first, signed, with Gamma
    assert _team_filter(again) == _team_filter(first)
    assert '<option selected value="signed">' in _team_filter(signed)
    assert '<option selected value="signed">' not in _team_filter(first)
    assert "Team Gamma" in _team_filter(with_gamma) and "Team Gamma" not in _team_filter(first)


def test_many_teams_are_searched_by_name_not_listed(world, db, monkeypatch):
    monkeypatch.setattr("portfolio.hr.exports.TEAM_CHOICES_MAX", 1)  # the fixture has two
    client, alpha, beta = world["client"], world["alpha"], world["beta"]
    make_team(db, make_organisation(db), "Team Alphabet")  # another organisation's
    db.commit()

    everyone = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    form = _team_filter(everyone)
    assert '<select id="team"' not in form and "Team Alpha" not in form and "Team Beta" not in form
    assert 'type="search"' in form and 'name="team_name"' in form and 'for="team_name"' in form
    assert 'aria-describedby="team_name-hint"' in form and "4 workers match" in everyone

    typed = client.get(f"/hr/evaluations?year={YEAR}&team=0&team_name=+alpha+&status=")
    html = typed.get_data(as_text=True)
    assert typed.status_code == 200 and "2 workers match" in html
    assert 'value="Team Alpha"' in _team_filter(html) and f'value="{alpha.id}"' in html
    assert f"export.csv?year={YEAR}&amp;team={alpha.id}" in html

    by_link = client.get(f"/hr/evaluations?year={YEAR}&team={beta.id}").get_data(as_text=True)
    assert "1 worker matches" in by_link and 'value="Team Beta"' in _team_filter(by_link)

    several = client.get(f"/hr/evaluations?year={YEAR}&team_name=team")
    html = several.get_data(as_text=True)
    assert several.status_code == 400 and "Several teams match this name" in html
    assert f"/hr/evaluations?year={YEAR}&amp;team={alpha.id}&amp;status=" in html
    assert f"team={beta.id}" in html and "Alphabet" not in html

    nothing = client.get(f"/hr/evaluations?year={YEAR}&team_name=100%25_")
    assert nothing.status_code == 400 and "No team has this name." in nothing.get_data(as_text=True)
    foreign = db.scalars(select(Team).where(Team.name == "Team Alphabet")).one()
    assert client.get(f"/hr/evaluations?year={YEAR}&team={foreign.id}").status_code == 400
    emptied = client.get(f"/hr/evaluations?year={YEAR}&team={alpha.id}&team_name=")
    assert "4 workers match" in emptied.get_data(as_text=True)


def test_a_repeated_visit_reads_no_organisation_wide_counts(world, count_queries):
    client = world["client"]
    client.get(f"/hr/evaluations?year={YEAR}")
    with count_queries() as counter:
        html = client.get(f"/hr/evaluations?year={YEAR}").get_data(as_text=True)
    # the user and one page of workers; the teams of the filter, the counts per status and the
    # workers without a supervisor are kept (OVERVIEW_CACHE_SECONDS)
    assert counter.count == 2, counter.count
    assert "4 workers match" in html and "1 active worker has no supervisor" in html
