"""P2: SQL statements of the worker's dashboard and entry list with 10 and with 1,000 entries.

The target is the same count at both sizes, and at most 10. The demo log-ins are created
without history; the demo worker then gets 10 entries of every kind (tagged, a registration
they count toward), the pages are fetched and their statements counted; then 990 more entries
and the same again. Printed as a table so the numbers can go in a closing note;
tests/test_query_counts.py asserts the same for every page of every role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, select

from bench.databases import bench_app, fresh_database
from bench.login import log_in
from bench.timing import Result
from portfolio import demo
from portfolio.db import standalone_session
from portfolio.models import Entry, EntryTag, Registration, User

MAX_STATEMENTS = 10
SIZES = (10, 1000)
PAGES = ("/portfolio/", "/portfolio/entries", "/portfolio/entries?kind=training&page=2")
WORKER = demo.DEMO_LOGINS[0][0]
NOW = datetime.now(UTC)
KINDS = (
    {"kind": "peer_review", "title": "Intervisie", "form": "intervisie"},
    {
        "kind": "training",
        "title": "Scholing",
        "provider": "Opleider",
        "accreditations": [{"register": "skj", "id": "SKJ1"}],
        "accredited_by": ",skj,",
    },
    {"kind": "reflection", "title": "Reflectie", "body": "Wat ik leerde."},
    {"kind": "other", "title": "Vakliteratuur", "activity_type": "vakliteratuur"},
)
BLANK = dict.fromkeys(
    ("form", "provider", "accreditations", "accredited_by", "body", "activity_type")
)


def _entry(worker: User, n: int) -> dict:
    return {
        "organisation_id": worker.organisation_id,
        "owner_id": worker.id,
        **BLANK,
        **KINDS[n % len(KINDS)],
        "occurred_on": date.today() - timedelta(days=n % 1500),
        "hours": Decimal("1.5"),
        "status": "draft",
        "is_shared": False,
        "catalogue_version": "bench",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _add_entries(db, worker: User, numbers: range) -> None:
    """Entries numbered `numbers`, each tagged with a competency (Core inserts, set-based)."""
    db.execute(Entry.__table__.insert(), [_entry(worker, n) for n in numbers])
    new = db.scalars(
        select(Entry.id)
        .where(Entry.owner_id == worker.id)
        .order_by(Entry.id.desc())
        .limit(len(numbers))
    ).all()
    db.execute(
        EntryTag.__table__.insert(),
        [{"entry_id": i, "vocabulary": "competency", "code": f"WMO{i % 10 + 1}"} for i in new],
    )
    db.commit()


@contextmanager
def _counting(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _counts(app, client) -> dict[str, int]:
    engine = app.extensions["db_engine"]
    found = {}
    for path in PAGES:
        with _counting(engine) as statements:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        found[path] = len(statements)
    return found


def _measure(backend: str) -> list[Result]:
    with fresh_database(backend) as url, bench_app(url) as app:
        engine = app.extensions["db_engine"]
        with standalone_session(engine) as db:
            demo.create(db, workers=0, years=0, today=date.today())
            worker = db.scalars(select(User).where(User.email == WORKER)).one()
            db.add(
                Registration(
                    organisation_id=worker.organisation_id,
                    owner_id=worker.id,
                    norm_id="skj-jeugd-gezinsprofessional",
                    registration_number="B1",
                    registered_on=date.today() - timedelta(days=1400),
                )
            )
            db.commit()
            client = app.test_client()
            log_in(client, WORKER)
            counts, made = {}, 0
            for size in SIZES:
                _add_entries(db, worker, range(made, size))
                made = size
                counts[size] = _counts(app, client)
    results = []
    for path in PAGES:
        small, large = (counts[size][path] for size in SIZES)
        results.append(
            Result(
                "P2",
                f"GET {path}: {small} statements with {SIZES[0]} entries, {large} with "
                f"{SIZES[1]}, {backend}",
                None,
                target=f"equal, ≤ {MAX_STATEMENTS}",
                passed=small == large <= MAX_STATEMENTS,
            )
        )
    return results


def run(backends: list[str]) -> list[Result]:
    """One row per page and database."""
    return [result for backend in backends for result in _measure(backend)]
