"""P6: reminder selection over 70,000 registrations vs one indexed SQL query (PostgreSQL).

The app's selection (`due_registration_reminders`) reads broad date windows through the
registration date index and checks the exact reminder dates in Python. The floor asks
PostgreSQL for exactly the same registration ids in one query, date arithmetic included
(PostgreSQL clamps month ends the way `competencies.reminders` does).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, text
from sqlmodel import Session

from bench.databases import POSTGRES, fresh_database
from bench.timing import Result, median, timed, within_ratio
from competencies.reminders import DEFAULT_OFFSETS, parse_offset
from portfolio.db import make_engine
from portfolio.infra.bulk import insert_rows
from portfolio.models import Organisation, Registration, User
from portfolio.services.notifications.reminder_planning import (
    LOOKBACK_DAYS,
    due_registration_reminders,
)

WORKERS = 70_000
TODAY = date(2026, 11, 23)
NORM = "skj-jeugd-gezinsprofessional"  # five years, no VOG rule: only deadline reminders


def _seed(session: Session, workers: int) -> None:
    rng = random.Random(6)
    session.execute(insert(Organisation).values(id=1, name="Bench", slug="bench"))
    users = (
        (i, 1, f"w{i}@bench.example", f"W {i}", "worker", "!", f"t{i}", True, "nl", TODAY)
        for i in range(1, workers + 1)
    )
    user_columns = (
        "id",
        "organisation_id",
        "email",
        "name",
        "role",
        "password_hash",
        "session_token",
        "is_active",
        "locale",
        "created_at",
    )
    insert_rows(session, User.__table__, user_columns, users)
    registrations = (
        (i, 1, i, NORM, TODAY - timedelta(days=rng.randint(0, 5 * 365)), TODAY)
        for i in range(1, workers + 1)
    )
    registration_columns = (
        "id",
        "organisation_id",
        "owner_id",
        "norm_id",
        "registered_on",
        "created_at",
    )
    insert_rows(session, Registration.__table__, registration_columns, registrations)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def _interval(offset: str) -> str:
    amount, unit = parse_offset(offset)
    units = {"d": "days", "w": "weeks", "m": "months"}
    return f"{amount} {units[unit]}"


def floor_query() -> str:
    """One SQL statement returning the registrations with a deadline reminder due now."""
    due = "(r.registered_on + interval '5 years' - interval '1 day' - interval '{}')::date"
    exact = " OR ".join(
        f"{due.format(_interval(o))} BETWEEN :low AND :today" for o in DEFAULT_OFFSETS
    )
    select_part = (
        "SELECT DISTINCT r.id FROM registration r JOIN user_account u ON u.id = r.owner_id"
    )
    where = f"u.is_active AND r.registered_on BETWEEN :first AND :last AND ({exact})"
    return f"{select_part} WHERE {where}"


def run(*, quick: bool) -> list[Result]:
    """Time both on a fresh PostgreSQL database; check they agree."""
    workers = 7_000 if quick else WORKERS
    with fresh_database(POSTGRES) as url:
        engine = make_engine(url)
        with Session(engine) as session:
            _seed(session, workers)
            params = {
                "low": TODAY - timedelta(days=LOOKBACK_DAYS - 1),
                "today": TODAY,
                "first": TODAY - timedelta(days=5 * 366 + 31 * 12),
                "last": TODAY - timedelta(days=5 * 365 - 400),
            }
            statement = text(floor_query())

            def app():
                return {
                    row["subject_id"] for row in due_registration_reminders(session, today=TODAY)
                }

            def floor():
                return {row[0] for row in session.execute(statement, params)}

            assert app() == floor(), "the app and the floor disagree on who is due"
            repeats = 3 if quick else 7
            app_s = median(timed(app) for _ in range(repeats))
            floor_s = median(timed(floor) for _ in range(repeats))
            due = len(floor())
        engine.dispose()
    return [
        Result(
            "P6",
            f"reminder selection, {workers:,} registrations ({due} due)",
            app_s,
            floor_s,
            "≤ 2×",
            within_ratio(app_s, floor_s, 2.0),
        ),
    ]
