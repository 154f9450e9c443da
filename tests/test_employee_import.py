"""Employee import from CSV: per-line errors and nothing written, previews, re-imports, the CLI."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import event, func, select, update

from portfolio.hr import import_views
from portfolio.models import (
    AuditEvent,
    OutboxMessage,
    PasswordResetToken,
    Role,
    Team,
    TeamLead,
    User,
)
from portfolio.services.accounts import accounts
from portfolio.services.people import employee_import
from portfolio.services.people.people_admin import INVITATION_TTL
from tests.conftest import CLOCK_START, csrf_token, flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

PAYLOAD_RE = re.compile(r'name="payload"[^>]*value="([^"]*)"')
TEAMS_READ_RE = re.compile(r"\bFROM team\b")  # preview's first query (not team_lead)
GOOD = (
    "email,name,role,team,active\n"
    "anna@example.org,Anna Jansen,worker,Wijkteam Oost,yes\n"
    "bram@example.org,Bram Bakker,supervisor,,ja\n"
    "cees@example.org,Cees de Vries,worker,wijkteam oost,no\n"
)


@pytest.fixture
def org(db):
    return make_organisation(db, name="Zorggroep Noord")


@pytest.fixture
def team(db, org):
    return make_team(db, org, name="Wijkteam Oost")


@pytest.fixture
def hr(db, org):
    return make_user(db, org, role=Role.HR, email="hr@example.org", locale="en")


@pytest.fixture
def hr_client(app, hr, clock):
    client = app.test_client()
    assert login(client, hr.email, PASSWORD).status_code == 302
    return client


def count(db, model, *where) -> int:
    db.rollback()  # see what the app committed
    return db.scalar(select(func.count()).select_from(model).where(*where))


def snapshot(db) -> tuple[int, ...]:
    """Rows of every kind an import writes."""
    return tuple(count(db, m) for m in (User, OutboxMessage, PasswordResetToken, AuditEvent))


def errors_of(text: str) -> list[tuple[int, str]]:
    return [(e.line, e.code) for e in employee_import.parse(text).errors]


def upload(client, data: bytes, filename: str = "people.csv"):
    return post_form(
        client,
        "/hr/import",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, payload: str):
    return post_form(client, "/hr/import/confirm", {"payload": payload}, token_from="/hr/import")


def payload_of(response) -> str:
    match = PAYLOAD_RE.search(response.get_data(as_text=True))
    assert match and match.group(1), response.get_data(as_text=True)
    return match.group(1)


# --- parsing: every problem, with its line ---------------------------------------------------


def test_wrong_or_missing_columns_are_reported_on_the_header_line():
    assert errors_of("mail;naam;employee_number\nanna@example.org;Anna;12\n") == [
        (1, "columns_unknown"),
        (1, "columns_missing"),
    ]
    [error] = employee_import.parse("e-mail,name,name\n").errors
    assert (error.line, error.code, error.params) == (1, "column_repeated", {"column": "name"})
    assert errors_of("") == [(1, "empty")]
    assert errors_of("email,name\n\n") == [(1, "no_rows")]


def test_each_bad_line_is_reported_with_its_number():
    text = (
        "email,name,role,active\n"
        "anna@example.org,Anna,worker,yes\n"
        "\n"  # empty lines are skipped but counted
        "not-an-address,Bram,worker,yes\n"
        "ANNA@example.org,Anna again,worker,yes\n"
        "cees@example.org,Cees,boss,yes\n"
        "dirk@example.org,Dirk,worker,maybe\n"
        "eva@example.org,Eva,worker\n"
        '"fien@example.org","",worker,no\n'
    )
    assert errors_of(text) == [
        (4, "email_invalid"),
        (5, "email_repeated"),
        (6, "role_unknown"),
        (7, "active_invalid"),
        (8, "field_count"),
        (9, "name_invalid"),
    ]
    repeated = employee_import.parse(text).errors[1]
    assert repeated.params == {"value": "anna@example.org", "first": 2}
    assert "line 2" in repeated.message


def test_semicolons_and_a_byte_order_mark_are_accepted():
    data = "\ufeffE-mail;Naam;Rol;Team;Actief\r\nanna@example.org;Jansen, Anna;worker;;nee\r\n"
    parsed = employee_import.parse(employee_import.decode(data.encode("utf-8")))

    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.line, row.email, row.name, row.role, row.team, row.is_active) == (
        2,
        "anna@example.org",
        "Jansen, Anna",
        "worker",
        "",
        False,
    )


def test_text_that_is_not_utf8_is_refused():
    for data in ("email,name\nzoë@example.org,Zoë\n".encode("cp1252"), b"PK\x03\x04\x00\x00"):
        with pytest.raises(ValueError, match="not_text"):
            employee_import.decode(data)


def test_a_start_date_is_read_in_iso_and_dutch_notation():
    text = (
        "email;naam;in_dienst\n"
        "anna@example.org;Anna;2024-03-01\n"
        "bram@example.org;Bram;01-03-2024\n"
        "cees@example.org;Cees;1-3-2024\n"
        "dirk@example.org;Dirk;\n"
    )
    parsed = employee_import.parse(text)
    assert parsed.errors == []
    assert [(row.start_date, row.has_start_date) for row in parsed.rows] == [
        (date(2024, 3, 1), True),
        (date(2024, 3, 1), True),
        (date(2024, 3, 1), True),
        (None, True),  # an empty cell: no date
    ]
    [row] = employee_import.parse("email,name\nanna@example.org,Anna\n").rows
    assert (row.start_date, row.has_start_date) == (None, False)  # no column: keep


def test_an_impossible_start_date_is_an_error_of_its_line_that_says_why():
    text = (
        "email,name,start_date\n"
        "a@example.org,A,31-02-2024\n"
        "b@example.org,B,2023-02-29\n"
        "c@example.org,C,2024-13-01\n"
        "d@example.org,D,01/03/2024\n"
        "e@example.org,E,0224-03-01\n"
        "f@example.org,F,29-02-2024\n"  # a leap day
    )
    parsed = employee_import.parse(text)
    assert [(e.line, e.message) for e in parsed.errors] == [
        (2, "“31-02-2024” is not a start date: month 2 of 2024 has 29 days."),
        (3, "“2023-02-29” is not a start date: month 2 of 2023 has 28 days."),
        (4, "“2024-13-01” is not a start date: there is no month 13."),
        (5, "“01/03/2024” is not a start date: write it as YYYY-MM-DD or DD-MM-YYYY."),
        (6, "“0224-03-01” is not a start date: the year must lie between 1900 and 2100."),
    ]
    assert [row.start_date for row in parsed.rows] == [date(2024, 2, 29)]


# --- preview and the database ---------------------------------------------------------------


def test_preview_sorts_rows_into_create_update_unchanged(db, org, team):
    make_user(db, org, email="anna@example.org", name="Anna Jansen", team=team)
    make_user(db, org, email="bram@example.org", name="Bram Bakker", role=Role.SUPERVISOR)
    parsed = employee_import.parse(GOOD)

    checked = employee_import.preview(db, organisation_id=org.id, rows=parsed.rows)

    assert checked.errors == []
    assert [r.email for r in checked.unchanged] == ["anna@example.org", "bram@example.org"]
    assert [r.email for r in checked.create] == ["cees@example.org"]


def test_unknown_team_and_an_address_of_another_organisation_are_errors(db, org, team):
    make_user(db, make_organisation(db), email="bram@example.org")
    text = "email,name,team\nanna@example.org,Anna,Wijkteam West\nbram@example.org,Bram,\n"

    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(text).rows
    )

    assert [(e.line, e.code) for e in checked.errors] == [(2, "team_unknown"), (3, "email_taken")]


def test_hr_cannot_import_admins_nor_change_them(db, org, hr):
    make_user(db, org, role=Role.ADMIN, email="admin@example.org")
    text = (
        "email,name,role\n"
        "new@example.org,New,admin\n"
        "admin@example.org,Admin,admin\n"
        "hr@example.org,HR,worker\n"
    )

    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(text).rows, actor=hr
    )

    assert [(e.line, e.code) for e in checked.errors] == [
        (2, "role_not_allowed"),
        (3, "person_not_allowed"),
        (4, "own_account"),
    ]


# --- through the web: preview, then confirm ---------------------------------------------------


def test_a_file_with_errors_shows_every_line_and_writes_nothing(db, org, team, hr_client):
    before = snapshot(db)
    data = (
        b"email;name;role;team\n"
        b"anna@example.org;Anna;worker;Wijkteam West\n"
        b"anna@example.org;Anna;worker;Wijkteam Oost\n"
        b"bram@;Bram;worker;\n"
        b"cees@example.org;Cees;chef;\n"
    )

    response = upload(hr_client, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 problems. Nothing has been imported." in page
    expected = (
        (2, "no team “Wijkteam West”"),
        (3, "also on line 2"),
        (4, "“bram@” is not a valid e-mail address"),
        (5, "Unknown role “chef”"),
    )
    for line, words in expected:
        assert re.search(rf"<td>{line}</td><td>[^<]*{re.escape(words)}", page), (line, page)
    assert 'name="payload"' not in page or not PAYLOAD_RE.search(page).group(1)
    assert snapshot(db) == before


def test_preview_then_confirm_adds_people_and_invites_them(app, db, org, team, hr, hr_client):
    app.config["PUBLIC_BASE_URL"] = "https://vakbekwaam.test"
    data = ("\ufeff" + GOOD.replace(",", ";")).encode("utf-8")

    preview = upload(hr_client, data)

    page = preview.get_data(as_text=True)
    assert "3 people will be added" in page
    assert count(db, User, User.organisation_id == org.id) == 1  # nothing yet
    response = confirm(hr_client, payload_of(preview))
    assert response.status_code == 302 and response.location == "/hr/people"
    assert ("success", "Import done: 3 added (2 invited by e-mail), 0 changed, 0 unchanged.") in (
        flashes(hr_client.get("/hr/people"))
    )
    people = {u.email: u for u in db.scalars(select(User).where(User.organisation_id == org.id))}
    anna, bram, cees = (people[f"{n}@example.org"] for n in ("anna", "bram", "cees"))
    assert (anna.name, anna.role, anna.team_id, anna.is_active) == (
        "Anna Jansen",
        "worker",
        team.id,
        True,
    )
    assert (bram.role, bram.team_id) == ("supervisor", None)
    assert (cees.team_id, cees.is_active, cees.deactivated_at is not None) == (team.id, False, True)
    invited = db.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.to_address))
    assert list(invited) == ["anna@example.org", "bram@example.org"]
    body = db.scalars(select(OutboxMessage.body_text)).first()
    assert "https://vakbekwaam.test/password/reset/" in body and "Zorggroep Noord" in body
    assert count(db, PasswordResetToken) == 2
    [summary] = db.scalars(select(AuditEvent).where(AuditEvent.action == "people_imported"))
    assert (summary.actor_id, summary.detail) == (hr.id, "created=3 updated=0 unchanged=0")
    created = db.scalars(select(AuditEvent).where(AuditEvent.action == "person_created")).all()
    assert {e.subject_user_id for e in created} == {anna.id, bram.id, cees.id}


def test_an_invited_person_sets_a_password_through_the_mailed_link(app, db, org, hr_client):
    app.config["PUBLIC_BASE_URL"] = "https://vakbekwaam.test"
    confirm(hr_client, payload_of(upload(hr_client, b"email,name\nanna@example.org,Anna\n")))
    body = db.scalars(select(OutboxMessage.body_text)).one()
    path = re.search(r"https://vakbekwaam\.test(/password/reset/\S+)", body).group(1)

    newcomer = app.test_client()
    passphrase = "a long new passphrase"
    post_form(newcomer, path, {"password": passphrase, "confirm": passphrase})

    assert login(newcomer, "anna@example.org", passphrase).status_code == 302


def test_a_reimport_updates_by_email_and_deactivation_ends_sessions(app, db, org, team, hr_client):
    anna = make_user(db, org, email="anna@example.org", name="Anna Jansen")
    lead = make_user(db, org, email="bram@example.org", role=Role.SUPERVISOR, leads=team)
    browser = app.test_client()
    assert login(browser, anna.email, PASSWORD).status_code == 302
    text = (
        "email,name,role,team,active\n"
        "ANNA@example.org,Anna de Vries,worker,Wijkteam Oost,no\n"
        f"bram@example.org,{lead.name},worker,,yes\n"
    )

    checked = upload(hr_client, text.encode())
    assert "2 people will be changed" in checked.get_data(as_text=True)
    confirm(hr_client, payload_of(checked))

    db.expire_all()
    changed = db.get(User, anna.id)
    assert (changed.name, changed.team_id, changed.is_active) == ("Anna de Vries", team.id, False)
    assert count(db, User, User.organisation_id == org.id) == 3  # HR, Anna, Bram: no duplicates
    assert browser.get("/account").status_code == 302  # her session has ended
    assert count(db, TeamLead, TeamLead.user_id == lead.id) == 0  # a worker leads no team
    assert count(db, OutboxMessage) == 0  # nobody new, nobody invited
    details = set(
        db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "person_updated"))
    )
    assert details == {"fields=name,team_id,is_active", "fields=role"}

    # The same file again changes nothing.
    again = upload(hr_client, text.encode())
    assert "2 people stay as they are" in again.get_data(as_text=True)


def test_a_changed_or_foreign_payload_is_refused(app, db, org, hr_client):
    payload = payload_of(upload(hr_client, b"email,name\nanna@example.org,Anna\n"))
    admin = make_user(db, org, role=Role.ADMIN)
    admin_client = app.test_client()
    login(admin_client, admin.email, PASSWORD)
    before = snapshot(db)

    for client, sent in ((hr_client, payload[:-2] + "xx"), (admin_client, payload)):
        response = confirm(client, sent)
        assert response.status_code == 302 and response.location == "/hr/import"
    assert snapshot(db) == before


class SignedLongAgo(TimestampSigner):
    """Signs as if 61 minutes ago (itsdangerous reads the wall clock, not the app's)."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 61 * 60


def test_the_preview_expires_after_an_hour(db, org, hr_client):
    payload = payload_of(upload(hr_client, b"email,name\nanna@example.org,Anna\n"))
    key, salt = hr_client.application.secret_key, "hr-employee-import"
    content = URLSafeTimedSerializer(key, salt=salt).loads(payload)
    before = snapshot(db)

    old = URLSafeTimedSerializer(key, salt=salt, signer=SignedLongAgo).dumps(content)
    assert confirm(hr_client, old).location == "/hr/import"
    assert snapshot(db) == before


def test_a_team_deleted_after_the_preview_stops_the_import(db, org, team, hr_client):
    payload = payload_of(
        upload(hr_client, b"email,name,team\nanna@example.org,Anna,Wijkteam Oost\n")
    )
    db.delete(db.get(Team, team.id))
    db.commit()
    before = snapshot(db)

    response = confirm(hr_client, payload)

    assert response.status_code == 409
    assert "no team “Wijkteam Oost”" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_a_file_with_an_impossible_start_date_writes_nothing(db, org, hr_client):
    before = snapshot(db)
    data = (
        b"email;naam;in_dienst\n"
        b"anna@example.org;Anna;01-03-2024\n"
        b"bram@example.org;Bram;30-02-2024\n"
    )

    response = upload(hr_client, data)

    page = response.get_data(as_text=True)
    assert "The file has 1 problem. Nothing has been imported." in page
    why = "“30-02-2024” is not a start date: month 2 of 2024 has 29 days."
    assert f"<td>3</td><td>{why}</td>" in page
    assert 'name="payload"' not in page or not PAYLOAD_RE.search(page).group(1)
    assert snapshot(db) == before


def test_start_dates_are_imported_and_a_reimport_changes_keeps_or_clears_them(
    db, org, hr, hr_client
):
    cees = make_user(db, org, email="cees@example.org", name="Cees")
    text = (
        "email,name,start_date\n"
        "anna@example.org,Anna,01-03-2024\n"
        "cees@example.org,Cees,2019-09-01\n"
    )

    preview = upload(hr_client, text.encode())

    page = preview.get_data(as_text=True)
    assert "1 person will be added" in page and "<td>Mar 1, 2024</td>" in page
    assert re.search(r"<td>cees@example.org</td><td>start date</td>", page)
    confirm(hr_client, payload_of(preview))

    def dates() -> dict:
        db.rollback()
        db.expire_all()  # `cees` is in this session's identity map
        users = db.scalars(select(User).where(User.organisation_id == org.id))
        return {user.email: user.employment_started_on for user in users}

    assert dates() == {
        "anna@example.org": date(2024, 3, 1),
        "cees@example.org": date(2019, 9, 1),
        hr.email: None,
    }
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "person_updated"))
    assert (event.subject_user_id, event.detail) == (cees.id, "fields=employment_started_on")
    # Without the column the dates stay; an empty cell clears one.
    kept = upload(hr_client, b"email,name\nanna@example.org,Anna\ncees@example.org,Cees\n")
    assert "2 people stay as they are" in kept.get_data(as_text=True)
    cleared = upload(hr_client, b"email,name,in_dienst\nanna@example.org,Anna,\n")
    confirm(hr_client, payload_of(cleared))
    assert dates()["anna@example.org"] is None and dates()["cees@example.org"] == date(2019, 9, 1)


def test_an_address_taken_while_confirming_shows_the_preview_again(app, db, org, hr_client):
    payload = payload_of(
        upload(hr_client, b"email,name\nanna@example.org,Anna\nbram@example.org,Bram\n")
    )
    engine = app.extensions["db_engine"]
    users = User.__table__
    taken = []

    def a_colleague_imports_anna(_conn, _cursor, statement, *_args) -> None:
        # Right after the confirmation's last check (addresses used by other organisations),
        # before its insert, a colleague's import commits Anna on a connection of its own.
        if taken or "user_account" not in statement or "!=" not in statement:
            return
        taken.append(statement)
        with engine.connect() as other:
            other.execute(
                users.insert().values(
                    organisation_id=org.id,
                    email="anna@example.org",
                    name="Anna",
                    role="worker",
                    password_hash="x",
                    session_token="colleague",
                    is_active=True,
                    locale="nl",
                    created_at=datetime(2025, 3, 3, tzinfo=UTC),
                )
            )
            other.commit()

    event.listen(engine, "after_cursor_execute", a_colleague_imports_anna)
    try:
        response = confirm(hr_client, payload)
    finally:
        event.remove(engine, "after_cursor_execute", a_colleague_imports_anna)

    page = response.get_data(as_text=True)
    assert taken and response.status_code == 409
    [(category, message)] = flashes(response)
    assert category == "error" and message.startswith("Someone else changed some of these people")
    assert "Nothing has been imported. Check the preview below and confirm again." in message
    assert "1 person will be added" in page and "1 person stays as they are" in page
    assert count(db, User, User.email == "bram@example.org") == 0  # nothing of this import
    assert count(db, AuditEvent, AuditEvent.action == "people_imported") == 0
    again = confirm(hr_client, payload_of(response))  # the fresh preview can be confirmed
    assert again.status_code == 302
    assert count(db, User, User.email.in_(["anna@example.org", "bram@example.org"])) == 2


def test_an_upload_above_the_limit_is_refused(db, hr_client, monkeypatch):
    # A small limit keeps the test's request body in memory.
    monkeypatch.setattr(import_views, "MAX_BYTES", 1024)
    before = snapshot(db)

    for size in (2 * 1024, 100 * 1024):  # the file's own size; the request's length
        data = b"email,name\n" + b"anna@example.org,Anna\n" * (size // 22)
        assert upload(hr_client, data).status_code == 413
    assert snapshot(db) == before


def test_a_file_that_is_not_text_gets_a_clear_message(hr_client):
    response = upload(hr_client, b"PK\x03\x04 a spreadsheet", filename="people.xlsx")

    assert response.status_code == 200
    assert "not UTF-8 text" in response.get_data(as_text=True)


# --- apply: the caller's preview, and what changed since -----------------------------------


def apply_now(app, db, org, **given) -> employee_import.Outcome:
    with app.app_context():  # invitations render a mail template
        outcome = employee_import.apply(
            db, organisation=org, actor=None, now=CLOCK_START, base_url="https://v.test", **given
        )
    db.commit()  # the caller ends the unit of work
    return outcome


def test_apply_writes_a_preview_of_the_same_transaction_without_checking_again(
    app, db, org, team, count_queries
):
    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(GOOD).rows
    )

    with count_queries() as counter:
        outcome = apply_now(app, db, org, checked=checked)

    assert (outcome.created, outcome.invited) == (3, 2)
    assert not [s for s in counter.statements if TEAMS_READ_RE.search(s)], counter.statements
    assert count(db, User, User.organisation_id == org.id) == 3


def test_apply_checks_a_preview_of_an_earlier_transaction_again(app, db, org, team):
    text = "email,name,team\nanna@example.org,Anna,Wijkteam Oost\n"
    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(text).rows
    )
    assert checked.is_valid
    team.name = "Wijkteam West"  # the preview's team id now means another team: no key refuses it
    db.add(team)
    db.commit()
    before = snapshot(db)

    with pytest.raises(employee_import.ImportRejected) as rejected:
        apply_now(app, db, org, checked=checked)

    assert [(e.line, e.code) for e in rejected.value.errors] == [(2, "team_unknown")]
    assert snapshot(db) == before


def test_a_person_changed_after_the_check_stops_the_import(app, db, org):
    anna = make_user(db, org, email="anna@example.org", name="Anna Jansen")
    before = snapshot(db)
    text = "email,name\nanna@example.org,Anna de Vries\nbram@example.org,Bram\n"
    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(text).rows
    )
    assert [change.user_id for change in checked.update] == [anna.id]
    users = User.__table__
    with app.extensions["db_engine"].connect() as other:  # HR renames her in the meantime
        other.execute(update(users).where(users.c.id == anna.id).values(name="Anna Bakker"))
        other.commit()

    with pytest.raises(employee_import.ConcurrentChange):
        apply_now(app, db, org, checked=checked)

    assert snapshot(db) == before  # Bram is not added either
    assert db.scalar(select(User.name).where(User.id == anna.id)) == "Anna Bakker"
    again = apply_now(app, db, org, rows=checked.rows)  # checked afresh, then written
    assert (again.created, again.updated) == (1, 1)


BROKEN = "email,name,role\nanna@example.org,Anna,worker\nnot-an-address,Bram,worker\n"


def test_apply_refuses_a_preview_with_errors_of_the_file(app, db, org):
    before = snapshot(db)
    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(BROKEN)
    )
    assert [(e.line, e.code) for e in checked.errors] == [(3, "email_invalid")]

    with pytest.raises(employee_import.ImportRejected) as rejected:
        apply_now(app, db, org, checked=checked)

    assert [(e.line, e.code) for e in rejected.value.errors] == [(3, "email_invalid")]
    assert snapshot(db) == before  # Anna, whose line is fine, is not added either


def test_apply_keeps_the_errors_of_the_file_when_it_checks_a_preview_again(app, db, org):
    before = snapshot(db)
    checked = employee_import.preview(
        db, organisation_id=org.id, rows=employee_import.parse(BROKEN)
    )
    db.commit()  # a preview shown in an earlier request: its rows are checked again

    with pytest.raises(employee_import.ImportRejected):
        apply_now(app, db, org, checked=checked)
    assert snapshot(db) == before
    # Its rows alone, checked afresh, keep the file's errors too.
    checked.errors = []
    with pytest.raises(employee_import.ImportRejected) as rejected:
        apply_now(app, db, org, checked=checked)
    assert [(e.line, e.code) for e in rejected.value.errors] == [(3, "email_invalid")]
    assert snapshot(db) == before


def test_an_empty_role_makes_a_worker_and_keeps_the_role_of_others(app, db, org):
    lead = make_user(db, org, email="lea@example.org", name="Lea", role=Role.SUPERVISOR)
    text = "email,name,role\nlea@example.org,Lea Lead,\nnew@example.org,Nieuw, \n"
    parsed = employee_import.parse(text)
    assert parsed.errors == [] and [r.role for r in parsed.rows] == [None, None]

    outcome = apply_now(app, db, org, rows=parsed.rows)

    assert (outcome.created, outcome.updated) == (1, 1)
    db.expire_all()
    assert (db.get(User, lead.id).name, db.get(User, lead.id).role) == ("Lea Lead", "supervisor")
    assert db.scalar(select(User.role).where(User.email == "new@example.org")) == "worker"


def test_an_invitation_shows_a_name_with_braces_as_written(app, db, org):
    apply_now(
        app, db, org, rows=employee_import.parse("email,name\na@example.org,A {link} }{\n").rows
    )

    body = db.scalars(select(OutboxMessage.body_text)).one()
    assert "A {link} }{" in body and body.count("https://v.test/password/reset/") == 1


def test_a_reimport_deactivates_reactivates_and_keeps_what_it_does_not_change(app, db, org):
    long_ago = datetime(2024, 1, 1, tzinfo=UTC)
    people = {}
    for name, is_active in (("gone", False), ("back", False), ("leaving", True)):
        people[name] = make_user(
            db, org, email=f"{name}@example.org", name=name.title(), is_active=is_active
        )
        people[name].deactivated_at = None if is_active else long_ago
        db.add(people[name])
    accounts.create_reset_token(db, user=people["leaving"], now=long_ago, ttl=INVITATION_TTL)
    db.commit()
    tokens = {name: person.session_token for name, person in people.items()}
    text = (
        "email,name,active\n"
        "gone@example.org,Gone Again,no\n"  # renamed, stays inactive
        "back@example.org,Back,yes\n"
        "leaving@example.org,Leaving,no\n"
    )

    outcome = apply_now(app, db, org, rows=employee_import.parse(text).rows)

    assert (outcome.created, outcome.updated) == (0, 3)
    db.expire_all()
    gone, back, leaving = (db.get(User, people[n].id) for n in ("gone", "back", "leaving"))
    assert (gone.name, gone.is_active, gone.deactivated_at) == ("Gone Again", False, long_ago)
    assert (back.is_active, back.deactivated_at) == (True, None)
    assert (leaving.is_active, leaving.deactivated_at) == (False, CLOCK_START)
    assert (gone.session_token, back.session_token) == (tokens["gone"], tokens["back"])
    assert leaving.session_token != tokens["leaving"]  # every session of hers has ended
    [link] = db.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == leaving.id))
    assert link.used_at == CLOCK_START  # her open reset link is void


# --- set-based --------------------------------------------------------------------------------


def test_an_import_sends_as_many_statements_for_200_people_as_for_10(
    app, db, org, team, hr_client, count_queries
):
    def csv(renamed: range, new: range, suffix: str) -> bytes:
        lines = [
            f"p{n}@example.org,Persoon {n} {suffix},worker,Wijkteam Oost,{n % 2}"
            for n in (*renamed, *new)
        ]
        return ("email,name,role,team,active\n" + "\n".join(lines)).encode()

    def statements(data: bytes) -> int:
        payload, token = payload_of(upload(hr_client, data)), csrf_token(hr_client, "/hr/import")
        with count_queries() as counter:
            response = hr_client.post(
                "/hr/import/confirm", data={"payload": payload, "csrf_token": token}
            )
        assert response.status_code == 302
        return counter.count

    statements(csv(range(0), range(400), "a"))
    # Each import changes people (names; some deactivated, some reactivated) and adds new ones.
    small = statements(csv(range(10), range(400, 410), "b"))
    large = statements(csv(range(200), range(410, 610), "c"))

    assert count(db, User, User.organisation_id == org.id) == 611
    assert count(db, User, User.name.like("% c")) == 400
    assert small == large, (small, large)


# --- the command line -------------------------------------------------------------------------


def test_cli_with_a_broken_file_prints_the_lines_exits_1_and_writes_nothing(app, db, org, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,role\nanna@example.org,Anna,worker\nbram,Bram,worker\n"
        "anna@example.org,Anna,boss\n",
        encoding="utf-8",
    )
    before = snapshot(db)

    result = app.test_cli_runner().invoke(
        args=["import-employees", str(path), "--organisation", str(org.id)]
    )

    assert result.exit_code == 1
    assert "people.csv, line 3: “bram” is not a valid e-mail address." in result.stderr
    assert "people.csv, line 4:" in result.stderr
    assert "nothing was imported" in result.stderr
    assert snapshot(db) == before


def test_cli_dry_run_counts_and_a_real_run_imports(app, db, org, team, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(("\ufeff" + GOOD.replace(",", ";")).encode("utf-8"))
    runner = app.test_cli_runner()
    before = snapshot(db)

    dry = runner.invoke(
        args=["import-employees", str(path), "--organisation", str(org.id), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "3 to add, 0 to change, 0 unchanged" in dry.output
    assert snapshot(db) == before

    real = runner.invoke(args=["import-employees", str(path), "--organisation", str(org.id)])
    assert real.exit_code == 0, real.output
    assert "3 added (2 invited by e-mail), 0 changed, 0 unchanged" in real.output
    assert count(db, User, User.organisation_id == org.id) == 3
    [summary] = db.scalars(select(AuditEvent).where(AuditEvent.action == "people_imported"))
    assert summary.actor_id is None and summary.organisation_id == org.id


def test_cli_checks_the_file_against_the_database_once(app, db, org, team, tmp_path, count_queries):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")

    with count_queries() as counter:
        result = app.test_cli_runner().invoke(
            args=["import-employees", str(path), "--organisation", str(org.id)]
        )

    assert result.exit_code == 0, result.output
    assert len([s for s in counter.statements if TEAMS_READ_RE.search(s)]) == 1


def test_cli_refuses_an_unknown_organisation(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")

    result = app.test_cli_runner().invoke(
        args=["import-employees", str(path), "--organisation", "999"]
    )

    assert result.exit_code == 1
    assert "no organisation with id 999" in result.output


def test_every_column_is_documented_in_the_readme_and_on_the_upload_page(hr_client):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Employee import (CSV)")[1].split("\n## ")[0]
    page = hr_client.get("/hr/import").get_data(as_text=True)
    for column in employee_import.COLUMNS:
        assert f"| `{column}`" in section and f"<code>{column}</code>" in page, column
    assert "`in_dienst`" in section and "DD-MM-YYYY" in section and "DD-MM-YYYY" in page
