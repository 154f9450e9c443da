"""The yearly evaluation (jaargesprek): prepare → complete → both sign → locked.

Kwaliteitslabel Organisatie 3.10 (seed 003) asks for a yearly evaluation of every employee with
recorded agreements; CAO Sociaal Werk art. 3.2 for a yearly conversation in writing. The worker
prepares (self-evaluation), the facts come from the portfolio (evaluation_facts), the supervisor
who leads the worker's team adds an evaluation and the agreements (each becomes a development
goal) and both sign. Who may do and read what: portfolio.access, yearly-evaluation section.

- Completing does not need a preparation: a worker who does not prepare cannot block the
  evaluation the organisation owes every employee.
- A signature covers the content as it stood: changing it (either part) before both signed
  withdraws the signatures given, so both always sign the same text. Once both signed, the
  evaluation is locked; the supervisor corrects it by opening a new version (the signed one is
  kept, `is_current` moves) that both sign again.
- Concurrent edits: every change names the `updated_at` its page was opened with; an UPDATE that
  finds another value changes nothing and raises `Stale` (the idea of the sign-off version).
  Each write moves `updated_at` forward, even when the clock did not.
- Nothing is written by looking: a page shows `unsaved(...)` until the first save.
- The facts are stored with the evaluation when the worker prepares and when the supervisor
  completes (as of the year's end, or that day within the year); signing stores nothing, and
  any later change withdraws the signatures. So a signed evaluation's `facts` are exactly the
  figures both read and signed; HR's export gives those, not figures computed afresh.

Agreements and goals: evaluation_agreements; team and organisation lists: evaluation_listings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portfolio import access
from portfolio.models import (
    CompetencyAssessment,
    EvaluationStatus,
    TeamLead,
    User,
    YearlyEvaluation,
)
from portfolio.services.evaluations.evaluation_agreements import (
    Agreement,
    agreements_text,
    replace_goals,
)
from portfolio.services.evaluations.evaluation_facts import facts_for
from portfolio.services.people.people import PersonNotVisible, led_team_ids
from portfolio.services.privacy import audit

SELF_EVALUATION_PARTS = ("year_in_short", "went_well", "to_develop")
SIGNED = EvaluationStatus.SIGNED.value
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COMPLETED = EvaluationStatus.COMPLETED.value


class Stale(RuntimeError):
    """Someone changed the evaluation since it was opened; nothing was written."""


class Locked(PermissionError):
    """The evaluation is signed (or not in the state the action needs)."""


def current(db: Session, *, worker_id: int, year: int) -> YearlyEvaluation | None:
    """The current version of a worker's evaluation of a year, if one was saved."""
    return db.scalars(
        select(YearlyEvaluation).where(
            YearlyEvaluation.worker_id == worker_id,
            YearlyEvaluation.year == year,
            YearlyEvaluation.is_current.is_(True),
        )
    ).first()


def versions(db: Session, *, worker_id: int, year: int) -> list[YearlyEvaluation]:
    """Every version of a worker's evaluation of a year, newest first."""
    return db.scalars(
        select(YearlyEvaluation)
        .where(YearlyEvaluation.worker_id == worker_id, YearlyEvaluation.year == year)
        .order_by(YearlyEvaluation.version.desc())
    ).all()


def unsaved(*, worker: User, year: int) -> YearlyEvaluation:
    """A not-started evaluation to show before anything is saved (not added to the session)."""
    return YearlyEvaluation(organisation_id=worker.organisation_id, worker_id=worker.id, year=year)


def get_or_start(db: Session, *, worker: User, year: int, now: datetime) -> YearlyEvaluation:
    """The current evaluation, created (not started) when there is none."""
    found = current(db, worker_id=worker.id, year=year)
    if found is not None:
        return found
    evaluation = YearlyEvaluation(
        organisation_id=worker.organisation_id,
        worker_id=worker.id,
        year=year,
        created_at=now,
        updated_at=now,
    )
    db.add(evaluation)
    try:
        db.flush()
    except IntegrityError:  # started at the same moment by the other party
        db.rollback()
        return current(db, worker_id=worker.id, year=year)
    return evaluation


def leads(db: Session, *, supervisor: User, worker: User) -> bool:
    """True when `supervisor` leads the worker's team (and is not the worker)."""
    return access.may_lead_evaluation(
        supervisor, worker, led_team_ids=led_team_ids(db, user=supervisor)
    )


def current_in(history: Sequence[YearlyEvaluation]) -> YearlyEvaluation | None:
    """The current version among a year's versions."""
    return next((version for version in history if version.is_current), None)


def for_supervisor(db: Session, *, supervisor: User, member_id: int, year: int):
    """(member, versions of the year newest first) for the member's supervisor; audited.

    One statement finds the member, whether the supervisor leads their team, and the versions.
    """
    rows = db.execute(
        select(User, TeamLead.team_id, YearlyEvaluation)
        .outerjoin(
            TeamLead, and_(TeamLead.team_id == User.team_id, TeamLead.user_id == supervisor.id)
        )
        .outerjoin(
            YearlyEvaluation,
            and_(YearlyEvaluation.worker_id == User.id, YearlyEvaluation.year == year),
        )
        .where(User.id == member_id)
        .order_by(YearlyEvaluation.version.desc())
    ).all()
    member = rows[0][0] if rows else None
    led = {team_id for _user, team_id, _version in rows if team_id is not None}
    if member is None or not access.may_lead_evaluation(supervisor, member, led_team_ids=led):
        raise PersonNotVisible(member_id)
    history = [version for _user, _team_id, version in rows if version is not None]
    current = current_in(history)
    audit.record_view(
        db,
        actor=supervisor,
        action="view_evaluation",
        subject_user_id=member.id,
        subject_type="yearly_evaluation",
        subject_id=current.id if current else None,
        detail=str(year),
    )
    return member, history


def _write(
    db: Session,
    evaluation: YearlyEvaluation,
    expected: datetime | None,
    values: dict,
    *,
    now: datetime,
) -> None:
    """Update only if nobody changed the row since `expected`; raises Stale otherwise."""
    if expected is None:
        raise Stale(evaluation.id)
    stamp = max(now, expected + timedelta(microseconds=1))
    changed = db.execute(
        update(YearlyEvaluation)
        .where(YearlyEvaluation.id == evaluation.id, YearlyEvaluation.updated_at == expected)
        .values(**values, updated_at=stamp)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.rollback()
        raise Stale(evaluation.id)
    db.refresh(evaluation)


def _opened(db, *, worker: User, year: int, expected: datetime | None, now: datetime):
    """The evaluation a page posted to and the `updated_at` to check; created on first save."""
    evaluation = current(db, worker_id=worker.id, year=year)
    if evaluation is None:
        if expected is not None:
            raise Stale(year)
        evaluation = get_or_start(db, worker=worker, year=year, now=now)
        return evaluation, evaluation.updated_at
    if evaluation.status == SIGNED:
        raise Locked(evaluation.id)
    return evaluation, expected


def _facts(db: Session, evaluation: YearlyEvaluation, today: date) -> dict:
    return facts_for(
        db,
        organisation_id=evaluation.organisation_id,
        worker_ids=[evaluation.worker_id],
        year=evaluation.year,
        today=today,
    )[evaluation.worker_id]


def prepare(
    db: Session,
    *,
    worker: User,
    year: int,
    parts: dict[str, str],
    expected: datetime | None,
    now: datetime,
    today: date,
) -> YearlyEvaluation:
    """The worker's preparation: the self-evaluation and fresh facts."""
    evaluation, expected = _opened(db, worker=worker, year=year, expected=expected, now=now)
    if not access.may_prepare_evaluation(worker, evaluation):
        raise PersonNotVisible(evaluation.id)
    status = evaluation.status
    if status == EvaluationStatus.NOT_STARTED:
        status = EvaluationStatus.PREPARED.value
    _write(
        db,
        evaluation,
        expected,
        {
            "self_evaluation": {k: (parts.get(k) or "").strip() for k in SELF_EVALUATION_PARTS},
            "facts": _facts(db, evaluation, today),
            "status": status,
            "prepared_at": now,
            "worker_signed_at": None,
            "supervisor_signed_at": None,
        },
        now=now,
    )
    return evaluation


def complete(
    db: Session,
    *,
    supervisor: User,
    worker: User,
    year: int,
    text: str,
    agreements: Sequence[Agreement],
    expected: datetime | None,
    now: datetime,
    today: date,
) -> YearlyEvaluation:
    """The supervisor's evaluation and agreements; the agreements become goals."""
    if not leads(db, supervisor=supervisor, worker=worker):
        raise PersonNotVisible(worker.id)
    evaluation, expected = _opened(db, worker=worker, year=year, expected=expected, now=now)
    facts = _facts(db, evaluation, today)
    _write(
        db,
        evaluation,
        expected,
        {
            "supervisor_id": supervisor.id,
            "supervisor_evaluation": text.strip(),
            "agreements": agreements_text(agreements),
            "facts": facts,
            "status": COMPLETED,
            "completed_at": now,
            "worker_signed_at": None,
            "supervisor_signed_at": None,
        },
        now=now,
    )
    replace_goals(
        db, evaluation=evaluation, worker=worker, agreements=agreements, facts=facts, now=now
    )
    audit.record(
        db,
        actor=supervisor,
        action="evaluation_completed",
        subject_user_id=worker.id,
        subject_type="yearly_evaluation",
        subject_id=evaluation.id,
    )
    db.flush()
    return evaluation


def sign(
    db: Session,
    *,
    user: User,
    evaluation: YearlyEvaluation,
    expected: datetime | None,
    now: datetime,
) -> None:
    """The worker or the supervisor signs a completed evaluation; both → signed.

    Signing twice keeps the first signature.
    """
    worker = db.get(User, evaluation.worker_id)
    if access.may_prepare_evaluation(user, evaluation):
        mine, theirs = "worker_signed_at", "supervisor_signed_at"
    elif leads(db, supervisor=user, worker=worker):
        mine, theirs = "supervisor_signed_at", "worker_signed_at"
    else:
        raise PersonNotVisible(evaluation.id)
    if evaluation.status != COMPLETED:
        raise Locked(evaluation.id)
    if getattr(evaluation, mine) is not None:
        return
    values: dict = {mine: now}
    if mine == "supervisor_signed_at":
        values["supervisor_id"] = user.id
    if getattr(evaluation, theirs) is not None:
        # The second signature freezes the figures as both saw them: live until now.
        values["status"] = SIGNED
        values["facts"] = _facts(db, evaluation, now.astimezone(AMSTERDAM).date())
    _write(db, evaluation, expected, values, now=now)


def correct(
    db: Session,
    *,
    supervisor: User,
    evaluation: YearlyEvaluation,
    expected: datetime | None,
    now: datetime,
) -> YearlyEvaluation:
    """A new version of a signed evaluation, to change and sign again; the old one stays."""
    worker = db.get(User, evaluation.worker_id)
    if not leads(db, supervisor=supervisor, worker=worker):
        raise PersonNotVisible(evaluation.id)
    if evaluation.status != SIGNED or not evaluation.is_current:
        raise Locked(evaluation.id)
    _write(db, evaluation, expected, {"is_current": False}, now=now)
    copy = YearlyEvaluation(
        organisation_id=evaluation.organisation_id,
        worker_id=evaluation.worker_id,
        supervisor_id=supervisor.id,
        year=evaluation.year,
        version=evaluation.version + 1,
        status=COMPLETED,
        self_evaluation=evaluation.self_evaluation,
        supervisor_evaluation=evaluation.supervisor_evaluation,
        agreements=evaluation.agreements,
        facts=evaluation.facts,
        prepared_at=evaluation.prepared_at,
        completed_at=now,
        created_at=now,
        updated_at=now,
    )
    db.add(copy)
    audit.record(
        db,
        actor=supervisor,
        action="evaluation_corrected",
        subject_user_id=worker.id,
        subject_type="yearly_evaluation",
        subject_id=evaluation.id,
    )
    try:
        db.flush()
    except IntegrityError as error:  # another correction of the same version came first
        db.rollback()
        raise Stale(evaluation.id) from error
    return copy


def signer_names(
    db: Session, *, evaluations: Sequence[YearlyEvaluation], known: Sequence[User] = ()
) -> dict[int, str]:
    """{user id: name} of the workers and supervisors of these evaluations; a query only for
    people not already `known`."""
    names = {user.id: user.name for user in known}
    ids = {e.worker_id for e in evaluations} | {e.supervisor_id for e in evaluations}
    ids -= {None, *names}
    if ids:
        names.update(db.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return names


def latest_self_assessment_on(db: Session, *, worker: User) -> date | None:
    """The date of the worker's latest competency self-assessment (None: never): one query."""
    return db.scalar(
        select(func.max(CompetencyAssessment.assessed_on)).where(
            CompetencyAssessment.subject_id == worker.id,
            CompetencyAssessment.assessor_id == worker.id,
            CompetencyAssessment.organisation_id == worker.organisation_id,
        )
    )


def facts_shown(db: Session, *, evaluation: YearlyEvaluation, today: date) -> dict:
    """The year in figures: live (computed now) until both signed, so a changed threshold or a
    new entry shows; frozen once signed (the figures stored at the second signature)."""
    if evaluation.status == SIGNED and evaluation.facts:
        return evaluation.facts
    return _facts(db, evaluation, today)


def save_draft(
    db: Session,
    *,
    supervisor: User,
    worker: User,
    year: int,
    text: str,
    agreements: Sequence[Agreement],
    expected: datetime | None,
    now: datetime,
) -> YearlyEvaluation:
    """The supervisor's evaluation and agreements saved as a draft: not completed, no goals
    made, nothing for the worker to sign yet, the status as it was."""
    if not leads(db, supervisor=supervisor, worker=worker):
        raise PersonNotVisible(worker.id)
    evaluation, expected = _opened(db, worker=worker, year=year, expected=expected, now=now)
    if evaluation.status in (COMPLETED, SIGNED):
        raise Locked(evaluation.id)  # a completed one is changed by completing it again
    _write(
        db,
        evaluation,
        expected,
        {
            "supervisor_id": supervisor.id,
            "supervisor_evaluation": text.strip(),
            "agreements": agreements_text(agreements),
        },
        now=now,
    )
    return evaluation
