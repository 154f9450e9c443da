"""HR evaluations' counts read the active workers and supervisors through partial indexes.

The status counts (`/hr/evaluations`) read every active worker of the organisation, and the
check for workers nobody can evaluate reads every team and its leads, then the workers of the
teams without one (both kept for OVERVIEW_CACHE_SECONDS); `ix_user_account_active_workers` and
`ix_user_account_active_supervisors` (migration a9c8e7d6b5f4) serve them. A partial index is
used only when the query's condition implies its predicate, so these tests EXPLAIN the very
statements the page sends (on PostgreSQL with sequential scans discouraged: a test database is
too small for the planner to prefer an index by itself). The page of workers is read in name order
from `ix_user_account_active_workers_by_name` (migration b7d9e1f3a5c7).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from portfolio.models import Role
from tests.conftest import is_postgres, login
from tests.factories import PASSWORD, make_organisation, make_team, make_user

WORKERS_INDEX = "ix_user_account_active_workers"
SUPERVISORS_INDEX = "ix_user_account_active_supervisors"


@pytest.fixture
def hr_client(app, db):
    org = make_organisation(db)
    led, unled = make_team(db, org, name="Geleid"), make_team(db, org, name="Zonder leiding")
    for n in range(3):
        make_user(db, org, team=led, name=f"Werker {n}")
        make_user(db, org, team=unled, name=f"Collega {n}")
    make_user(db, org, role=Role.SUPERVISOR, leads=led, name="Lea Lead")
    hr = make_user(db, org, role=Role.HR, name="Hanna HR")
    db.commit()
    client = app.test_client()
    login(client, hr.email, PASSWORD)
    return client


def _statements_of(app, client, path: str) -> list[tuple[str, object]]:
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def _plan(app, statement: str, parameters, *, ordered: bool = False) -> str:
    """The plan of `statement`; `ordered`: as for a large table, where reading an index in the
    wanted order beats sorting (a test table is too small for the planner to see that)."""
    connection = app.extensions["db_engine"].raw_connection()
    try:
        cursor = connection.cursor()
        if is_postgres():
            cursor.execute("SET LOCAL enable_seqscan = off")
            if ordered:
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + statement, parameters)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
        connection.rollback()
        return plan
    finally:
        connection.close()


def test_the_evaluation_counts_and_the_unled_check_use_the_partial_indexes(app, hr_client):
    sent = _statements_of(app, hr_client, "/hr/evaluations")
    counts = [s for s in sent if "GROUP BY coalesce(yearly_evaluation.status" in s[0]]
    unled = [s for s in sent if "FROM team_lead, user_account AS lead" in s[0]]
    assert len(counts) == len(unled) == 1

    counts_plan = _plan(app, *counts[0])
    unled_plan = _plan(app, *unled[0])

    assert WORKERS_INDEX in counts_plan, counts_plan
    assert WORKERS_INDEX in unled_plan, unled_plan
    if is_postgres():  # SQLite looks each team's lead up by primary key instead
        assert SUPERVISORS_INDEX in unled_plan, unled_plan


def test_the_page_of_workers_by_name_reads_the_active_workers_in_name_order(app, hr_client):
    sent = _statements_of(app, hr_client, "/hr/evaluations")
    pages = [s for s in sent if "ORDER BY user_account.name, user_account.id" in s[0]]
    assert len(pages) == 1
    plan = _plan(app, *pages[0], ordered=True)
    assert "ix_user_account_active_workers_by_name" in plan, plan
