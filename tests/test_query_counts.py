"""P2 (QUALITY.md): a page sends as many SQL statements with 1,000 rows as with 10, and ≤ 10.

Every GET route a logged-in role can open is taken from `app.url_map` and fetched by each role;
pages answering 200 are counted. Rows are added set-based (Core inserts of lists of dicts), of
every kind a page lists: entries of every kind (work experience too) with tags and evidence
files, development goals with linked entries, assessments with their ten ratings. When a new
page lists a new kind of row, add a maker to ROW_MAKERS (or to `_add_linked_rows` when it
refers to rows made just before). The app runs on a fixed clock (NOW).
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
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryTag,
    EvidenceFile,
    FeedbackRequest,
    GoalEvidence,
    Notification,
    OutboxMessage,
    Registration,
    Role,
    User,
)
from portfolio.services.development.development import COMPETENCY_CODES
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

MAX_STATEMENTS = 10
# Bulk exports are not pages: they read 500 workers per batch so memory stays flat, and so send
# one batch's statements per 500 workers. tests/test_hr_exports.py counts them (5 vs 50 workers).
BULK_EXPORTS = {"hr.evaluations_csv", "hr.evaluations_xlsx", "hr.evaluations_pdf"}
COLUMN_LIST_RE = re.compile(r"SELECT (.+?) FROM")
SMALL, LARGE = 10, 1000
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
KIND_FIELDS = ("form", "provider", "accreditations", "accredited_by", "body", "activity_type")
ENTRY_KINDS = (
    {"kind": "peer_review", "title": "Intervisie", "form": "intervisie"},
    {
        "kind": "training",
        "title": "Scholing",
        "provider": "Opleider",
        "accreditations": [{"register": "skj", "id": "SKJ1"}],
    },
    {"kind": "reflection", "title": "Reflectie", "body": "Wat ik leerde."},
    {"kind": "other", "title": "Vakliteratuur", "activity_type": "vakliteratuur"},
)


@pytest.fixture
def world(app, db, clock):
    """A worker in a team led by a supervisor, HR and an admin of one organisation, logged in;
    the app's clock on NOW."""
    clock.now = NOW
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
    registration_id = db.scalar(select(Registration.id).where(Registration.owner_id == worker.id))
    clients = {}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert login(clients[role], user.email, PASSWORD).status_code == 302
    return {
        "org": org,
        "team": team,
        "users": users,
        "clients": clients,
        "registration_id": registration_id,
    }


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
        "status": ("draft", "submitted")[n // len(ENTRY_KINDS) % 2],  # half of every kind
        "is_shared": False,
        "catalogue_version": "test",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW - timedelta(days=n % 30),
    }


def _work_entry(w, n):
    """The worker's work experience: periods of some months, most within the registration."""
    start = date(2023, 3, 1) + timedelta(days=n % 1200)
    return {
        "organisation_id": w["org"].id,
        "owner_id": w["users"][Role.WORKER].id,
        **dict.fromkeys(KIND_FIELDS),
        "kind": "work",
        "title": f"Werk {n}",
        "employer": "Wijkteam",
        "role_title": "Sociaal werker",
        "hours_per_week": Decimal(8 + n % 28),
        "occurred_on": start,
        "end_on": start + timedelta(days=90),
        "hours": Decimal(0),
        "status": "draft",
        "is_shared": False,
        "catalogue_version": "test",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _goal(w, n):
    """A development goal of the worker, open, in progress, achieved or dropped."""
    return {
        "organisation_id": w["org"].id,
        "owner_id": w["users"][Role.WORKER].id,
        "competency_code": COMPETENCY_CODES[n % len(COMPETENCY_CODES)],
        "current_level": "beginner",
        "target_level": "vakbekwaam",
        "title": f"Doel {n}",
        "actions": "Intervisie en vakliteratuur.",
        "due_on": date(2026, 1, 1) + timedelta(days=n % 700),
        "status": ("open", "in_progress", "achieved", "dropped")[n % 4],
        "created_at": NOW,
        "updated_at": NOW,
    }


def _assessment(w, n):
    """An assessment of the worker: by themselves, or (every third) by their supervisor."""
    worker, lead = w["users"][Role.WORKER], w["users"][Role.SUPERVISOR]
    return {
        "organisation_id": w["org"].id,
        "subject_id": worker.id,
        "assessor_id": lead.id if n % 3 == 2 else worker.id,
        "assessed_on": date(2026, 11, 1) - timedelta(days=n),
        "catalogue_version": "test",
        "created_at": NOW,
    }


ROW_MAKERS = (
    (User, _person),
    (AuditEvent, _audit_event),
    (Notification, _notifications),
    (OutboxMessage, _outbox_message),
    (FeedbackRequest, _feedback_requests),
    (Entry, _entry),
    (Entry, _work_entry),
    (DevelopmentGoal, _goal),
    (CompetencyAssessment, _assessment),
)


def _newest(db, column, where, count: int) -> list[int]:
    """The `count` highest ids of a table (the rows just inserted)."""
    return db.scalars(select(column).where(where).order_by(column.desc()).limit(count)).all()


def _add_linked_rows(db, w, count: int) -> None:
    """Rows that refer to the `count` rows of each kind just added: a tag and an evidence file
    per entry, linked entries per goal (and all of them to the first goal, whose pages are
    measured), ten ratings per assessment."""
    worker = w["users"][Role.WORKER]
    entries = _newest(db, Entry.id, Entry.owner_id == worker.id, 2 * count)
    goals = _newest(db, DevelopmentGoal.id, DevelopmentGoal.owner_id == worker.id, count)
    assessments = _newest(
        db, CompetencyAssessment.id, CompetencyAssessment.subject_id == worker.id, count
    )
    first_goal = db.scalar(select(func.min(DevelopmentGoal.id)))
    first_submitted = db.scalar(select(func.min(Entry.id)).where(Entry.status == "submitted"))
    db.execute(
        EntryTag.__table__.insert(),
        [{"entry_id": i, "vocabulary": "competency", "code": f"WMO{i % 10 + 1}"} for i in entries],
    )
    links = {(first_goal, i) for i in entries} | set(zip(goals, entries, strict=False))
    db.execute(
        GoalEvidence.__table__.insert(), [{"goal_id": g, "entry_id": e} for g, e in sorted(links)]
    )
    db.execute(
        CompetencyRating.__table__.insert(),
        [
            {
                "assessment_id": a,
                "competency_code": code,
                "level_code": ("beginner", "gevorderd-beginner", "vakbekwaam", "vakvolwassen")[
                    a % 4
                ],
                "motivation": f"Motivatie {a} {code}",
            }
            for a in assessments
            for code in COMPETENCY_CODES
        ],
    )
    # Half of the files belong to the first submitted entry (its page lists them), half to
    # the other new entries.
    db.execute(
        EvidenceFile.__table__.insert(),
        [
            {
                "organisation_id": w["org"].id,
                "owner_id": worker.id,
                "entry_id": first_submitted if n % 2 else entry_id,
                "filename": f"certificaat-{n}.pdf",
                "content_type": "application/pdf",
                "size": 9,
                "sha256": f"{n:064x}",
                "data": b"%PDF-1.4\n",
                "uploaded_at": NOW,
            }
            for n, entry_id in enumerate(entries[:count])
        ],
    )


def _add_rows(db, w, numbers: range) -> None:
    """Rows numbered `numbers` of every kind, inserted set-based, with the rows linked to them."""
    for model, make in ROW_MAKERS:
        made = [make(w, n) for n in numbers]
        rows = [row for item in made for row in (item if isinstance(item, list) else [item])]
        db.execute(model.__table__.insert(), rows)
    _add_linked_rows(db, w, len(numbers))
    db.commit()


def _route_arguments(db, w) -> dict[str, int | str]:
    """Values for the route arguments we can fill: a real person (and team member), entry,
    feedback request, goal, evidence file and registration of the worker."""
    worker = w["users"][Role.WORKER]
    return {
        "person_id": worker.id,
        "member_id": worker.id,
        # A submitted peer review session: the richest entry page (participants, sign-off).
        "entry_id": db.scalar(
            select(func.min(Entry.id)).where(
                Entry.status == "submitted", Entry.kind == "peer_review"
            )
        ),
        "request_id": db.scalar(
            select(func.min(FeedbackRequest.id)).where(
                FeedbackRequest.respondent_id == worker.id, FeedbackRequest.answered_at.is_(None)
            )
        ),
        "goal_id": db.scalar(select(func.min(DevelopmentGoal.id))),
        "file_id": db.scalar(select(func.min(EvidenceFile.id))),
        "registration_id": w["registration_id"],
        "kind": "work",
        "year": NOW.year,
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


# A list's count (pagination.paginate): a list that fits on its first page needs none, so a
# longer one has one more statement, the count, whatever its length.
PAGE_COUNT_RE = re.compile(r"\s*SELECT count\(\*\) AS count_1\s+FROM\s+\(")


def _grew(small: list[str], large: list[str]) -> bool:
    """More statements with more rows, apart from the one count a longer list may add."""
    counts_small = sum(1 for s in small if PAGE_COUNT_RE.match(s))
    counts_large = sum(1 for s in large if PAGE_COUNT_RE.match(s))
    others_grew = len(large) - counts_large != len(small) - counts_small
    return others_grew or counts_large > counts_small + 1


def test_statements_per_page_are_the_same_with_10_and_1000_rows(app, db, world, count_queries):
    _add_rows(db, world, range(SMALL))
    urls = _page_urls(app, _route_arguments(db, world))
    small = _statements(world, urls, count_queries)
    _add_rows(db, world, range(SMALL, LARGE))
    large = _statements(world, urls, count_queries)

    assert small, "no page answered 200 to a logged-in role"
    assert small.keys() == large.keys(), f"pages differ: {sorted(small.keys() ^ large.keys())}"
    grown = [page for page in small if _grew(small[page], large[page])]
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
