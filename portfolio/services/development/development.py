"""Self-assessment and the supervisor's assessment of the ten competencies (goals: `goals`).

Every assessment is kept (progress over time; two dates can be compared). Levels are the four
proficiency levels and the competencies the ten Wmo competencies, both from the catalogue
(seed 004, see each record's `source`). Motivations and a goal's title and actions go through
the privacy scan like entries do: a save despite findings is explicit and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, and_, bindparam, func, not_, or_, select
from sqlmodel import Session

import competencies
from portfolio import access
from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    User,
)
from portfolio.models.base import utcnow
from portfolio.services.people.people import PersonNotVisible, led_team_ids
from portfolio.services.privacy import audit
from portfolio.services.privacy.text_scan import scan_texts

LEVEL_RANKS = {level.code: level.rank for level in competencies.PROFICIENCY_LEVELS}
COMPETENCY_CODES = tuple(c.code for c in competencies.COMPETENCIES)


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


def motivation_findings(
    ratings: dict[str, tuple[str, str]],
) -> dict[str, list[competencies.Finding]]:
    """{competency code: findings} of the privacy scan over the motivations."""
    return scan_texts({code: motivation for code, (_level, motivation) in ratings.items()})


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
    privacy_confirmed: bool = False,
) -> CompetencyAssessment:
    """Keep the worker's own rating of the ten competencies; raises InvalidRatings.

    `privacy_confirmed`: the worker saves despite privacy findings in the motivations (audited).
    """
    return save_assessment(
        db,
        assessor=owner,
        subject=owner,
        ratings=ratings,
        assessed_on=assessed_on,
        now=now,
        privacy_confirmed=privacy_confirmed,
    )


def save_supervisor_assessment(
    db: Session,
    *,
    supervisor: User,
    subject: User,
    ratings: dict[str, tuple[str, str]],
    assessed_on: date,
    now: datetime | None = None,
) -> CompetencyAssessment:
    """Keep a supervisor's rating of a member of a team they lead; audited.

    Raises PersonNotVisible for anybody else (including the supervisor themselves), InvalidRatings
    for unknown codes.
    """
    if supervisor.id == subject.id:
        raise PersonNotVisible(subject.id)
    return save_assessment(
        db, assessor=supervisor, subject=subject, ratings=ratings, assessed_on=assessed_on, now=now
    )


def save_assessment(
    db: Session,
    *,
    assessor: User,
    subject: User,
    ratings: dict[str, tuple[str, str]],
    assessed_on: date,
    now: datetime | None = None,
    privacy_confirmed: bool = False,
) -> CompetencyAssessment:
    """Keep a new assessment of all ten competencies.

    Raises InvalidRatings for unknown codes, PersonNotVisible when the assessor may not assess.
    With `privacy_confirmed` a save despite findings in the motivations is audited.
    """
    if not may_assess(db, assessor=assessor, subject=subject):
        raise PersonNotVisible(subject.id)
    errors = validate_ratings(ratings)
    if errors:
        raise InvalidRatings(errors)
    assessment = CompetencyAssessment(
        organisation_id=subject.organisation_id,
        subject_id=subject.id,
        assessor_id=assessor.id,
        assessed_on=assessed_on,
        catalogue_version=competencies.CATALOGUE_VERSION,
        created_at=now or utcnow(),
    )
    db.add(assessment)
    db.flush()
    for code in COMPETENCY_CODES:
        level, motivation = ratings[code]
        db.add(
            CompetencyRating(
                assessment_id=assessment.id,
                competency_code=code,
                level_code=level,
                motivation=(motivation or "").strip() or None,
            )
        )
    if assessor.id != subject.id:
        audit.record(
            db,
            actor=assessor,
            action="assess_competencies",
            subject_user_id=subject.id,
            subject_type="competency_assessment",
            subject_id=assessment.id,
        )
    if privacy_confirmed:
        fields = [f"motivation {code}" for code in motivation_findings(ratings)]
        audit.record_privacy_override(
            db,
            actor=assessor,
            subject_id=subject.id,
            subject_type="competency_assessment",
            object_id=assessment.id,
            fields=fields or ["motivation"],
        )
    db.flush()
    return assessment


def assessments_of(db: Session, *, subject_id: int) -> list[Assessment]:
    """Every assessment of a person, newest first, with its ratings (one statement)."""
    return _assessments(db.execute(_ALL_ASSESSMENTS, {"subject_id": subject_id}))


def recent_assessments(db: Session, *, subject_id: int, self_count: int = 2) -> list[Assessment]:
    """The newest `self_count` self-assessments and the newest assessment by someone else,
    newest first, with their ratings (one statement, however long the history)."""
    return _assessments(
        db.execute(_RECENT_ASSESSMENTS, {"subject_id": subject_id, "self_count": self_count})
    )


def _assessments(rows) -> list[Assessment]:
    """Assessments from rows of (assessment columns, rating columns), newest first; an
    assessment without ratings has None in the rating columns."""
    found: dict[int, Assessment] = {}
    for assessment_id, assessed_on, assessor_id, subject, code, level, motivation in rows:
        assessment = found.get(assessment_id)
        if assessment is None:
            assessment = found[assessment_id] = Assessment(
                assessment_id, assessed_on, assessor_id, subject, {}, {}
            )
        if code is not None:
            assessment.levels[code] = level
            if motivation:
                assessment.motivations[code] = motivation
    return list(found.values())


def _recent_assessments_statement():
    """Built once, for the dashboard: parameters subject_id and self_count."""
    subject_id = bindparam("subject_id", type_=Integer)
    is_self = (CompetencyAssessment.assessor_id == subject_id).label("is_self")
    ranked = (
        select(
            CompetencyAssessment.id,
            is_self,
            func.row_number().over(partition_by=is_self, order_by=_NEWEST_FIRST).label("n"),
        )
        .where(CompetencyAssessment.subject_id == subject_id)
        .subquery()
    )
    wanted = select(ranked.c.id).where(
        or_(
            and_(ranked.c.is_self, ranked.c.n <= bindparam("self_count", type_=Integer)),
            and_(not_(ranked.c.is_self), ranked.c.n == 1),
        )
    )
    return (
        select(*_ASSESSMENT_COLUMNS, *_RATING_COLUMNS[1:])
        .outerjoin(CompetencyRating, CompetencyRating.assessment_id == CompetencyAssessment.id)
        .where(CompetencyAssessment.id.in_(wanted))
        .order_by(*_NEWEST_FIRST)
    )


# Plain columns, not ORM objects: a dashboard reads three assessments and thirty ratings, and
# building an ORM instance of each cost more than the two statements themselves.
_ASSESSMENT_COLUMNS = (
    CompetencyAssessment.id,
    CompetencyAssessment.assessed_on,
    CompetencyAssessment.assessor_id,
    CompetencyAssessment.subject_id,
)
_RATING_COLUMNS = (
    CompetencyRating.assessment_id,
    CompetencyRating.competency_code,
    CompetencyRating.level_code,
    CompetencyRating.motivation,
)
_NEWEST_FIRST = (CompetencyAssessment.assessed_on.desc(), CompetencyAssessment.id.desc())
_RECENT_ASSESSMENTS = _recent_assessments_statement()
# Built once (building and keying it cost about as much as running it): parameter subject_id.
_ALL_ASSESSMENTS = (
    select(*_ASSESSMENT_COLUMNS, *_RATING_COLUMNS[1:])
    .outerjoin(CompetencyRating, CompetencyRating.assessment_id == CompetencyAssessment.id)
    .where(CompetencyAssessment.subject_id == bindparam("subject_id", type_=Integer))
    .order_by(*_NEWEST_FIRST)
)


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
