"""Drafts saved while typing: private to their owner, gone once the form is saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portfolio.models import Draft, FormTokenUse, KeptForm, Role
from tests.conftest import CLOCK_START, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

KEY = "/portfolio/entries/new/reflection"
META_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def people(app, db, clock):
    org = make_organisation(db)
    team = make_team(db, org)
    worker = make_user(db, org, team=team)
    supervisor = make_user(db, org, role=Role.SUPERVISOR, leads=team)
    hr = make_user(db, org, role=Role.HR)
    clients = {}
    for name, user in (("worker", worker), ("supervisor", supervisor), ("hr", hr)):
        clients[name] = app.test_client()
        login(clients[name], user.email, PASSWORD)
    return clients


def header(client) -> dict:
    token = META_RE.search(client.get("/catalogue").get_data(as_text=True)).group(1)
    return {"X-CSRFToken": token}


def save(client, fields: dict, key: str = KEY):
    return client.post("/drafts/save", json={"key": key, "fields": fields}, headers=header(client))


def test_a_draft_is_read_back_by_its_owner_only(people):
    worker = people["worker"]
    assert save(worker, {"title": ["Huisbezoek"], "body": ["Wat ik zag."]}).status_code == 200
    mine = worker.get(f"/drafts/load?key={KEY}").get_json()
    assert mine["fields"]["body"] == ["Wat ik zag."]
    for other in ("supervisor", "hr"):
        theirs = people[other].get(f"/drafts/load?key={KEY}").get_json()
        assert theirs["fields"] is None


def test_a_draft_never_stores_the_csrf_token_or_a_password(people, db):
    save(people["worker"], {"csrf_token": ["x"], "password": ["geheim"], "body": ["Tekst"]})
    draft = db.execute(select(Draft)).scalar_one()
    assert draft.fields == {"body": ["Tekst"]}


def test_saving_a_draft_needs_the_csrf_token(people):
    response = people["worker"].post("/drafts/save", json={"key": KEY, "fields": {}})
    assert response.status_code == 400


def test_a_draft_is_replaced_not_added_and_discarded_on_request(people, db):
    worker = people["worker"]
    save(worker, {"body": ["Een"]})
    save(worker, {"body": ["Twee"]})
    db.expire_all()
    assert [d.fields["body"] for d in db.scalars(select(Draft))] == [["Twee"]]
    worker.post(f"/drafts/discard?key={KEY}", headers=header(worker))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Draft)) == 0


def test_saving_the_form_forgets_its_draft(people, db):
    worker = people["worker"]
    path = "/portfolio/entries/new/other"
    save(worker, {"body": ["Half af"]}, key=path)
    html = worker.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = worker.post(
        path,
        data={
            "csrf_token": csrf,
            "title": "Vakliteratuur gelezen",
            "occurred_on": "2025-02-01",
            "hours": "1",
            "activity_type": "vakliteratuur",
            "body": "Af.",
            "draft_key": path,
        },
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Draft)) == 0
    # The next page tells drafts.js to forget the browser's copy too.
    assert f'data-draft-saved="{path}"' in worker.get("/portfolio/").get_data(as_text=True)


def test_the_daily_sweep_forgets_expired_kept_forms_and_old_form_tokens(app, db, people):
    from portfolio.models import User
    from portfolio.scheduler import run_reminder_sweep

    owner = db.execute(select(User).order_by(User.id)).scalars().first()
    db.add(
        KeptForm(
            token_hash="a" * 64,
            user_id=owner.id,
            path="/x",
            fields={},
            created_at=CLOCK_START,
            expires_at=CLOCK_START + timedelta(hours=24),
        )
    )
    db.add(FormTokenUse(token_hash="b" * 64, user_id=owner.id, used_at=CLOCK_START))
    db.commit()
    run_reminder_sweep(app, CLOCK_START + timedelta(hours=12))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(KeptForm)) == 1
    assert db.scalar(select(func.count()).select_from(FormTokenUse)) == 1
    run_reminder_sweep(app, CLOCK_START + timedelta(days=3))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(KeptForm)) == 0
    assert db.scalar(select(func.count()).select_from(FormTokenUse)) == 0
