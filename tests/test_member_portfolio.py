"""A supervisor's drill-down: only shared or submitted entries of members they lead, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.models import AuditEvent, Entry, Organisation, Registration, Role, Team
from portfolio.services.overviews import member_portfolio
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user


@pytest.fixture
def team(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team, name="Wim Werker")
    lead = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    other_lead = make_user(db, org, role=Role.SUPERVISOR, leads=make_team(db, org))
    return worker, lead, other_lead


def _entry(db, owner, title, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title=title,
        hours=Decimal(1),
        catalogue_version="t",
        **{
            "kind": "reflection",
            "body": f"tekst van {title}",
            "occurred_on": date(2026, 9, 1),
            **fields,
        },
    )
    db.add(entry)
    db.commit()
    return entry


def test_the_lead_sees_only_shared_and_submitted_entries_and_each_look_is_audited(client, db, team):
    worker, lead, _other = team
    shared = _entry(db, worker, "Gedeeld", is_shared=True)
    submitted = _entry(db, worker, "Ingediend", kind="peer_review", status="submitted")
    private = _entry(db, worker, "Privé")
    # Returned: the worker's work in progress again, unless they share it.
    returned = _entry(db, worker, "Teruggestuurd", kind="peer_review", status="returned")
    _entry(db, worker, "Terug en gedeeld", kind="peer_review", status="returned", is_shared=True)
    login(client, lead.email, PASSWORD)
    page = client.get(f"/team/members/{worker.id}").get_data(as_text=True)
    assert "Gedeeld" in page and "Ingediend" in page and "Terug en gedeeld" in page
    assert "Privé" not in page and "Teruggestuurd" not in page
    assert client.get(f"/team/members/{worker.id}/entries/{returned.id}").status_code == 404
    read = client.get(f"/team/members/{worker.id}/entries/{shared.id}")
    assert read.status_code == 200 and "tekst van Gedeeld" in read.get_data(as_text=True)
    assert client.get(f"/team/members/{worker.id}/entries/{submitted.id}").status_code == 200
    assert client.get(f"/team/members/{worker.id}/entries/{private.id}").status_code == 404
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.actor_id == lead.id, AuditEvent.action != "login")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["view_member_portfolio", "view_entry", "view_entry"]  # not the 404s
    assert all("tekst" not in (e.detail or "") for e in db.scalars(select(AuditEvent)))


def test_withdrawn_sharing_hides_the_entry_again(client, db, team):
    worker, lead, _other = team
    entry = _entry(db, worker, "Even gedeeld", is_shared=True)
    login(client, lead.email, PASSWORD)
    assert client.get(f"/team/members/{worker.id}/entries/{entry.id}").status_code == 200
    entry.is_shared = False
    db.add(entry)
    db.commit()
    assert client.get(f"/team/members/{worker.id}/entries/{entry.id}").status_code == 404
    assert "Even gedeeld" not in client.get(f"/team/members/{worker.id}").get_data(as_text=True)


def test_another_teams_supervisor_and_a_wrong_member_id_get_404(client, db, team):
    worker, lead, other_lead = team
    entry = _entry(db, worker, "Gedeeld", is_shared=True)
    login(client, other_lead.email, PASSWORD)
    assert client.get(f"/team/members/{worker.id}").status_code == 404
    assert client.get(f"/team/members/{worker.id}/entries/{entry.id}").status_code == 404
    client.post("/logout", data={})
    second = make_user(
        db, db.get(Organisation, worker.organisation_id), team=db.get(Team, worker.team_id)
    )
    login(client, lead.email, PASSWORD)
    # The entry exists and is shared, but not by this member.
    assert client.get(f"/team/members/{second.id}/entries/{entry.id}").status_code == 404


def test_the_team_page_links_to_the_drill_down(client, db, team):
    worker, lead, _other = team
    login(client, lead.email, PASSWORD)
    assert f"/team/members/{worker.id}" in client.get("/team/").get_data(as_text=True)


def test_the_member_page_lists_its_entries_and_their_total_in_one_statement(
    app, db, team, count_queries
):
    worker, _lead, _other = team
    for day in range(1, 6):
        _entry(db, worker, f"Gedeeld {day}", is_shared=True, occurred_on=date(2026, 9, day))
    _entry(db, worker, "Privé")
    with count_queries() as counter:
        page = member_portfolio.visible_entries(db, member=worker, page=2, per_page=2)
    assert counter.count == 1, counter.statements  # the rows and the total beside them
    assert [e.title for e in page.items] == ["Gedeeld 3", "Gedeeld 2"]
    assert (page.number, page.total, page.pages) == (2, 5, 3)
    past_the_end = member_portfolio.visible_entries(db, member=worker, page=9, per_page=2)
    assert [e.title for e in past_the_end.items] == ["Gedeeld 1"]
    assert (past_the_end.number, past_the_end.total) == (3, 5)


def test_the_member_page_reads_registration_numbers_with_the_stored_standings(
    app, db, team, count_queries
):
    worker, _lead, _other = team
    db.add(
        Registration(
            organisation_id=worker.organisation_id,
            owner_id=worker.id,
            norm_id="skj-jeugd-gezinsprofessional",
            registration_number="SKJ-123",
            registered_on=date(2023, 1, 1),
        )
    )
    db.commit()
    today = date(2026, 9, 1)
    computed = member_portfolio.standings(db, member=worker, today=today)  # stored now
    db.commit()
    with count_queries() as counter:
        stored = member_portfolio.standings(db, member=worker, today=today)
    assert counter.count == 1, counter.statements
    assert stored == computed
    ((number, _title, standing),) = stored
    assert number == "SKJ-123" and standing


def test_the_member_page_is_kept_until_the_member_changes_but_each_visit_is_audited(
    client, db, team, count_queries
):
    """The standings and entries are kept per member and portfolio revision; the access check
    and the audit row are per visit."""
    worker, lead, _other = team
    _entry(db, worker, "Eerst gedeeld", is_shared=True)
    login(client, lead.email, PASSWORD)
    assert "Eerst gedeeld" in client.get(f"/team/members/{worker.id}").get_data(as_text=True)
    with count_queries() as counter:
        again = client.get(f"/team/members/{worker.id}").get_data(as_text=True)
    assert "Eerst gedeeld" in again
    assert not [s for s in counter.statements if "FROM entry" in s or "FROM registration" in s]
    _entry(db, worker, "Later gedeeld", is_shared=True)  # straight in the database
    later = client.get(f"/team/members/{worker.id}").get_data(as_text=True)
    assert "Eerst gedeeld" in later and "Later gedeeld" in later
    views = db.scalars(
        select(AuditEvent.id).where(
            AuditEvent.actor_id == lead.id, AuditEvent.action == "view_member_portfolio"
        )
    ).all()
    assert len(views) == 3
