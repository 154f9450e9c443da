"""Self-assessment, the supervisor's assessment and development goals (POP).

Every assessment is kept (progress over time; two dates can be compared). Levels are the four
proficiency levels and the competencies the ten Wmo competencies, both from the catalogue
(seed 004, see each record's `source`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlmodel import Session

import competencies
from portfolio import access
from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    GoalEvidence,
    GoalStatus,
    User,
)
from portfolio.models.base import utcnow
from portfolio.services import audit
from portfolio.services.people import NotVisible, led_team_ids

LEVEL_RANKS = {level.code: level.rank for level in competencies.PROFICIENCY_LEVELS}
COMPETENCY_CODES = tuple(c.code for c in competencies.COMPETENCIES)
OPEN_STATUSES = (GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value)
DASHBOARD_GOALS = 5


PROBLEM_TEXTS = {
    "unknown_competency": "unknown competency code",
    "unknown_level": "unknown level",
    "missing": "no level given",
}


class InvalidRatings(ValueError):
    """Some ratings name an unknown competency or level, or a competency is missing."""

    def __init__(self, errors: dict[str, str]) -> None:
        problems = "; ".join(f"{code}: {PROBLEM_TEXTS[p]}" for code, p in sorted(errors.items()))
        super().__init__(f"invalid competency ratings ({problems})")
        # {competency code: "unknown_competency" | "unknown_level" | "missing"}
        self.errors = errors


@dataclass(frozen=True)
class Assessment:
    """One assessment with its levels (codes) and motivations, by competency."""

    id: int
    assessed_on: date
    assessor_id: int
    subject_id: int
    levels: dict[str, str]
    motivations: dict[str, str] = field(default_factory=dict)

    @property
    def is_self(self) -> bool:
        """True when the worker rated themselves."""
        return self.assessor_id == self.subject_id

    def rank(self, code: str) -> int | None:
        """The rank (1–4) of a competency's level, None when not rated."""
        return LEVEL_RANKS.get(self.levels.get(code, ""))


@dataclass(frozen=True)
class Difference:
    """One competency in two assessments: the levels and how many steps apart they are."""

    code: str
    first: str | None
    second: str | None
    steps: int | None


def validate_ratings(ratings: dict[str, tuple[str, str]]) -> dict[str, str]:
    """{competency code: problem}; empty when all ten are rated with a known level."""
    errors = {code: "unknown_competency" for code in ratings if code not in COMPETENCY_CODES}
    for code in COMPETENCY_CODES:
        level = (ratings.get(code) or ("", ""))[0]
        if not level:
            errors[code] = "missing"
        elif level not in LEVEL_RANKS:
            errors[code] = "unknown_level"
    return errors


def may_assess(db: Session, *, assessor: User, subject: User) -> bool:
    """The worker themselves, or a supervisor of a team the subject belongs to."""
    if assessor.id == subject.id:
        return True
    return access.may_view_member_portfolio(
        assessor, subject, led_team_ids=led_team_ids(db, user=assessor)
    )


def save_self_assessment(
    db: Session,
    *,
    owner: User,
    ratings: dict[str, tuple[str, str]],
    assessed_on: date,
    now: datetime | None = None,
) -> CompetencyAssessment:
    """Keep the worker's own rating of the ten competencies. Commits; raises InvalidRatings."""
    return save_assessment(db, assessor=owner, subject=owner, ratings=ratings,
                           assessed_on=assessed_on, now=now)  # fmt: skip


def save_supervisor_assessment(
    db: Session,
    *,
    supervisor: User,
    subject: User,
    ratings: dict[str, tuple[str, str]],
    assessed_on: date,
    now: datetime | None = None,
) -> CompetencyAssessment:
    """Keep a supervisor's rating of a member of a team they lead. Commits; audited.

    Raises NotVisible for anybody else (including the supervisor themselves), InvalidRatings
    for unknown codes.
    """
    if supervisor.id == subject.id:
        raise NotVisible(subject.id)
    return save_assessment(db, assessor=supervisor, subject=subject, ratings=ratings,
                           assessed_on=assessed_on, now=now)  # fmt: skip


def save_assessment(
    db: Session,
    *,
    assessor: User,
    subject: User,
    ratings: dict[str, tuple[str, str]],
    assessed_on: date,
    now: datetime | None = None,
) -> CompetencyAssessment:
    """Keep a new assessment of all ten competencies. Commits.

    Raises InvalidRatings for unknown codes, NotVisible when the assessor may not assess.
    """
    if not may_assess(db, assessor=assessor, subject=subject):
        raise NotVisible(subject.id)
    errors = validate_ratings(ratings)
    if errors:
        raise InvalidRatings(errors)
    assessment = CompetencyAssessment(
        organisation_id=subject.organisation_id, subject_id=subject.id, assessor_id=assessor.id,
        assessed_on=assessed_on, catalogue_version=competencies.CATALOGUE_VERSION,
        created_at=now or utcnow(),
    )  # fmt: skip
    db.add(assessment)
    db.flush()
    for code in COMPETENCY_CODES:
        level, motivation = ratings[code]
        db.add(CompetencyRating(assessment_id=assessment.id, competency_code=code,
                                level_code=level,
                                motivation=(motivation or "").strip() or None))  # fmt: skip
    if assessor.id != subject.id:
        audit.record(db, actor=assessor, action="assess_competencies", subject_user_id=subject.id,
                     subject_type="competency_assessment", subject_id=assessment.id)  # fmt: skip
    db.commit()
    return assessment


def assessments_of(db: Session, *, subject_id: int) -> list[Assessment]:
    """Every assessment of a person, newest first, with its ratings (two statements)."""
    rows = db.scalars(
        select(CompetencyAssessment)
        .where(CompetencyAssessment.subject_id == subject_id)
        .order_by(CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.id.desc())
    ).all()
    return _with_ratings(db, rows)


def _with_ratings(db: Session, rows) -> list[Assessment]:
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    motivations: dict[int, dict[str, str]] = defaultdict(dict)
    if rows:
        for rating in db.scalars(
            select(CompetencyRating).where(
                CompetencyRating.assessment_id.in_([row.id for row in rows])
            )
        ):
            levels[rating.assessment_id][rating.competency_code] = rating.level_code
            if rating.motivation:
                motivations[rating.assessment_id][rating.competency_code] = rating.motivation
    return [
        Assessment(row.id, row.assessed_on, row.assessor_id, row.subject_id, levels[row.id],
                   motivations[row.id])
        for row in rows
    ]  # fmt: skip


def latest(assessments: list[Assessment], *, self_assessed: bool) -> Assessment | None:
    """The newest self-assessment (or the newest by a supervisor) of a newest-first list."""
    return next((a for a in assessments if a.is_self == self_assessed), None)


def compare(first: Assessment, second: Assessment) -> list[Difference]:
    """Per competency, both levels and the steps from the first to the second."""
    result = []
    for code in COMPETENCY_CODES:
        a, b = first.rank(code), second.rank(code)
        steps = b - a if a is not None and b is not None else None
        result.append(Difference(code, first.levels.get(code), second.levels.get(code), steps))
    return result


# --- development goals ---------------------------------------------------------------------


@dataclass
class GoalInput:
    """What the worker typed for a goal."""

    competency_code: str
    current_level: str
    target_level: str
    title: str
    actions: str = ""
    due_on: date | None = None
    status: str = GoalStatus.OPEN.value


def validate_goal(data: GoalInput) -> dict[str, str]:
    """{field: problem} for a goal; empty when it is fine."""
    errors = {}
    if data.competency_code not in COMPETENCY_CODES:
        errors["competency_code"] = "unknown_competency"
    for name in ("current_level", "target_level"):
        if getattr(data, name) not in LEVEL_RANKS:
            errors[name] = "unknown_level"
    if not errors and LEVEL_RANKS[data.target_level] < LEVEL_RANKS[data.current_level]:
        errors["target_level"] = "target_below_current"
    if data.status not in {s.value for s in GoalStatus}:
        errors["status"] = "unknown_status"
    return errors


def save_goal(
    db: Session, *, owner: User, data: GoalInput, now: datetime, goal: DevelopmentGoal | None = None
) -> DevelopmentGoal:
    """Create or change a goal of the owner. Commits. The caller validated `data`."""
    if goal is None:
        goal = DevelopmentGoal(organisation_id=owner.organisation_id, owner_id=owner.id,
                               created_at=now, competency_code="", current_level="",
                               target_level="", title="")  # fmt: skip
    for name, value in vars(data).items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)
    goal.actions = goal.actions or None
    goal.updated_at = now
    db.add(goal)
    db.commit()
    return goal


def own_goal(db: Session, *, owner: User, goal_id: int) -> DevelopmentGoal | None:
    """The owner's goal, or None (another worker's goal does not exist for them)."""
    goal = db.get(DevelopmentGoal, goal_id)
    return goal if goal is not None and goal.owner_id == owner.id else None


def delete_goal(db: Session, *, goal: DevelopmentGoal) -> None:
    """Delete a goal with its evidence links (the entries stay). Commits."""
    db.delete(goal)
    db.commit()


def goals_of(db: Session, *, owner_id: int, open_only: bool = False, limit: int | None = None):
    """The owner's goals: open ones first, earliest due date first."""
    statement = select(DevelopmentGoal).where(DevelopmentGoal.owner_id == owner_id)
    if open_only:
        statement = statement.where(DevelopmentGoal.status.in_(OPEN_STATUSES))
    statement = statement.order_by(
        DevelopmentGoal.status.in_(OPEN_STATUSES).desc(),
        DevelopmentGoal.due_on.is_(None),
        DevelopmentGoal.due_on,
        DevelopmentGoal.id,
    )
    return db.scalars(statement.limit(limit) if limit else statement).all()


def evidence_ids(db: Session, *, goal_id: int) -> list[int]:
    """Ids of the entries linked to a goal."""
    return list(db.scalars(select(GoalEvidence.entry_id).where(GoalEvidence.goal_id == goal_id)))


def linkable_entries(db: Session, *, owner_id: int, keep: list[int], limit: int = 50):
    """The owner's most recent entries, plus those already linked, to choose evidence from."""
    recent = db.scalars(
        select(Entry).where(Entry.owner_id == owner_id)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc()).limit(limit)
    ).all()  # fmt: skip
    missing = set(keep) - {e.id for e in recent}
    if missing:
        recent += db.scalars(select(Entry).where(Entry.id.in_(missing))).all()
    return recent


def link_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_id: int) -> None:
    """Link one of the owner's own entries to their goal. Commits.

    Raises NotVisible when the goal or the entry is not the owner's (or the entry is gone).
    """
    entry = db.get(Entry, entry_id)
    if not access.is_owner(owner, goal.owner_id) or entry is None or entry.owner_id != owner.id:
        raise NotVisible(entry_id)
    if db.get(GoalEvidence, (goal.id, entry.id)) is None:
        db.add(GoalEvidence(goal_id=goal.id, entry_id=entry.id))
    db.commit()


def unlink_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_id: int) -> bool:
    """Remove an entry from the owner's goal (the entry stays). Commits; False when not linked."""
    if not access.is_owner(owner, goal.owner_id):
        raise NotVisible(goal.id)
    removed = db.execute(
        delete(GoalEvidence).where(GoalEvidence.goal_id == goal.id,
                                   GoalEvidence.entry_id == entry_id)
    ).rowcount  # fmt: skip
    db.commit()
    return bool(removed)


def evidence_entries(db: Session, *, goal_id: int) -> list[Entry]:
    """The entries linked to a goal, newest first (one statement)."""
    return db.scalars(
        select(Entry).join(GoalEvidence, GoalEvidence.entry_id == Entry.id)
        .where(GoalEvidence.goal_id == goal_id)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    ).all()  # fmt: skip


def set_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_ids: list[int]) -> int:
    """Link exactly these entries of the owner to the goal; others' ids are ignored. Commits."""
    own = set(
        db.scalars(select(Entry.id).where(Entry.id.in_(entry_ids), Entry.owner_id == owner.id))
    )
    db.execute(delete(GoalEvidence).where(GoalEvidence.goal_id == goal.id))
    for entry_id in sorted(own):
        db.add(GoalEvidence(goal_id=goal.id, entry_id=entry_id))
    db.commit()
    return len(own)


def dashboard_context(db: Session, *, owner_id: int, as_of: date) -> dict:
    """Values for the dashboard's goals and radar partials (three statements)."""
    goals = goals_of(db, owner_id=owner_id, open_only=True, limit=DASHBOARD_GOALS)
    assessments = assessments_of(db, subject_id=owner_id)
    mine = [a for a in assessments if a.is_self]
    return {
        "open_goals": goals,
        "goals_overdue": {g.id for g in goals if g.due_on and g.due_on < as_of},
        "self_now": mine[0] if mine else None,
        "self_before": mine[1] if len(mine) > 1 else None,
        "supervisor_now": latest(assessments, self_assessed=False),
    }
