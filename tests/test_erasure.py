"""Erasure (AVG art. 17): no row of the erased person's content is left in any table.

The check is generic: every column that refers to a person (a foreign key to user_account) must
be classified in erasure.PERSON_COLUMNS, and every column of every table is searched for the
worker's text markers. A new table with a person column fails here until erasure decides it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from portfolio.models import (
    AuditEvent,
    CalendarFeed,
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    Draft,
    Entry,
    EntryEvent,
    EntryParticipant,
    EntryTag,
    EvidenceFile,
    FeedbackRequest,
    FormTokenUse,
    GoalEvidence,
    KeptForm,
    LoginThrottle,
    Notification,
    NotificationPreference,
    OrganisationSettings,
    OutboxMessage,
    PasswordResetToken,
    RecoveryCode,
    Registration,
    RegistrationStanding,
    Reminder,
    Role,
    TeamLead,
    ThresholdOverride,
    User,
    YearlyEvaluation,
)
from portfolio.services.privacy import erasure
from tests.factories import make_organisation, make_team, make_user

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
MARK = "QZXW"  # every text of the worker to erase carries this marker


def _m(n: int) -> str:
    return f"{MARK}{n:03d}"


def _entry(db, owner, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind=fields.pop("kind", "reflection"),
        title=fields.pop("title", "Sessie"),
        occurred_on=date(2026, 3, 1),
        hours=Decimal("2"),
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.flush()
    return entry


def build_world(db):
    """A worker with a row in every kind of table, a supervisor and a colleague around them."""
    org = make_organisation(db)
    team = make_team(db, org)
    boss = make_user(db, org, role=Role.SUPERVISOR, leads=team, name="Sara Leidinga")
    colleague = make_user(db, org, team=team, name="Cor Collega")
    worker = make_user(
        db, org, team=team, name=f"Wim {_m(0)} Werker", email=f"{MARK.lower()}@example.org"
    )
    w = worker.id
    # Entries: a reflection (goes), a signed peer review (stays as a signature record), a shared
    # session a colleague copied (the copy is the colleague's), a colleague's session attended.
    reflection = _entry(
        db,
        worker,
        title=_m(1),
        body=_m(2),
        sections={"template": "free", "phases": {"a": _m(3)}},
        learning_points=_m(4),
    )
    signed = _entry(
        db,
        worker,
        kind="peer_review",
        title=_m(5),
        case_description=_m(6),
        facilitator=_m(7),
        status="signed",
        signed_by_id=boss.id,
        signed_at=NOW,
        signed_hash="a" * 64,
    )
    shared = _entry(db, worker, kind="peer_review", title=_m(8), is_shared=True)
    copy = _entry(db, colleague, kind="peer_review", title="Kopie van de sessie")
    copy.copied_from_id = shared.id
    theirs = _entry(db, colleague, kind="peer_review", title="Sessie van Cor")
    colleague_signed = _entry(
        db, colleague, kind="peer_review", title="Door Wim getekend", status="signed"
    )
    _entry(db, worker, title=_m(9), supersedes_id=signed.id)
    db.add_all(
        [
            EntryTag(entry_id=reflection.id, vocabulary="competency", code="C1"),
            EntryTag(entry_id=signed.id, vocabulary="competency", code="C2"),
            EntryParticipant(entry_id=shared.id, user_id=colleague.id, confirmed_at=NOW),
            EntryParticipant(entry_id=theirs.id, user_id=w, confirmed_at=NOW),
            EntryEvent(entry_id=signed.id, actor_id=w, action="submitted", entry_version=1),
            EntryEvent(
                entry_id=signed.id,
                actor_id=boss.id,
                action="signed",
                comment=_m(10),
                entry_version=1,
            ),
            EntryEvent(entry_id=reflection.id, actor_id=w, action="submitted", entry_version=1),
            EvidenceFile(
                organisation_id=org.id,
                owner_id=w,
                entry_id=reflection.id,
                filename=f"{_m(11)}.pdf",
                content_type="application/pdf",
                size=4,
                sha256="b" * 64,
                data=b"%PDF",
            ),
            EvidenceFile(  # a pending certificate capture
                organisation_id=org.id,
                owner_id=w,
                filename=f"{_m(12)}.jpg",
                content_type="image/jpeg",
                size=3,
                sha256="c" * 64,
                data=b"JPG",
            ),
            Draft(owner_id=w, form_key="entry:new", fields={"body": _m(13)}),
            KeptForm(
                token_hash="d" * 64,
                user_id=w,
                path="/portfolio/entries/new",
                fields={"title": _m(14)},
                expires_at=NOW + timedelta(days=1),
            ),
            FormTokenUse(token_hash="e" * 64, user_id=w, result=f"/entries/{_m(15)}"),
        ]
    )
    colleague_signed.signed_by_id = w  # as if the worker had signed (was a supervisor once)
    db.flush()
    registration = Registration(
        organisation_id=org.id,
        owner_id=w,
        norm_id="skj",
        registration_number=_m(16),
        registered_on=date(2024, 1, 1),
    )
    db.add(registration)
    db.flush()
    db.add(
        RegistrationStanding(
            registration_id=registration.id,
            owner_id=w,
            organisation_id=org.id,
            norm_id="skj",
            computed_on=date(2026, 12, 7),
            revision=0,
        )
    )
    own = CompetencyAssessment(
        organisation_id=org.id,
        subject_id=w,
        assessor_id=w,
        assessed_on=date(2026, 1, 1),
        catalogue_version="test",
    )
    by_boss = CompetencyAssessment(
        organisation_id=org.id,
        subject_id=w,
        assessor_id=boss.id,
        assessed_on=date(2026, 2, 1),
        catalogue_version="test",
    )
    of_colleague = CompetencyAssessment(
        organisation_id=org.id,
        subject_id=colleague.id,
        assessor_id=w,
        assessed_on=date(2026, 2, 1),
        catalogue_version="test",
    )
    goal = DevelopmentGoal(
        organisation_id=org.id,
        owner_id=w,
        competency_code="C1",
        current_level="1",
        target_level="2",
        title=_m(17),
        actions=_m(18),
    )
    db.add_all([own, by_boss, of_colleague, goal])
    db.flush()
    db.add_all(
        [
            CompetencyRating(
                assessment_id=own.id, competency_code="C1", level_code="2", motivation=_m(19)
            ),
            CompetencyRating(
                assessment_id=by_boss.id,
                competency_code="C1",
                level_code="2",
                motivation=_m(20),
            ),
            CompetencyRating(
                assessment_id=of_colleague.id,
                competency_code="C1",
                level_code="2",
                motivation="Cor groeit",
            ),
            GoalEvidence(goal_id=goal.id, entry_id=reflection.id),
            FeedbackRequest(
                organisation_id=org.id,
                requester_id=w,
                respondent_name="Buiten Persoon",
                respondent_email="buiten@example.org",
                competency_codes=["C1"],
                message=_m(21),
                answer=_m(22),
                answered_at=NOW,
            ),
            FeedbackRequest(
                organisation_id=org.id,
                requester_id=colleague.id,
                respondent_id=w,
                respondent_name=worker.name,
                competency_codes=["C1"],
                message="Graag",
                answer="Cor luistert goed",
                answered_at=NOW,
            ),
            FeedbackRequest(
                organisation_id=org.id,
                requester_id=colleague.id,
                respondent_id=w,
                respondent_name=worker.name,
                competency_codes=["C1"],
                message="Nog open",
            ),
            YearlyEvaluation(
                organisation_id=org.id,
                worker_id=w,
                supervisor_id=boss.id,
                year=2025,
                status="signed",
                self_evaluation={"went_well": _m(23)},
                supervisor_evaluation=_m(24),
                agreements=_m(25),
                facts={"hours": 12},
                worker_signed_at=NOW,
                supervisor_signed_at=NOW,
            ),
            YearlyEvaluation(
                organisation_id=org.id,
                worker_id=w,
                supervisor_id=boss.id,
                year=2026,
                status="prepared",
                self_evaluation={"went_well": _m(26)},
            ),
            Reminder(
                organisation_id=org.id,
                user_id=w,
                subject_type="registration",
                subject_id=registration.id,
                kind="deadline",
                due_on=date(2027, 1, 1),
            ),
            Notification(
                organisation_id=org.id, user_id=w, kind="signoff", title=_m(27), body=_m(28)
            ),
            Notification(  # to the supervisor, naming the worker
                organisation_id=org.id,
                user_id=boss.id,
                kind="signoff",
                title=f"{worker.name} vraagt om aftekening",
                body="Bekijk de sessie",
            ),
            NotificationPreference(user_id=w, kind="signoff", by_email=False),
            CalendarFeed(user_id=w, token_hash="f" * 64),
            PasswordResetToken(user_id=w, token_hash="1" * 64, expires_at=NOW + timedelta(days=1)),
            RecoveryCode(user_id=w, code_hash="2" * 64),
            TeamLead(team_id=team.id, user_id=w),
            OutboxMessage(
                organisation_id=org.id,
                to_address=worker.email,
                subject=_m(29),
                body_text=_m(30),
            ),
            OutboxMessage(
                organisation_id=org.id,
                to_address=worker.email,
                subject="Verzonden",
                body_text=_m(31),
                status="sent",
                sent_at=NOW,
            ),
            OutboxMessage(
                organisation_id=org.id,
                to_address=boss.email,
                subject="Aftekenen",
                body_text=f"{worker.name} vraagt om aftekening",
            ),
            LoginThrottle(key=f"account:{worker.email}", window_start=NOW, failures=2),
            ThresholdOverride(
                organisation_id=org.id, norm_id="skj", thresholds={}, changed_by_id=w
            ),
            OrganisationSettings(organisation_id=org.id, updated_by_id=w),
            AuditEvent(organisation_id=org.id, actor_id=w, action="login", ip_address="192.0.2.7"),
            AuditEvent(
                organisation_id=org.id,
                actor_id=boss.id,
                action="view_portfolio",
                subject_user_id=w,
                detail=worker.name,
            ),
        ]
    )
    worker.totp_secret_encrypted = _m(32)
    worker.oidc_subject = _m(33)
    db.add(worker)
    db.commit()
    return {
        "org": org,
        "worker": worker,
        "boss": boss,
        "colleague": colleague,
        "signed": signed,
        "copy": copy,
        "theirs": theirs,
        "of_colleague": of_colleague,
    }


def person_columns() -> list[tuple[str, str]]:
    """Every (table, column) that holds a person's id: a foreign key to user_account.id."""
    found = [("user_account", "id")]
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
                found.append((table.name, column.name))
    return found


def test_every_person_column_is_decided_by_erasure():
    undecided = set(person_columns()) - set(erasure.PERSON_COLUMNS)
    assert not undecided, f"columns referring to a person that erasure does not handle: {undecided}"
    assert not set(erasure.PERSON_COLUMNS) - set(person_columns())


def _all_rows(db):
    connection = db.connection()
    for table in SQLModel.metadata.sorted_tables:
        for row in connection.execute(select(table)).mappings():
            yield table, dict(row)


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


def rows_left_of(db, w: int) -> list[tuple[str, str, dict]]:
    """Rows that still refer to person `w`, other than the documented co-owned ones."""
    owned = {row["id"]: row for row in db.connection().execute(select(Entry.__table__)).mappings()}

    def of_w(entry_id) -> bool:
        return owned.get(entry_id, {}).get("owner_id") == w

    allowed = {
        ("user_account", "id"): lambda r: (
            r["erased_at"] is not None and r["email"].endswith("@invalid")
        ),
        ("entry", "owner_id"): lambda r: (
            r["status"] == "signed" and r["title"] == "—" and r["body"] is None
        ),
        ("entry", "signed_by_id"): lambda r: r["owner_id"] != w,
        ("entry_participant", "user_id"): lambda r: not of_w(r["entry_id"]),
        ("competency_assessment", "assessor_id"): lambda r: r["subject_id"] != w,
        ("yearly_evaluation", "worker_id"): lambda r: (
            r["status"] == "signed"
            and r["self_evaluation"] is None
            and r["supervisor_evaluation"] is None
            and r["facts"] is None
        ),
        ("yearly_evaluation", "supervisor_id"): lambda r: r["worker_id"] != w,
        ("feedback_request", "respondent_id"): lambda r: (
            r["requester_id"] != w and r["respondent_name"] == erasure.PSEUDONYM
        ),
        ("entry_event", "actor_id"): lambda r: not of_w(r["entry_id"]) or r["comment"] is None,
        ("audit_event", "actor_id"): lambda r: r["ip_address"] is None,
        ("audit_event", "subject_user_id"): lambda r: True,
        ("threshold_override", "changed_by_id"): lambda r: True,
        ("organisation_settings", "updated_by_id"): lambda r: True,
        ("oidc_provider", "updated_by_id"): lambda r: True,
    }
    columns = set(person_columns())
    left = []
    for table, row in _all_rows(db):
        for name, value in row.items():
            if (table.name, name) in columns and value == w:
                check = allowed.get((table.name, name))
                if check is None or not check(row):
                    left.append((table.name, name, row))
    # A kept signature record has no tags, files or goal links (they are the worker's).
    for table, row in _all_rows(db):
        kept_links = {"entry_participant", "entry_event"}
        if "entry_id" in row and table.name not in kept_links and of_w(row["entry_id"]):
            left.append((table.name, "entry_id", row))
    return left


def test_no_row_of_the_erased_persons_content_is_left_in_any_table(db):
    world = build_world(db)
    worker = world["worker"]
    w = worker.id
    hr = make_user(db, world["org"], role=Role.HR)
    old_email = worker.email

    result = erasure.erase(db, person=worker, actor=hr, now=NOW, why="hr")
    db.commit()

    # No column anywhere holds the worker's text, name or address.
    leaks = [
        (table.name, name)
        for table, row in _all_rows(db)
        for name, value in row.items()
        if MARK in _text(value) or MARK.lower() in _text(value) or old_email in _text(value)
    ]
    assert leaks == []

    assert rows_left_of(db, w) == []

    # The entry events of the signed record: who submitted and who signed, when, no comment.
    events = db.scalars(select(EntryEvent).where(EntryEvent.entry_id == world["signed"].id)).all()
    assert sorted(e.action for e in events) == ["signed", "submitted"]
    # What colleagues co-own stays theirs.
    copy = db.get(Entry, world["copy"].id)
    assert copy is not None and copy.copied_from_id is None
    assert db.get(CompetencyAssessment, world["of_colleague"].id) is not None
    answered = db.scalars(select(FeedbackRequest).where(FeedbackRequest.respondent_id == w)).all()
    assert [f.answer for f in answered] == ["Cor luistert goed"]
    # The tombstone person and the tombstone event.
    tombstone = db.get(User, w)
    assert tombstone.name == erasure.PSEUDONYM and not tombstone.is_active
    assert tombstone.email == f"erased-{w}@invalid"
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == erasure.ERASED_ACTION)).one()
    assert event.actor_id == hr.id and event.subject_user_id == w
    assert "entries=3" in event.detail and "signed_entries=1" in event.detail
    assert result.removed["files"] == 2
    # The supervisor's notification naming the worker is gone.
    assert not db.scalars(
        select(Notification).where(Notification.user_id == world["boss"].id)
    ).all()


def test_erasing_twice_is_refused(db):
    world = build_world(db)
    erasure.erase(db, person=world["worker"], actor=None, now=NOW, why="retention")
    db.commit()
    with pytest.raises(erasure.NotErasable):
        erasure.erase(db, person=world["worker"], actor=None, now=NOW, why="retention")


def test_a_demo_worker_with_years_of_history_is_erased_without_a_trace(db):
    from portfolio import demo

    demo.create(db, workers=2, years=2, today=date(2026, 12, 1))
    worker = db.scalars(select(User).where(User.email == demo.DEMO_LOGINS[0][0])).one()
    w, name, email = worker.id, worker.name, worker.email
    assert db.scalar(select(func.count()).where(Entry.owner_id == w)) > 10
    erasure.erase(db, person=worker, actor=None, now=NOW, why="retention")
    db.commit()
    assert rows_left_of(db, w) == []
    leaks = [
        (table.name, column)
        for table, row in _all_rows(db)
        for column, value in row.items()
        if name in _text(value) or email in _text(value)
    ]
    assert leaks == []
