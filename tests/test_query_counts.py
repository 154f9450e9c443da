"""P2 (QUALITY.md): a page sends as many SQL statements with 1,000 rows as with 10, and ≤ 10.

Every GET route a logged-in role can open is taken from `app.url_map` and fetched by each role;
pages answering 200 are counted. Rows are added set-based (Core inserts of lists of dicts), of
every kind a page lists. When a new page lists a new kind of row, add a maker to ROW_MAKERS.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from portfolio.models import (
    AuditEvent,
    Entry,
    EntryTag,
    FeedbackRequest,
    Notification,
    OutboxMessage,
    Registration,
    Role,
    User,
)
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

MAX_STATEMENTS = 10
# Bulk exports are not pages: they read 500 workers per batch so memory stays flat, and so send
# one batch's statements per 500 workers. tests/test_hr_exports.py counts them (5 vs 50 workers).
BULK_EXPORTS = {"hr.evaluations_csv", "hr.evaluations_xlsx", "hr.evaluations_pdf"}
COLUMN_LIST_RE = re.compile(r"SELECT (.+?) FROM")
SMALL, LARGE = 10, 1000
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
KIND_FIELDS = ("form", "provider", "accreditation_id", "body", "activity_type")
ENTRY_KINDS = (
    {"kind": "peer_review", "title": "Intervisie", "form": "intervisie"},
    {"kind": "training", "title": "Scholing", "provider": "Opleider", "accreditation_id": "SKJ1"},
    {"kind": "reflection", "title": "Reflectie", "body": "Wat ik leerde."},
    {"kind": "other", "title": "Vakliteratuur", "activity_type": "vakliteratuur"},
)


@pytest.fixture
def world(app, db):
    """A worker in a team led by a supervisor, HR and an admin of one organisation, logged in."""
    org = make_organisation(db)
    team = make_team(db, org)
    users = {
        Role.WORKER: make_user(db, org, team=team),
        Role.SUPERVISOR: make_user(db, org, role=Role.SUPERVISOR, leads=team),
        Role.HR: make_user(db, org, role=Role.HR),
        Role.ADMIN: make_user(db, org, role=Role.ADMIN),
    }
    worker = users[Role.WORKER]
    registration = {
        "organisation_id": org.id,
        "owner_id": worker.id,
        "norm_id": "skj-jeugd-gezinsprofessional",
        "registration_number": "R1",
        "registered_on": date(2023, 3, 1),
        "created_at": NOW,
    }
    db.execute(Registration.__table__.insert(), [registration])
    db.commit()
    clients = {}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert login(clients[role], user.email, PASSWORD).status_code == 302
    return {"org": org, "team": team, "users": users, "clients": clients}


# --- rows, one maker per kind: (world, n) -> a dict for a Core insert -------------------------


def _person(w, n):
    return {
        "organisation_id": w["org"].id,
        "team_id": w["team"].id,
        "email": f"bulk{n}@example.org",
        "name": f"Persoon {n:04d}",
        "role": Role.WORKER.value,
        "password_hash": "not-a-hash",
        "session_token": f"{n:032x}",
        "is_active": n % 7 != 0,
        "locale": "nl",
        "created_at": NOW,
    }


def _audit_event(w, n):
    return {
        "organisation_id": w["org"].id,
        "actor_id": w["users"][Role.HR].id,
        "action": "view_person",
        "subject_user_id": w["users"][Role.WORKER].id,
        "subject_type": "user",
        "at": NOW - timedelta(minutes=n),
    }


def _notifications(w, n):
    return [
        {
            "organisation_id": w["org"].id,
            "user_id": user.id,
            "kind": "signed",
            "title": f"Melding {n}",
            "body": "Tekst",
            "link": "/",
            "created_at": NOW,
            "read_at": None if n % 2 else NOW,
        }
        for user in w["users"].values()
    ]


def _outbox_message(w, n):
    return {
        "organisation_id": w["org"].id,
        "to_address": f"bulk{n}@example.org",
        "subject": f"Bericht {n}",
        "body_text": "Tekst",
        "status": ("queued", "sent", "failed")[n % 3],
        "attempts": 0,
        "created_at": NOW,
        "next_attempt_at": NOW + timedelta(days=1),
    }


def _feedback_requests(w, n):
    """One the worker asked of the supervisor (every other one answered), one asked of them."""
    worker, lead = w["users"][Role.WORKER], w["users"][Role.SUPERVISOR]
    common = {
        "organisation_id": w["org"].id,
        "competency_codes": [f"WMO{n % 10 + 1}"],
        "message": "Hoe zie jij dit?",
        "created_at": NOW - timedelta(hours=n),
    }
    answer = (
        {"answered_at": NOW, "answer": "Goed."} if n % 2 else {"answered_at": None, "answer": None}
    )
    asked = {"requester_id": worker.id, "respondent_id": lead.id, "respondent_name": lead.name}
    to_me = {"requester_id": lead.id, "respondent_id": worker.id, "respondent_name": worker.name}
    return [{**common, **answer, **asked}, {**common, "answered_at": None, "answer": None, **to_me}]


def _entry(w, n):
    """The worker's entries of every kind, half of them submitted for sign-off."""
    return {
        "organisation_id": w["org"].id,
        "owner_id": w["users"][Role.WORKER].id,
        **dict.fromkeys(KIND_FIELDS),
        **ENTRY_KINDS[n % len(ENTRY_KINDS)],
        "occurred_on": date(2026, 1, 1) - timedelta(days=n),
        "hours": Decimal("1.5"),
        "status": ("draft", "submitted")[n % 2],
        "is_shared": False,
        "catalogue_version": "test",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW - timedelta(days=n % 30),
    }


ROW_MAKERS = (
    (User, _person),
    (AuditEvent, _audit_event),
    (Notification, _notifications),
    (OutboxMessage, _outbox_message),
    (FeedbackRequest, _feedback_requests),
    (Entry, _entry),
)


def _add_rows(db, w, numbers: range) -> None:
    """Rows numbered `numbers` of every kind, inserted set-based; entries get a tag each."""
    for model, make in ROW_MAKERS:
        made = [make(w, n) for n in numbers]
        rows = [row for item in made for row in (item if isinstance(item, list) else [item])]
        db.execute(model.__table__.insert(), rows)
    new_entries = db.scalars(
        select(Entry.id).where(Entry.owner_id == w["users"][Role.WORKER].id).order_by(Entry.id)
    ).all()[-len(numbers) :]
    tags = [
        {"entry_id": i, "vocabulary": "competency", "code": f"WMO{i % 10 + 1}"} for i in new_entries
    ]
    db.execute(EntryTag.__table__.insert(), tags)
    db.commit()


def _route_arguments(db, w) -> dict[str, int]:
    """Values for the route arguments we can fill: a real person, entry and feedback request."""
    worker = w["users"][Role.WORKER]
    return {
        "person_id": worker.id,
        "entry_id": db.scalar(select(func.min(Entry.id)).where(Entry.status == "submitted")),
        "request_id": db.scalar(
            select(func.min(FeedbackRequest.id)).where(
                FeedbackRequest.respondent_id == worker.id, FeedbackRequest.answered_at.is_(None)
            )
        ),
    }


def _page_urls(app, arguments: dict) -> list[str]:
    """Every GET route except static whose arguments can all be filled."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in {"static", *BULK_EXPORTS} or "GET" not in rule.methods:
                continue
            if rule.arguments <= set(arguments):
                urls.append(url_for(rule.endpoint, **{a: arguments[a] for a in rule.arguments}))
    return sorted(urls)


def _statements(w, urls, count_queries) -> dict[str, list[str]]:
    """{'GET /url as role': statements} for every page a role gets a 200 for (after a warm-up)."""
    measured = {}
    for role, client in w["clients"].items():
        for url in urls:
            client.get(url).close()
            with count_queries() as counter:
                response = client.get(url)
            response.close()
            if response.status_code == 200:
                measured[f"GET {url} as {role.value}"] = counter.statements
    return measured


def _short(statement: str) -> str:
    """One line, long column lists elided, so the table and the WHERE clause show."""
    text = " ".join(statement.split())
    text = COLUMN_LIST_RE.sub(lambda m: m[0] if len(m[1]) <= 60 else "SELECT … FROM", text)
    return text[:240]


def _listing(statements: list[str]) -> str:
    """Statements one per line, repeats folded (an N+1 shows as one line with a count)."""
    lines = []
    for statement, group in itertools.groupby(_short(s) for s in statements):
        repeats = len(list(group))
        lines.append(f"      {f'{repeats}× ' if repeats > 1 else ''}{statement}")
    return "\n".join(lines)


def test_statements_per_page_are_the_same_with_10_and_1000_rows(app, db, world, count_queries):
    _add_rows(db, world, range(SMALL))
    urls = _page_urls(app, _route_arguments(db, world))
    small = _statements(world, urls, count_queries)
    _add_rows(db, world, range(SMALL, LARGE))
    large = _statements(world, urls, count_queries)

    assert small, "no page answered 200 to a logged-in role"
    assert small.keys() == large.keys(), f"pages differ: {sorted(small.keys() ^ large.keys())}"
    grown = [page for page in small if len(small[page]) != len(large[page])]
    assert not grown, "SQL statements per page depend on the amount of data:\n" + "\n".join(
        f"  {page}: {len(small[page])} with {SMALL} rows, {len(large[page])} with {LARGE}\n"
        f"    with {SMALL} rows:\n{_listing(small[page])}\n"
        f"    with {LARGE} rows:\n{_listing(large[page])}"
        for page in grown
    )


def test_no_page_needs_more_than_ten_statements(app, db, world, count_queries):
    _add_rows(db, world, range(LARGE))
    measured = _statements(world, _page_urls(app, _route_arguments(db, world)), count_queries)

    too_many = {page: s for page, s in measured.items() if len(s) > MAX_STATEMENTS}
    assert not too_many, f"pages with more than {MAX_STATEMENTS} SQL statements:\n" + "\n".join(
        f"  {page}: {len(s)}\n{_listing(s)}" for page, s in too_many.items()
    )
