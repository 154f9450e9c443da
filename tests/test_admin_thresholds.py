"""Admins set their organisation's thresholds per norm; workers' progress follows; history kept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portfolio.models import AuditEvent, Role, ThresholdOverride
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_dashboard import text_of as _text
from tests.test_norm_progress import REGISTERPLEIN, SKJ, add_entry, register

NOW = datetime(2026, 7, 1, 10, tzinfo=UTC)
EDIT_RP = f"/admin/thresholds/{REGISTERPLEIN}"
EDIT_SKJ = f"/admin/thresholds/{SKJ}"
# Every Registerplein threshold, set so that 8 accredited hours meet the norm.
RP_NUMBERS = {
    "geaccrediteerd-min": "8",
    "reflectie-min": "0",
    "overig-max": "20",
    "total-min": "8",
    "work_hours-min": "0",
}


def _person(app, db, org, role: Role, name: str):
    user = make_user(db, org, role=role, name=name, team=make_team(db, org))
    user.locale = "en"
    db.add(user)
    db.commit()
    client = app.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return user, client


@pytest.fixture
def world(app, db):
    """An admin and a worker of one organisation, each with a logged-in client, on 1 July 2026."""
    app.config["CLOCK"] = lambda: NOW
    org = make_organisation(db)
    admin, admin_client = _person(app, db, org, Role.ADMIN, "Ada Admin")
    worker, worker_client = _person(app, db, org, Role.WORKER, "Wim Werker")
    return {
        "org": org,
        "admin": admin,
        "admin_client": admin_client,
        "worker": worker,
        "worker_client": worker_client,
    }


def _dashboard(world) -> str:
    response = world["worker_client"].get("/portfolio/")
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def _overrides(db, org) -> list[ThresholdOverride]:
    db.expire_all()
    return db.scalars(
        select(ThresholdOverride)
        .where(ThresholdOverride.organisation_id == org.id)
        .order_by(ThresholdOverride.id)
    ).all()


def test_an_override_makes_unconfirmed_thresholds_count_on_the_workers_dashboard(db, world):
    register(db, world["worker"], REGISTERPLEIN, on=date(2024, 1, 1))
    add_entry(
        db,
        world["worker"],
        "training",
        date(2025, 3, 1),
        "8",
        accreditations=[{"register": "registerplein", "id": "RP-1"}],
    )
    before = _dashboard(world)
    assert "te verifiëren" in before and "no date can be forecast" in before

    response = post_form(world["admin_client"], EDIT_RP, {**RP_NUMBERS, "note": "Brief RP"})

    assert response.status_code == 302
    after = _dashboard(world)
    assert "te verifiëren" not in after
    assert "You meet the norm." in after


def test_an_override_changes_the_required_number_and_the_status(db, world):
    register(db, world["worker"], SKJ, on=date(2024, 1, 1))
    add_entry(
        db,
        world["worker"],
        "training",
        date(2025, 3, 1),
        "12",
        accreditations=[{"register": "skj", "id": "SKJ-1"}],
    )
    before = _dashboard(world)
    assert "12 / 60" in before
    assert re.search(r"Geaccrediteerde scholing 12 60 [\d.,]+ not yet Reflectie", before)

    post_form(world["admin_client"], EDIT_SKJ, {"scholing-min": "10"})

    after = _dashboard(world)
    assert "12 / 10" in after and "12 / 60" not in after
    # SKJ confirmed 60: the organisation's 10 is marked as not the register's norm.
    assert re.search(
        r"Geaccrediteerde scholing afwijkend van de registernorm 12 10 [\d.,]+ met Reflectie",
        after,
    )


def test_every_change_is_kept_with_who_when_what_and_why(db, world):
    admin_client = world["admin_client"]
    post_form(admin_client, EDIT_SKJ, {"scholing-min": "40", "note": "Brief SKJ maart"})
    post_form(admin_client, EDIT_SKJ, {"scholing-min": "50", "reflectie-min": ""})
    post_form(admin_client, EDIT_SKJ, {"scholing-min": "", "note": "Terug naar het normbestand"})

    rows = _overrides(db, world["org"])
    assert [row.thresholds for row in rows] == [
        {"scholing": {"min": 40}},
        {"scholing": {"min": 50}},
        {},
    ]
    assert {row.changed_by_id for row in rows} == {world["admin"].id}
    page = _text(admin_client.get("/admin/thresholds").get_data(as_text=True))
    skj = page[page.index("SKJ — Jeugd- en gezinsprofessional") :]
    skj = skj[: skj.index("SKJ — Jeugdzorgwerker")]
    assert "Ada Admin" in skj and "Brief SKJ maart" in skj and "Terug naar het normbestand" in skj
    assert "Geaccrediteerde scholing: minimum (points) : norm file → 40" in skj
    assert "Geaccrediteerde scholing: minimum (points) : 40 → 50" in skj
    assert "Geaccrediteerde scholing: minimum (points) : 50 → norm file" in skj
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "thresholds_changed")).all()
    assert len(events) == 3 and "scholing.min=40" in events[0].detail


def test_saving_the_numbers_in_force_adds_no_row(db, world):
    post_form(world["admin_client"], EDIT_SKJ, {"scholing-min": "40"})
    response = post_form(
        world["admin_client"], EDIT_SKJ, {"scholing-min": "40,0"}, follow_redirects=True
    )
    assert "Nothing changed" in response.get_data(as_text=True)
    assert len(_overrides(db, world["org"])) == 1


def test_the_overview_shows_the_file_the_override_and_te_verifieren(db, world):
    post_form(world["admin_client"], EDIT_RP, {"geaccrediteerd-min": "12,5"})
    assert _overrides(db, world["org"])[0].thresholds == {"geaccrediteerd": {"min": 12.5}}

    page = _text(world["admin_client"].get("/admin/thresholds").get_data(as_text=True))
    rp = page[page.index("Registerplein — Register Sociaal Werkers") :]
    rp = rp[: rp.index("SKJ —")]
    assert (
        "Geaccrediteerde deskundigheidsbevordering: minimum (points) te verifiëren 12.5 12.5" in rp
    )
    assert "Reflectie: minimum (points) te verifiëren — te verifiëren" in rp
    skj = page[page.index("SKJ — Jeugd- en gezinsprofessional") :]
    assert "Geaccrediteerde scholing: minimum (points) 60 confirmed — 60" in skj


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Enter a number of 0 or more."),
        ("veertig", "Enter a number, for example 1.5."),
        ("99999", "Enter 1,000 or less."),
        # Dutch grouping: twelve thousand, not plausible; nothing else fits either.
        ("12.345", "Enter 1,000 or less."),
        ("12,345", "Use at most 2 decimals, for example 12.35."),
        # Both readings fit a threshold of at most 1,000: asked, never guessed.
        ("1,000", "“1,000” can be read in two ways. Did you mean 1 or 1000?"),
        ("1.500", "“1.500” is more than 1,000, which is not plausible here. Did you mean 1.5?"),
    ],
)
def test_invalid_numbers_are_refused_with_a_clear_message_and_kept(db, world, typed, message):
    response = post_form(
        world["admin_client"], EDIT_RP, {"reflectie-min": typed, "total-min": "100", "note": "typo"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html and 'value="100"' in html and "typo" in html
    assert 'aria-invalid="true"' in html
    assert _overrides(db, world["org"]) == []


def test_work_hours_have_their_own_bound(db, world):
    response = post_form(world["admin_client"], EDIT_SKJ, {"work_hours-min": "12000"})
    assert "Enter 10,400 or less" in response.get_data(as_text=True)
    post_form(world["admin_client"], EDIT_SKJ, {"work_hours-min": "3.000"})  # three thousand
    assert _overrides(db, world["org"])[0].thresholds == {"work_hours": {"min": 3000}}


def test_the_form_shows_the_current_override_and_the_file_number(db, world):
    post_form(world["admin_client"], EDIT_SKJ, {"reflectie-min": "45"})
    html = world["admin_client"].get(EDIT_SKJ).get_data(as_text=True)
    assert 'name="reflectie-min" type="text" value="45"' in html
    assert "Norm file: 60." in html
    rp = world["admin_client"].get(EDIT_RP).get_data(as_text=True)
    assert "Norm file: te verifiëren (no confirmed number)." in rp
    assert world["admin_client"].get("/admin/thresholds/no-such-norm").status_code == 404


def test_another_organisation_neither_sees_nor_changes_these_thresholds(app, db, world):
    register(db, world["worker"], SKJ, on=date(2024, 1, 1))
    post_form(world["admin_client"], EDIT_SKJ, {"scholing-min": "40", "note": "Alleen voor ons"})
    other_org = make_organisation(db)
    _other_admin, other_client = _person(app, db, other_org, Role.ADMIN, "Otto Ander")

    page = other_client.get("/admin/thresholds").get_data(as_text=True)
    assert "Alleen voor ons" not in page and "Ada Admin" not in page
    assert 'value="40"' not in other_client.get(EDIT_SKJ).get_data(as_text=True)
    post_form(other_client, EDIT_SKJ, {"scholing-min": "5"})

    # 40 is not SKJ's confirmed 60: marked as not the register's norm.
    assert "Geaccrediteerde scholing afwijkend van de registernorm 0 40 " in _dashboard(world)
    count = db.scalar(select(func.count()).select_from(ThresholdOverride))
    assert count == 2
    assert [row.thresholds for row in _overrides(db, world["org"])] == [{"scholing": {"min": 40}}]
