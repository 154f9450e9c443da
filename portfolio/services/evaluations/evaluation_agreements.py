"""The agreements of a yearly evaluation, and the development goals they become.

Kwaliteitslabel Organisatie 3.10 (seed 003) asks that the agreements of the yearly evaluation
are recorded; Vakmanschap 13 and 15 that professionals keep their own development goals. So each
agreement names a competency and becomes a goal in the worker's portfolio (PRODUCT.md: goals
feed the yearly evaluation and the other way round). Stored as text, one line per agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

import competencies
from portfolio.models import (
    DevelopmentGoal,
    GoalEvidence,
    GoalStatus,
    User,
    YearlyEvaluation,
)

LEVEL_ORDER = [level.code for level in competencies.PROFICIENCY_LEVELS]


@dataclass(frozen=True)
class Agreement:
    """One agreement for next year, about one competency."""

    competency_code: str
    text: str


def parse_agreements(rows: Sequence[tuple[str, str]]) -> list[Agreement]:
    """Agreements from (competency code, text) rows; empty texts are skipped.

    Raises ValueError for an unknown competency code.
    """
    agreements = []
    for code, text in rows:
        if not (text or "").strip():
            continue
        if not competencies.is_known_competency(code):
            raise ValueError(code)
        agreements.append(Agreement(code, " ".join(text.split())))
    return agreements


def agreements_text(agreements: Sequence[Agreement]) -> str:
    """The agreements as stored and exported: one line each, `WMO3: text`."""
    return "\n".join(f"{a.competency_code}: {a.text}" for a in agreements)


def agreements_from_text(text: str | None) -> list[Agreement]:
    """The stored agreements back as rows."""
    result = []
    for line in (text or "").splitlines():
        code, _sep, rest = line.partition(": ")
        result.append(Agreement(code, rest))
    return result


def suggested_competency(facts: dict) -> str:
    """The default competency of a new agreement: the lowest rated in the latest assessment.

    A goal needs a competency (the radar and the POP group goals by it); the supervisor picks one
    per agreement. Where the latest rating (the supervisor's, else the worker's own) is lowest
    is where development is most likely agreed; without ratings, the first in the catalogue.
    """
    levels = facts.get("levels_supervisor") or facts.get("levels_self") or {}
    rated = [
        (LEVEL_ORDER.index(levels[c.code]), n)
        for n, c in enumerate(competencies.COMPETENCIES)
        if levels.get(c.code) in LEVEL_ORDER
    ]
    return competencies.COMPETENCIES[min(rated)[1] if rated else 0].code


def replace_goals(
    db: Session,
    *,
    evaluation: YearlyEvaluation,
    worker: User,
    agreements: Sequence[Agreement],
    facts: dict,
    now: datetime,
) -> None:
    """Goals from the agreements. Goals from an earlier save of this year's evaluation that are
    still open and without evidence go; goals the worker already works on stay (not doubled)."""
    ids = set(
        db.scalars(
            select(YearlyEvaluation.id).where(
                YearlyEvaluation.worker_id == worker.id, YearlyEvaluation.year == evaluation.year
            )
        )
    )
    earlier = [
        g
        for g in db.scalars(select(DevelopmentGoal).where(DevelopmentGoal.owner_id == worker.id))
        if (g.details or {}).get("evaluation_id") in ids
    ]
    with_evidence = set(
        db.scalars(
            select(GoalEvidence.goal_id).where(GoalEvidence.goal_id.in_([g.id for g in earlier]))
        )
    )
    kept = set()
    for goal in earlier:
        if goal.status == GoalStatus.OPEN and goal.id not in with_evidence:
            db.delete(goal)
        else:
            kept.add((goal.competency_code, goal.actions))
    for agreement in agreements:
        code = agreement.competency_code
        if (code, agreement.text) in kept:
            continue
        # Start from the latest rating (the supervisor's, else the worker's), else the first level.
        level = facts["levels_supervisor"].get(code) or facts["levels_self"].get(code)
        level = level if level in LEVEL_ORDER else LEVEL_ORDER[0]
        target = LEVEL_ORDER[min(LEVEL_ORDER.index(level) + 1, len(LEVEL_ORDER) - 1)]
        db.add(
            DevelopmentGoal(
                organisation_id=worker.organisation_id,
                owner_id=worker.id,
                competency_code=code,
                current_level=level,
                target_level=target,
                title=agreement.text[:200],
                actions=agreement.text,
                due_on=date(evaluation.year + 1, 12, 31),
                details={"evaluation_id": evaluation.id, "year": evaluation.year},
                created_at=now,
                updated_at=now,
            )
        )
