"""Erasure from the pages: the worker erases their own portfolio (download first, a typed
confirmation, logged out, no log-in again); HR erases a departed worker's, never an active one;
the admin sets the retention period."""

from __future__ import annotations

from sqlalchemy import func, select

from portfolio.models import AuditEvent, Entry, OrganisationSettings, Role, User
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_erasure import _entry

SECRET = "Mijn geheime reflectie ZQXV"


def _world(db):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    _entry(db, worker, title=SECRET, body=SECRET)
    db.commit()
    return org, worker


def _entries(db, person) -> int:
    return db.scalar(select(func.count()).where(Entry.owner_id == person.id))


def test_the_worker_is_offered_the_download_first_and_confirms_by_typing(client, db):
    _org, worker = _world(db)
    login(client, worker.email, PASSWORD)
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/portfolio/erase"' in account
    page = client.get("/portfolio/erase").get_data(as_text=True)
    download = page.index('action="/portfolio/my-data.zip"')
    assert download < page.index('name="confirm_word"')  # the download comes first
    assert "1 activiteit" in page

    response = post_form(client, "/portfolio/erase", {"confirm_word": "ja"})
    assert response.status_code == 200 and "Typ het woord" in response.get_data(as_text=True)
    assert _entries(db, worker) == 1  # a wrong word erases nothing

    response = post_form(client, "/portfolio/erase", {"confirm_word": " wissen "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/erased")
    assert "Je portfolio is gewist" in client.get("/erased").get_data(as_text=True)
    assert client.get("/account").status_code == 302  # logged out
    assert _entries(db, worker) == 0
    refused = login(client, worker.email, PASSWORD)
    assert refused.status_code == 200  # the log-in form again: the account is gone
    assert client.get("/account").status_code == 302
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "portfolio_erased")).one()
    assert event.actor_id == worker.id and "by=self" in event.detail
    assert event.ip_address is None


def test_a_supervisor_cannot_erase_their_portfolio_themselves(client, db):
    org = make_organisation(db)
    boss = make_user(db, org, role=Role.SUPERVISOR)
    login(client, boss.email, PASSWORD)
    assert client.get("/portfolio/erase").status_code == 403
    assert 'href="/portfolio/erase"' not in client.get("/account").get_data(as_text=True)


def test_hr_erases_a_departed_worker_never_an_active_one_and_sees_no_content(client, db):
    org, worker = _world(db)
    hr = make_user(db, org, role=Role.HR)
    login(client, hr.email, PASSWORD)
    path = f"/hr/people/{worker.id}/erase"

    page = client.get(path).get_data(as_text=True)
    assert "nog actief" in page and 'name="confirmed"' not in page
    response = post_form(client, path, {"confirmed": "y"}, token_from=f"/hr/people/{worker.id}")
    assert response.status_code == 200 and _entries(db, worker) == 1

    post_form(client, f"/hr/people/{worker.id}/deactivate", {})
    assert "Portfolio wissen" in client.get(f"/hr/people/{worker.id}").get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    assert "1 activiteit" in page and SECRET not in page
    assert post_form(client, path, {}).status_code == 200  # the box is not ticked
    assert _entries(db, worker) == 1
    response = post_form(client, path, {"confirmed": "y"})
    assert response.status_code == 302
    assert _entries(db, worker) == 0
    db.expire_all()
    tombstone = db.get(User, worker.id)
    assert tombstone.name == "Verwijderde medewerker" and tombstone.erased_at is not None
    person_page = client.get(f"/hr/people/{worker.id}").get_data(as_text=True)
    assert "portfolio gewist op" in person_page and "Opnieuw activeren" not in person_page
    # A tombstone cannot be changed, reactivated or erased again.
    assert client.get(path).status_code == 403
    assert client.get(f"/hr/people/{worker.id}/edit").status_code == 403
    reactivate = post_form(
        client, f"/hr/people/{worker.id}/reactivate", {}, token_from=f"/hr/people/{worker.id}"
    )
    assert reactivate.status_code == 403
    db.expire_all()
    assert not db.get(User, worker.id).is_active


def test_hr_cannot_erase_an_administrators_portfolio(client, db):
    org = make_organisation(db)
    hr = make_user(db, org, role=Role.HR)
    admin = make_user(db, org, role=Role.ADMIN, is_active=False)
    login(client, hr.email, PASSWORD)
    assert client.get(f"/hr/people/{admin.id}/erase").status_code == 403


def test_the_admin_sets_the_retention_period_within_bounds(client, db):
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    login(client, admin.email, PASSWORD)
    assert 'value="24"' in client.get("/admin/settings").get_data(as_text=True)
    base = {"reminder_offsets": "12m", "signoff_digest_days": "7"}
    for bad in ("0", "121", "twee"):
        response = post_form(client, "/admin/settings", {**base, "retention_months": bad})
        assert response.status_code == 200, bad
        assert db.get(OrganisationSettings, org.id) is None
    response = post_form(client, "/admin/settings", {**base, "retention_months": "36"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(OrganisationSettings, org.id).retention_months == 36
    assert 'value="36"' in client.get("/admin/settings").get_data(as_text=True)
