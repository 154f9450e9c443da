"""Synthetic portfolio history for demo and benchmark data, written set-based."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session

from portfolio.infra.bulk import insert_rows, next_id, sync_sequence
from portfolio.models import Entry, EntryTag, Registration

CATALOGUE_VERSION = "demo"
CHUNK_WORKERS = 250
ENTRY_COLUMNS = (
    "id",
    "organisation_id",
    "owner_id",
    "kind",
    "title",
    "occurred_on",
    "end_on",
    "hours",
    "body",
    "form",
    "accredited_by",
    "provider",
    "activity_type",
    "employer",
    "role_title",
    "hours_per_week",
    "status",
    "is_shared",
    "catalogue_version",
    "version",
    "created_at",
    "updated_at",
)
TAG_COLUMNS = ("entry_id", "vocabulary", "code")
REGISTRATION_COLUMNS = (
    "organisation_id",
    "owner_id",
    "norm_id",
    "registration_number",
    "registered_on",
    "created_at",
)
# Which registers accredited a demo course (Entry.accredited_by); `accreditations` follows.
ACCREDITED_BY = (",skj,", ",registerplein,", ",registerplein,skj,")
PEER_FORMS = ("intervisie", "supervisie", "casuistiekbespreking", "werkbegeleiding")
OTHER_TYPES = ("vakliteratuur", "presentatie", "stagebegeleiding")
NORMS = ("skj-jeugd-gezinsprofessional", "registerplein-sociaal-werker")


def create_history(
    db: Session,
    *,
    organisation_id: int,
    worker_ids: Sequence[int],
    years: int,
    today: date,
    progress: Callable[[int], None] = lambda n: None,
    seed: int = 2026,
) -> int:
    """Give every worker a registration and `years` years of entries. Returns entries written."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security  # nosec B311
    now = datetime.now(UTC)
    entry_table, tag_table = Entry.__table__, EntryTag.__table__
    next_entry_id = next_id(db, entry_table)
    written = 0
    for offset in range(0, len(worker_ids), CHUNK_WORKERS):
        chunk = worker_ids[offset : offset + CHUNK_WORKERS]
        entries: list[tuple] = []
        tags: list[tuple] = []
        registrations: list[tuple] = []
        for owner_id in chunk:
            start = today - timedelta(days=365 * years - rng.randint(0, 120))
            registrations.append(
                (
                    organisation_id,
                    owner_id,
                    NORMS[owner_id % len(NORMS)],
                    f"R{owner_id:07d}",
                    start,
                    now,
                )
            )
            for row in _worker_entries(rng, organisation_id, owner_id, start, today, now):
                entries.append((next_entry_id, *row))
                for code in rng.sample(range(1, 11), rng.randint(1, 2)):
                    tags.append((next_entry_id, "competency", f"WMO{code}"))
                next_entry_id += 1
        insert_rows(db, Registration.__table__, REGISTRATION_COLUMNS, registrations)
        written += insert_rows(db, entry_table, ENTRY_COLUMNS, entries)
        insert_rows(db, tag_table, TAG_COLUMNS, tags)
        progress(len(chunk))
    sync_sequence(db, entry_table)
    sync_sequence(db, Registration.__table__)
    _fill_accreditations(db)
    return written


def _fill_accreditations(db: Session) -> None:
    """The accreditations of the demo courses, one statement per combination of registers
    (COPY writes no JSON)."""
    for accredited_by in ACCREDITED_BY:
        registers = [r for r in accredited_by.split(",") if r]
        db.execute(
            update(Entry)
            .where(Entry.accredited_by == accredited_by, Entry.accreditations.is_(None))
            .values(accreditations=[{"register": r, "id": f"{r.upper()}-DEMO"} for r in registers])
        )


def _worker_entries(rng, organisation_id, owner_id, start: date, today: date, now):
    """Rows (without id) for one worker between `start` and `today`."""
    days = (today - start).days
    common = ("draft", False, CATALOGUE_VERSION, 1, now, now)
    # Peer review sessions count once signed off (Beroepscode art. 24): the demo's are signed
    # (demo.development then submits the latest two, which wait for the supervisor).
    signed = ("signed", *common[1:])

    def day() -> date:
        return start + timedelta(days=rng.randint(0, max(days - 1, 0)))

    years = max(days // 365, 1)
    yield (
        organisation_id,
        owner_id,
        "work",
        "Sociaal werker",
        start,
        None,
        Decimal(0),
        None,
        None,
        None,
        None,
        None,
        "Stichting Voorbeeld",
        "Sociaal werker",
        Decimal(rng.choice((24, 28, 32, 36))),
        *common,
    )
    for _ in range(3 * years):
        accredited = rng.random() < 0.75
        yield (
            organisation_id,
            owner_id,
            "training",
            "Scholing",
            day(),
            None,
            Decimal(rng.choice((3, 4, 6, 8, 12))),
            None,
            None,
            rng.choice(ACCREDITED_BY) if accredited else None,
            "Opleider",
            None,
            None,
            None,
            None,
            *common,
        )
    for _ in range(6 * years):
        yield (
            organisation_id,
            owner_id,
            "peer_review",
            "Intervisie",
            day(),
            None,
            Decimal(rng.choice(("1.5", "2", "2.5"))),
            None,
            rng.choice(PEER_FORMS),
            None,
            None,
            None,
            None,
            None,
            None,
            *signed,
        )
    for _ in range(2 * years):
        yield (
            organisation_id,
            owner_id,
            "reflection",
            "Reflectie",
            day(),
            None,
            Decimal(1),
            "Synthetische reflectie voor demodoeleinden.",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            *common,
        )
    for _ in range(years):
        yield (
            organisation_id,
            owner_id,
            "other",
            "Vakliteratuur",
            day(),
            None,
            Decimal(rng.choice((2, 3, 4))),
            None,
            None,
            None,
            None,
            rng.choice(OTHER_TYPES),
            None,
            None,
            None,
            *common,
        )
