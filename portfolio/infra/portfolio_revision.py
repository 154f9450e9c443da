"""A counter per person that changes whenever something their dashboard shows changes.

The worker dashboard is cached by (person, revision, day, language), so the revision must
never lag behind the data. It is kept in this one place rather than by every service: each ORM
flush, and each UPDATE or DELETE run through a session, that touches one of the tables below
raises the revision of the people concerned, in the same transaction (an INSERT statement
too, when its rows are given as parameters). What a person's
dashboard shows: their entries and tags, registrations, goals and their evidence, assessments
of them and their ratings, and their organisation's threshold overrides; for its to-do block
also the sessions they are asked to confirm, the feedback asked of them and their yearly
evaluations.

Writes that bypass the session are the demo loader's COPY, which writes history only for
people it has just created (who have no cached page yet). Anything else that writes these
tables without the session must call `bump`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, event, select, update
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from portfolio.infra.bulk_reads import ids_in
from portfolio.models import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryParticipant,
    EntryTag,
    FeedbackRequest,
    GoalEvidence,
    Registration,
    ThresholdOverride,
    User,
    YearlyEvaluation,
)

# The person of a row, as (their column) or (the column of its parent, the parent's person).
_PERSON = {
    Entry: Entry.owner_id,
    Registration: Registration.owner_id,
    DevelopmentGoal: DevelopmentGoal.owner_id,
    CompetencyAssessment: CompetencyAssessment.subject_id,
    # The to-do block (services.overviews.todo): attendance, feedback to give, evaluations.
    EntryParticipant: EntryParticipant.user_id,
    FeedbackRequest: FeedbackRequest.respondent_id,
    YearlyEvaluation: YearlyEvaluation.worker_id,
}
_VIA_PARENT = {
    EntryTag: (EntryTag.entry_id, Entry.id, Entry.owner_id),
    GoalEvidence: (GoalEvidence.goal_id, DevelopmentGoal.id, DevelopmentGoal.owner_id),
    CompetencyRating: (
        CompetencyRating.assessment_id,
        CompetencyAssessment.id,
        CompetencyAssessment.subject_id,
    ),
}
_MODELS = frozenset((*_PERSON, *_VIA_PARENT, ThresholdOverride))
_BY_TABLE_NAME = {model.__tablename__: model for model in _MODELS}
_USERS: Table = User.__table__


def install() -> None:
    """Listen to every session's flushes and write statements (once per process; idempotent)."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _around_statement)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def bump(db: Session, *, user_ids: Iterable[int]) -> None:
    """Raise the revision of these people (in the caller's transaction)."""
    ids = sorted({i for i in user_ids if i is not None})
    if ids:
        _raise_where(db, ids_in(_USERS.c.id, ids))  # any number of ids (a 70,000-person demo)


def bump_organisations(db: Session, *, organisation_ids: Iterable[int]) -> None:
    """Raise the revision of everyone in these organisations (their thresholds changed)."""
    ids = sorted(set(organisation_ids))
    if ids:
        _raise_where(db, _USERS.c.organisation_id.in_(ids))


def _raise_where(db: Session, where) -> None:
    db.connection().execute(
        update(_USERS).where(where).values(portfolio_revision=_USERS.c.portfolio_revision + 1)
    )


def _owners_of_parents(db: Session, model, parent_ids: Iterable[int]) -> set[int]:
    """The people of the parent rows (entries, goals, assessments) of a child model's rows."""
    _child_column, parent_id, parent_person = _VIA_PARENT[model]
    ids = sorted(set(parent_ids))
    if not ids:
        return set()
    return set(db.connection().scalars(select(parent_person).where(ids_in(parent_id, ids))))


def _after_flush(session: Session, _context) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.deleted, *session.dirty)
        if type(obj) in _MODELS
        and (obj in session.new or obj in session.deleted or session.is_modified(obj))
    ]
    if not changed:
        return
    people = {getattr(obj, _PERSON[type(obj)].key) for obj in changed if type(obj) in _PERSON}
    for model, (child_column, _parent_id, _person) in _VIA_PARENT.items():
        parents = {getattr(obj, child_column.key) for obj in changed if type(obj) is model}
        people |= _owners_of_parents(session, model, parents)
    bump(session, user_ids=people)
    organisations = {o.organisation_id for o in changed if type(o) is ThresholdOverride}
    bump_organisations(session, organisation_ids=organisations)


def _around_statement(state: ORMExecuteState):
    """Find the people a write statement concerns (before it runs: a DELETE leaves no rows to
    ask), run it, then raise their revision: the data rows are locked before the person's row,
    in the same order as a flush, so two writers never wait on each other in a circle."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    model = _BY_TABLE_NAME.get(getattr(table, "name", None))
    if model is None:
        return None
    people, organisations = _inserted(state, model) if state.is_insert else _affected(state, model)
    result = state.invoke_statement()
    bump(state.session, user_ids=people)
    bump_organisations(state.session, organisation_ids=organisations)
    return result


def _affected(state: ORMExecuteState, model) -> tuple[set[int], set[int]]:
    """(people, organisations) of the rows an UPDATE or DELETE statement will touch."""
    if model is ThresholdOverride:
        found = select(ThresholdOverride.organisation_id)
    elif model in _PERSON:
        found = select(_PERSON[model])
    else:
        child_column, parent_id, parent_person = _VIA_PARENT[model]
        found = select(parent_person).join(model, child_column == parent_id)
    where = state.statement.whereclause
    if where is not None:
        found = found.where(where)
    ids = set(state.session.connection().scalars(found))
    return (set(), ids) if model is ThresholdOverride else (ids, set())


def _inserted(state: ORMExecuteState, model) -> tuple[set[int], set[int]]:
    """(people, organisations) of an INSERT statement's rows, given as parameters (one dict
    or a list of them). An INSERT … SELECT names no rows: its caller bumps (entries'
    corrections are new entries, flushed first, which bumps their owner)."""
    rows = state.parameters
    rows = [rows] if isinstance(rows, dict) else list(rows or [])
    if model is ThresholdOverride:
        return set(), {r["organisation_id"] for r in rows}
    if model in _PERSON:
        return {r.get(_PERSON[model].key) for r in rows}, set()
    child = _VIA_PARENT[model][0].key
    parents = {r[child] for r in rows if child in r}
    return _owners_of_parents(state.session, model, parents), set()
