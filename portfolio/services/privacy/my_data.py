""" "Download my data": everything of one worker as JSON plus the original evidence files.

AVG art. 15 (access) and art. 20 (portability). Exactly the requesting worker's data: every
query below filters on that worker's id. Besides the portfolio itself: the sign-off history of
their entries (with the supervisors' comments), the feedback they asked for with the answers
(an outside respondent's e-mail address and the link's hash stay out), every version of their
yearly evaluations, and their notifications.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel

from portfolio.models import (
    AuditEvent,
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryTag,
    EvidenceFile,
    FeedbackRequest,
    GoalEvidence,
    Notification,
    Registration,
    Team,
    User,
    YearlyEvaluation,
)
from portfolio.services.entries.entry_status import shown_status
from portfolio.services.organisation import org_settings
from portfolio.services.privacy import audit

SPOOL_BYTES = 16 * 1024 * 1024
SECRET_USER_FIELDS = {"password_hash", "session_token"}
# The link's hash is a credential; an outside respondent's address is theirs, not the worker's.
FEEDBACK_LEFT_OUT = {"token_hash", "respondent_email"}
# The supervisor's text and agreements are a draft of theirs until the evaluation is completed.
SUPERVISOR_DRAFT = {"supervisor_evaluation", "agreements"}
SHARED_WITH_THE_WORKER = {"completed", "signed"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _row(model: SQLModel, exclude: set[str] = frozenset()) -> dict:
    return {
        column.name: _plain(getattr(model, column.name))
        for column in model.__table__.columns
        if column.name not in exclude and column.name != "data"
    }


def safe_filename(name: str) -> str:
    """A file name without directories or odd characters, for inside the archive."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return cleaned.strip("._") or "file"


def collect(db: Session, *, user: User) -> dict:
    """All of `user`'s data as plain JSON-ready values (evidence file contents excluded)."""
    entries = db.scalars(select(Entry).where(Entry.owner_id == user.id).order_by(Entry.id)).all()
    entry_ids = [e.id for e in entries]
    tags = db.scalars(select(EntryTag).where(EntryTag.entry_id.in_(entry_ids))).all()
    participants = db.scalars(
        select(EntryParticipant).where(EntryParticipant.entry_id.in_(entry_ids))
    ).all()
    assessments = db.scalars(
        select(CompetencyAssessment).where(CompetencyAssessment.subject_id == user.id)
    ).all()
    ratings = db.scalars(
        select(CompetencyRating).where(
            CompetencyRating.assessment_id.in_([a.id for a in assessments])
        )
    ).all()
    goals = db.scalars(select(DevelopmentGoal).where(DevelopmentGoal.owner_id == user.id)).all()
    goal_links = db.scalars(
        select(GoalEvidence).where(GoalEvidence.goal_id.in_([g.id for g in goals]))
    ).all()
    actor = aliased(User)
    accesses = db.execute(
        select(AuditEvent, actor.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_user_id == user.id)
        .order_by(AuditEvent.at)
    ).all()
    events = db.execute(
        select(EntryEvent, actor.name)
        .outerjoin(actor, actor.id == EntryEvent.actor_id)
        .where(EntryEvent.entry_id.in_(entry_ids))
        .order_by(EntryEvent.at, EntryEvent.id)
    ).all()
    feedback = db.scalars(
        select(FeedbackRequest)
        .where(FeedbackRequest.requester_id == user.id)
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    ).all()
    evaluations = db.scalars(
        select(YearlyEvaluation)
        .where(YearlyEvaluation.worker_id == user.id)
        .order_by(YearlyEvaluation.year, YearlyEvaluation.version)
    ).all()
    notifications = db.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    ).all()
    team = db.get(Team, user.team_id) if user.team_id else None
    kinds = org_settings.signoff_kinds(db, organisation_id=user.organisation_id)
    files = db.scalars(select(EvidenceFile).where(EvidenceFile.owner_id == user.id)).all()
    return {
        "profile": {**_row(user, SECRET_USER_FIELDS), "team": team.name if team else None},
        # "status_shown": the status in the app's words ("recorded" for a saved entry that
        # needs no sign-off; the stored "draft" otherwise only means "not submitted yet").
        "entries": [
            {**_row(e), "status_shown": shown_status(e.status, e.kind, kinds)} for e in entries
        ],
        "entry_tags": [_row(t) for t in tags],
        "entry_participants": [_row(p) for p in participants],
        "entry_events": [{**_row(event), "by": name} for event, name in events],
        "evidence_files": [
            {**_row(f), "archive_path": f"evidence/{f.id}-{safe_filename(f.filename)}"}
            for f in files
        ],
        "registrations": [
            _row(r)
            for r in db.scalars(select(Registration).where(Registration.owner_id == user.id))
        ],
        "competency_assessments": [_row(a) for a in assessments],
        "competency_ratings": [_row(r) for r in ratings],
        "development_goals": [_row(g) for g in goals],
        "goal_evidence": [_row(link) for link in goal_links],
        "feedback_requests": [_row(f, FEEDBACK_LEFT_OUT) for f in feedback],
        "yearly_evaluations": [
            _row(e, set() if e.status in SHARED_WITH_THE_WORKER else SUPERVISOR_DRAFT)
            for e in evaluations
        ],
        "notifications": [_row(n) for n in notifications],
        "access_log": [
            {"at": _plain(event.at), "action": event.action, "by": name} for event, name in accesses
        ],
    }


def write_archive(
    db: Session, *, user: User, index_html: Callable[[dict], str] | None = None
) -> IO[bytes]:
    """The ZIP archive in a spooled temporary file (memory first, disk when large). Audited.

    Beside vakbekwaam.json, `index_html(data)` (the view renders it in the reader's language)
    becomes index.html: the same data, readable in a browser, linking the evidence files."""
    data = collect(db, user=user)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - caller closes
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if index_html is not None:
            archive.writestr("index.html", index_html(data))
        archive.writestr("vakbekwaam.json", json.dumps(data, indent=2, ensure_ascii=False))
        for meta in data["evidence_files"]:
            content = db.scalar(select(EvidenceFile.data).where(EvidenceFile.id == meta["id"]))
            archive.writestr(meta["archive_path"], content)
    audit.record(
        db,
        actor=user,
        action="export_my_data",
        subject_user_id=user.id,
        detail=f"entries={len(data['entries'])} files={len(data['evidence_files'])}",
    )
    db.flush()
    spool.seek(0)
    return spool
