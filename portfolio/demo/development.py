"""The demo log-ins' portfolio beyond bulk history: something to sign, assessments, goals.

So that `make run` shows every area with content: the demo supervisor has sessions waiting for
sign-off, the demo worker has shared a reflection, assessed themselves twice (a year apart), was
assessed by their supervisor, and has two development goals.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

import competencies
from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryKind,
    EntryStatus,
    User,
    utcnow,
)

LEVELS = [level.code for level in competencies.PROFICIENCY_LEVELS]


def enrich(db: Session, *, worker: User, supervisor: User, today: date) -> None:
    """Add the demo worker's sign-off requests, sharing, assessments and goals. Caller commits."""
    rng = random.Random(worker.id)  # noqa: S311 - demo data  # nosec B311
    sessions = db.scalars(
        select(Entry.id)
        .where(Entry.owner_id == worker.id, Entry.kind == EntryKind.PEER_REVIEW.value)
        .order_by(Entry.occurred_on.desc())
        .limit(2)
    ).all()
    db.execute(
        update(Entry).where(Entry.id.in_(sessions)).values(status=EntryStatus.SUBMITTED.value)
    )
    db.execute(
        update(Entry)
        .where(
            Entry.id
            == db.scalar(
                select(Entry.id)
                .where(Entry.owner_id == worker.id, Entry.kind == EntryKind.REFLECTION.value)
                .limit(1)
            )
        )
        .values(is_shared=True)
    )
    earlier = {c.code: rng.randint(0, 2) for c in competencies.COMPETENCIES}
    _assessment(db, worker, worker, today - timedelta(days=365), earlier)
    later = {code: min(rank + rng.randint(0, 1), 3) for code, rank in earlier.items()}
    _assessment(db, worker, worker, today - timedelta(days=14), later)
    by_supervisor = {code: max(rank - rng.randint(0, 1), 0) for code, rank in later.items()}
    _assessment(db, worker, supervisor, today - timedelta(days=7), by_supervisor)
    for code, title in (
        ("WMO3", "Outreachend werken in de nieuwe wijk"),
        ("WMO9", "Beter samenwerken met de huisartsen"),
    ):
        db.add(
            DevelopmentGoal(
                organisation_id=worker.organisation_id,
                owner_id=worker.id,
                competency_code=code,
                current_level=LEVELS[later[code]],
                target_level=LEVELS[min(later[code] + 1, 3)],
                title=title,
                actions="Intervisie en een training volgen.",
                due_on=today + timedelta(days=rng.randint(60, 240)),
            )
        )


def _assessment(db: Session, subject: User, assessor: User, on: date, ranks: dict) -> None:
    assessment = CompetencyAssessment(
        organisation_id=subject.organisation_id,
        subject_id=subject.id,
        assessor_id=assessor.id,
        assessed_on=on,
        catalogue_version=competencies.CATALOGUE_VERSION,
        created_at=utcnow(),
    )
    db.add(assessment)
    db.flush()
    for code, rank in ranks.items():
        db.add(
            CompetencyRating(
                assessment_id=assessment.id, competency_code=code, level_code=LEVELS[rank]
            )
        )
