"""Development goals (POP): competency, current and target level, actions, due date, status and
the entries linked as evidence.

Levels are the four proficiency levels and competencies the ten Wmo competencies (seed 004, see
each record's `source`). A goal's title and actions go through the privacy scan like entries do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Integer, bindparam, delete, or_, select, update
from sqlmodel import Session

import competencies
from portfolio import access
from portfolio.errors import NotFound
from portfolio.infra import like
from portfolio.models import DevelopmentGoal, Entry, GoalEvidence, GoalStatus, User
from portfolio.pagination import Page, paginate
from portfolio.services.development.development import (
    COMPETENCY_CODES,
    LEVEL_RANKS,
    scan_texts,
)
from portfolio.services.people.people import PersonNotVisible
from portfolio.services.privacy import audit

OPEN_STATUSES = (GoalStatus.OPEN.value, GoalStatus.IN_PROGRESS.value)


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


def goal_findings(data: GoalInput) -> dict[str, list[competencies.Finding]]:
    """{"title" | "actions": findings} of the privacy scan over the goal's free text."""
    return scan_texts({"title": data.title, "actions": data.actions})


class StaleGoal(Exception):
    """The goal was changed after the form that tried to save it was shown."""


def save_goal(
    db: Session,
    *,
    owner: User,
    data: GoalInput,
    now: datetime,
    goal: DevelopmentGoal | None = None,
    privacy_confirmed: bool = False,
    shown_version: int | None = None,
) -> DevelopmentGoal:
    """Create or change a goal of the owner. The caller validated `data`.

    `privacy_confirmed`: the owner saves despite privacy findings in the text (audited).
    `shown_version`: the version the form showed; when another save raised it meanwhile,
    StaleGoal is raised and nothing changes (the version is claimed in one UPDATE, so two saves
    at the same moment cannot both win).
    """
    if goal is not None:
        expected = goal.version if shown_version is None else shown_version
        won = db.execute(
            update(DevelopmentGoal)
            .where(DevelopmentGoal.id == goal.id, DevelopmentGoal.version == expected)
            .values(version=expected + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            raise StaleGoal(goal.id)
        goal.version = expected + 1
    if goal is None:
        goal = DevelopmentGoal(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            created_at=now,
            competency_code="",
            current_level="",
            target_level="",
            title="",
        )
    for name, value in vars(data).items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)
    goal.actions = goal.actions or None
    goal.updated_at = now
    db.add(goal)
    if privacy_confirmed:
        db.flush()  # the new goal's id, for the audit event
        audit.record_privacy_override(
            db,
            actor=owner,
            subject_id=owner.id,
            subject_type="development_goal",
            object_id=goal.id,
            fields=goal_findings(data) or ["text"],
        )
    db.flush()
    return goal


class GoalNotFound(NotFound):
    """No such goal of this owner (another worker's goal does not exist for them)."""


def own_goal(db: Session, *, owner: User, goal_id: int) -> DevelopmentGoal:
    """The owner's goal; raises GoalNotFound otherwise."""
    goal = db.get(DevelopmentGoal, goal_id)
    if goal is None or goal.owner_id != owner.id:
        raise GoalNotFound(goal_id)
    return goal


def delete_goal(db: Session, *, goal: DevelopmentGoal) -> None:
    """Delete a goal with its evidence links (the entries stay)."""
    db.delete(goal)
    db.flush()


def goals_of(db: Session, *, owner_id: int, open_only: bool = False, limit: int | None = None):
    """The owner's goals: open ones first, earliest due date first."""
    values = {"owner_id": owner_id} | ({"limit": limit} if limit else {})
    return db.scalars(_goals_statement(open_only, bool(limit)), values).all()


@cache
def _goals_statement(open_only: bool, limited: bool):
    """Built once per shape, values bound (building and keying it cost about as much as
    running it): parameters owner_id and, when limited, limit."""
    statement = select(DevelopmentGoal).where(
        DevelopmentGoal.owner_id == bindparam("owner_id", type_=Integer)
    )
    if open_only:
        statement = statement.where(DevelopmentGoal.status.in_(OPEN_STATUSES))
    statement = statement.order_by(
        DevelopmentGoal.status.in_(OPEN_STATUSES).desc(),
        DevelopmentGoal.due_on.is_(None),
        DevelopmentGoal.due_on,
        DevelopmentGoal.id,
    )
    return statement.limit(bindparam("limit", type_=Integer)) if limited else statement


def evidence_ids(db: Session, *, goal_id: int) -> list[int]:
    """Ids of the entries linked to a goal."""
    return list(db.scalars(select(GoalEvidence.entry_id).where(GoalEvidence.goal_id == goal_id)))


def linkable_entries(db: Session, *, owner_id: int, goal_id: int | None = None, limit: int = 50):
    """The owner's `limit` most recent entries plus those linked to the goal, newest first, to
    choose evidence from: (id, title, occurred_on) rows, one statement however many are linked
    (older ones are found on the goal's evidence page)."""
    latest = (
        select(Entry.id)
        .where(Entry.owner_id == owner_id)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
        .limit(limit)
    )
    shown = Entry.id.in_(latest)
    if goal_id is not None:
        linked = select(GoalEvidence.entry_id).where(GoalEvidence.goal_id == goal_id)
        shown = or_(shown, Entry.id.in_(linked))
    return db.execute(
        select(Entry.id, Entry.title, Entry.occurred_on)
        .where(Entry.owner_id == owner_id, shown)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    ).all()


def entries_to_link(
    db: Session, *, owner_id: int, goal_id: int, text: str = "", page: int = 1, per_page: int = 25
) -> Page:
    """The owner's entries not yet linked to the goal, newest first, whose title contains
    `text`: one page of (id, kind, title, occurred_on) rows (two statements)."""
    linked = select(GoalEvidence.entry_id).where(GoalEvidence.goal_id == goal_id)
    statement = select(Entry.id, Entry.kind, Entry.title, Entry.occurred_on).where(
        Entry.owner_id == owner_id, Entry.id.not_in(linked)
    )
    if text:
        statement = statement.where(Entry.title.ilike(like.containing(text), escape=like.ESCAPE))
    statement = statement.order_by(Entry.occurred_on.desc(), Entry.id.desc())
    return paginate(db, statement, page=page, per_page=per_page, scalars=False)


def link_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_id: int) -> None:
    """Link one of the owner's own entries to their goal.

    Raises PersonNotVisible when the goal or the entry is not the owner's (or the entry is gone).
    """
    entry = db.get(Entry, entry_id)
    if not access.is_owner(owner, goal.owner_id) or entry is None or entry.owner_id != owner.id:
        raise PersonNotVisible(entry_id)
    if db.get(GoalEvidence, (goal.id, entry.id)) is None:
        db.add(GoalEvidence(goal_id=goal.id, entry_id=entry.id))
    db.flush()


def unlink_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_id: int) -> bool:
    """Remove an entry from the owner's goal (the entry stays); False when not linked."""
    if not access.is_owner(owner, goal.owner_id):
        raise PersonNotVisible(goal.id)
    removed = db.execute(
        delete(GoalEvidence).where(
            GoalEvidence.goal_id == goal.id, GoalEvidence.entry_id == entry_id
        )
    ).rowcount
    db.flush()
    return bool(removed)


def evidence_entries(db: Session, *, goal_id: int) -> list[Entry]:
    """The entries linked to a goal, newest first (one statement)."""
    return db.scalars(
        select(Entry)
        .join(GoalEvidence, GoalEvidence.entry_id == Entry.id)
        .where(GoalEvidence.goal_id == goal_id)
        .order_by(Entry.occurred_on.desc(), Entry.id.desc())
    ).all()


def set_evidence(db: Session, *, owner: User, goal: DevelopmentGoal, entry_ids: list[int]) -> int:
    """Link exactly these entries of the owner to the goal; others' ids are ignored."""
    own = set(
        db.scalars(select(Entry.id).where(Entry.id.in_(entry_ids), Entry.owner_id == owner.id))
    )
    db.execute(delete(GoalEvidence).where(GoalEvidence.goal_id == goal.id))
    for entry_id in sorted(own):
        db.add(GoalEvidence(goal_id=goal.id, entry_id=entry_id))
    db.flush()
    return len(own)
