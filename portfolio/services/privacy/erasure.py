"""Erasing a person's portfolio (AVG art. 17): by the worker themselves, by HR for a departed
worker, or by the retention job at the end of the organisation's retention period.

What goes: everything that is the person's — entries, their tags and evidence files (stored in
the database; there are no files on disk), drafts, kept forms, one-time form tokens,
registrations and their standings, competency assessments of the person (also a supervisor's
assessment of them: it is about them) with the ratings, development goals, the feedback they
asked for with the answers, the yearly evaluations' texts, reminders, notifications and their
preferences, every mail to their address (sent or not), reset and invitation links, the calendar
feed, second-factor secrets and recovery codes, team leadership, every session, the log-in
counters of their address, and their address (IP) in the audit log.

What stays, because others co-own it (documented in README "Bewaren en wissen"):
- a signed entry stays as a signature record without any of the worker's text: kind, dates,
  hours, status, version, who signed it, when, and the hash of what was signed (Beroepscode
  art. 24: the supervisor's signature). Its sign-off history keeps who did what and when; the
  comments go (they are about the worker);
- a signed yearly evaluation stays as a record of who signed it and when (Kwaliteitslabel
  Organisatie 3.10 asks the organisation to record that it took place), without any text,
  agreements or facts;
- what the person made for others stays theirs: a colleague's copy of a shared peer review
  session (its link to the erased original is cut), a colleague's session the person attended
  (the participant row), feedback the person gave a colleague (the name becomes the pseudonym),
  the assessments the person made as a supervisor, their signatures on colleagues' entries and
  evaluations, threshold and settings changes;
- the audit log: every earlier event keeps its action and time but no address, and a
  tombstone event (who erased whom — by id —, when, how many of each kind). Audit rows never
  hold content; a name in an event's detail becomes the pseudonym.

The person's row stays as a pseudonymous tombstone (the rows above point at it): the name
becomes PSEUDONYM, the address a unique `erased-<id>@invalid`, no password, no second factor,
no team, inactive, `erased_at` set. It can never log in again.

Every column that refers to a person is classified in PERSON_COLUMNS; a new one that is not
fails tests/test_erasure.py until it is decided here. Services flush only; the caller commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, false, func, or_, select, true, update
from sqlmodel import Session

from portfolio import access, errors
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
    EntryStatus,
    EntryTag,
    EvaluationStatus,
    EvidenceFile,
    FeedbackRequest,
    FormTokenUse,
    GoalEvidence,
    KeptForm,
    LoginThrottle,
    Notification,
    NotificationPreference,
    OutboxMessage,
    PasswordResetToken,
    RecoveryCode,
    Registration,
    RegistrationStanding,
    Reminder,
    TeamLead,
    User,
    YearlyEvaluation,
)
from portfolio.services.people.people_admin import unusable_password_hash
from portfolio.services.privacy import audit

PSEUDONYM = "Verwijderde medewerker"
ERASED_ACTION = "portfolio_erased"
ERASED_DOMAIN = "invalid"  # RFC 2606: can never receive mail
MIN_NAME_TO_SCRUB = 4

# Every column that refers to a person (user_account.id), and what erasure does with it:
# "erased" — the person's rows go (the test checks none is left); "kept" — co-owned rows that
# stay, pointing at the tombstone (the reason is in the module docstring).
PERSON_COLUMNS: dict[tuple[str, str], str] = {
    ("user_account", "id"): "kept",  # the tombstone itself
    ("team_lead", "user_id"): "erased",
    ("registration", "owner_id"): "erased",
    ("registration_standing", "owner_id"): "erased",
    ("threshold_override", "changed_by_id"): "kept",
    ("competency_assessment", "subject_id"): "erased",
    ("competency_assessment", "assessor_id"): "kept",  # of colleagues, made as supervisor
    ("development_goal", "owner_id"): "erased",
    ("form_token_use", "user_id"): "erased",
    ("draft", "owner_id"): "erased",
    ("kept_form", "user_id"): "erased",
    ("entry", "owner_id"): "kept",  # signed entries only, stripped to the signature record
    ("entry", "signed_by_id"): "kept",  # signatures on colleagues' entries
    ("entry_participant", "user_id"): "kept",  # colleagues' sessions the person attended
    ("evidence_file", "owner_id"): "erased",
    ("yearly_evaluation", "worker_id"): "kept",  # signed ones only, without any text
    ("yearly_evaluation", "supervisor_id"): "kept",
    ("feedback_request", "requester_id"): "erased",
    ("feedback_request", "respondent_id"): "kept",  # answers given to colleagues
    ("reminder", "user_id"): "erased",
    ("notification", "user_id"): "erased",
    ("notification_preference", "user_id"): "erased",
    ("organisation_settings", "updated_by_id"): "kept",
    ("calendar_feed", "user_id"): "erased",
    ("password_reset_token", "user_id"): "erased",
    ("audit_event", "actor_id"): "kept",  # without addresses
    ("audit_event", "subject_user_id"): "kept",
    ("oidc_provider", "updated_by_id"): "kept",
    ("recovery_code", "user_id"): "erased",
    ("entry_event", "actor_id"): "kept",  # who signed / submitted what and when, no comment
}

# Free-text and detail columns of an entry that go from a kept signature record.
_ENTRY_TEXT_COLUMNS = (
    "body",
    "sections",
    "level",
    "dilemma_category",
    "provider",
    "accreditations",
    "form",
    "facilitator",
    "facilitator_registration",
    "method",
    "external_participants",
    "case_description",
    "learning_points",
    "activity_type",
    "employer",
    "role_title",
    "hours_per_week",
    "art3_requirement",
    "privacy_override_at",
)


@dataclass
class Erasure:
    """What one erasure removed and kept, per kind (counts only)."""

    person_id: int
    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def detail(self) -> str:
        """The audit tombstone's detail: counts per kind, never content."""
        parts = [f"{name}={count}" for name, count in sorted(self.removed.items()) if count]
        kept = [f"{name}={count}" for name, count in sorted(self.kept.items()) if count]
        return ("removed " + " ".join(parts or ["nothing"])) + (
            "; kept " + " ".join(kept) if kept else ""
        )


@dataclass(frozen=True)
class Summary:
    """What an erasure would remove and keep, for the confirmation page (counts only)."""

    entries: int
    signed_entries: int
    files: int
    registrations: int
    goals: int
    assessments: int
    feedback: int
    evaluations: int
    signed_evaluations: int


class NotErasable(errors.NotAllowed):
    """This account cannot be erased this way (still active, an admin's, already erased)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def summary(db: Session, *, person: User) -> Summary:
    """Counts of what goes and what stays (no content: HR sees this page too)."""

    def count(statement) -> int:
        return db.scalar(statement) or 0

    signed = EntryStatus.SIGNED.value
    return Summary(
        entries=count(select(func.count()).where(Entry.owner_id == person.id)),
        signed_entries=count(
            select(func.count()).where(Entry.owner_id == person.id, Entry.status == signed)
        ),
        files=count(select(func.count()).where(EvidenceFile.owner_id == person.id)),
        registrations=count(select(func.count()).where(Registration.owner_id == person.id)),
        goals=count(select(func.count()).where(DevelopmentGoal.owner_id == person.id)),
        assessments=count(select(func.count()).where(CompetencyAssessment.subject_id == person.id)),
        feedback=count(select(func.count()).where(FeedbackRequest.requester_id == person.id)),
        evaluations=count(select(func.count()).where(YearlyEvaluation.worker_id == person.id)),
        signed_evaluations=count(
            select(func.count()).where(
                YearlyEvaluation.worker_id == person.id,
                YearlyEvaluation.status == EvaluationStatus.SIGNED.value,
            )
        ),
    )


def check_self_erasure(person: User) -> None:
    """A worker may erase their own portfolio (access.may_erase_own_portfolio)."""
    if person.erased_at is not None:
        raise NotErasable("already_erased")
    if not access.may_erase_own_portfolio(person):
        raise NotErasable("not_a_worker")


def check_erasure_by(actor: User, person: User) -> None:
    """HR or an administrator erases a departed (deactivated) person they may change."""
    if not access.may_erase_departed(actor, person):
        raise errors.NotFound("person")
    if person.erased_at is not None:
        raise NotErasable("already_erased")
    if person.is_active:
        raise NotErasable("still_active")


def _deleted(db: Session, statement) -> int:
    return db.execute(statement).rowcount or 0


def _ids(db: Session, statement) -> list[int]:
    return list(db.scalars(statement))


def erase(db: Session, *, person: User, actor: User | None, now: datetime, why: str) -> Erasure:
    """Erase `person`'s portfolio and make their row a tombstone; flush only.

    `actor` is who asked (the person, HR), or None for the retention job; `why` is "self",
    "hr" or "retention" (in the audit tombstone). The caller checks who may ask.
    """
    if person.erased_at is not None:
        raise NotErasable("already_erased")
    pid = person.id
    result = Erasure(person_id=pid)
    removed, kept = result.removed, result.kept
    old_name, old_email = person.name, person.email

    # Entries: signed ones stay as signature records, the rest go.
    entry_ids = _ids(db, select(Entry.id).where(Entry.owner_id == pid))
    signed_ids = _ids(
        db,
        select(Entry.id).where(Entry.owner_id == pid, Entry.status == EntryStatus.SIGNED.value),
    )
    gone_ids = sorted(set(entry_ids) - set(signed_ids))
    if entry_ids:
        # Colleagues' copies of the person's shared sessions stay theirs (the link to an erased
        # original is cut), and no reference to an erased entry may block its delete.
        db.execute(
            update(Entry).where(Entry.copied_from_id.in_(gone_ids)).values(copied_from_id=None)
        )
        db.execute(
            update(Entry).where(Entry.supersedes_id.in_(gone_ids)).values(supersedes_id=None)
        )
        removed["entry_tags"] = _deleted(
            db, delete(EntryTag).where(EntryTag.entry_id.in_(entry_ids))
        )
        _deleted(db, delete(GoalEvidence).where(GoalEvidence.entry_id.in_(entry_ids)))
        _deleted(db, delete(EntryParticipant).where(EntryParticipant.entry_id.in_(gone_ids)))
        _deleted(db, delete(EntryEvent).where(EntryEvent.entry_id.in_(gone_ids)))
        db.execute(
            update(EntryEvent).where(EntryEvent.entry_id.in_(signed_ids)).values(comment=None)
        )
    removed["files"] = _deleted(db, delete(EvidenceFile).where(EvidenceFile.owner_id == pid))
    removed["entries"] = (
        _deleted(db, delete(Entry).where(Entry.id.in_(gone_ids))) if gone_ids else 0
    )
    if signed_ids:
        db.execute(
            update(Entry)
            .where(Entry.id.in_(signed_ids))
            .values(
                title="—",
                is_shared=False,
                accredited_by=None,
                in_profession=True,
                updated_at=now,
                **dict.fromkeys(_ENTRY_TEXT_COLUMNS),
            )
        )
    kept["signed_entries"] = len(signed_ids)

    # Registrations and their standings, assessments, goals.
    removed["standings"] = _deleted(
        db, delete(RegistrationStanding).where(RegistrationStanding.owner_id == pid)
    )
    removed["registrations"] = _deleted(
        db, delete(Registration).where(Registration.owner_id == pid)
    )
    assessment_ids = _ids(
        db, select(CompetencyAssessment.id).where(CompetencyAssessment.subject_id == pid)
    )
    if assessment_ids:
        _deleted(
            db, delete(CompetencyRating).where(CompetencyRating.assessment_id.in_(assessment_ids))
        )
    removed["assessments"] = _deleted(
        db, delete(CompetencyAssessment).where(CompetencyAssessment.subject_id == pid)
    )
    goal_ids = _ids(db, select(DevelopmentGoal.id).where(DevelopmentGoal.owner_id == pid))
    if goal_ids:
        _deleted(db, delete(GoalEvidence).where(GoalEvidence.goal_id.in_(goal_ids)))
    removed["goals"] = _deleted(db, delete(DevelopmentGoal).where(DevelopmentGoal.owner_id == pid))

    # Feedback: asked by the person goes; given to colleagues stays theirs, under the pseudonym.
    removed["feedback"] = _deleted(
        db, delete(FeedbackRequest).where(FeedbackRequest.requester_id == pid)
    )
    removed["feedback"] += _deleted(
        db,
        delete(FeedbackRequest).where(
            FeedbackRequest.respondent_id == pid, FeedbackRequest.answered_at.is_(None)
        ),
    )
    db.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.respondent_id == pid)
        .values(respondent_name=PSEUDONYM, respondent_email=None)
    )

    # Yearly evaluations: a signed one stays as the record of who signed it and when.
    signed_evaluation = YearlyEvaluation.status == EvaluationStatus.SIGNED.value
    removed["evaluations"] = _deleted(
        db, delete(YearlyEvaluation).where(YearlyEvaluation.worker_id == pid, ~signed_evaluation)
    )
    kept["signed_evaluations"] = (
        db.execute(
            update(YearlyEvaluation)
            .where(YearlyEvaluation.worker_id == pid, signed_evaluation)
            .values(
                self_evaluation=None,
                supervisor_evaluation=None,
                agreements=None,
                facts=None,
                updated_at=now,
            )
        ).rowcount
        or 0
    )

    # Typed work, links, secrets and sessions.
    for name, model, column in (
        ("drafts", Draft, Draft.owner_id),
        ("kept_forms", KeptForm, KeptForm.user_id),
        ("form_tokens", FormTokenUse, FormTokenUse.user_id),
        ("reminders", Reminder, Reminder.user_id),
        ("notifications", Notification, Notification.user_id),
        ("preferences", NotificationPreference, NotificationPreference.user_id),
        ("calendar_feeds", CalendarFeed, CalendarFeed.user_id),
        ("reset_links", PasswordResetToken, PasswordResetToken.user_id),
        ("recovery_codes", RecoveryCode, RecoveryCode.user_id),
        ("team_leads", TeamLead, TeamLead.user_id),
    ):
        removed[name] = _deleted(db, delete(model).where(column == pid))

    # Mail and notifications that name the person: to their address, or (in the organisation)
    # with their name — a name too short to be told from other words is left alone.
    address = old_email.strip().lower()
    org = person.organisation_id
    named = len(old_name.strip()) >= MIN_NAME_TO_SCRUB
    removed["mails"] = _deleted(
        db,
        delete(OutboxMessage).where(
            or_(
                func.lower(OutboxMessage.to_address) == address,
                and_(
                    true() if named else false(),
                    OutboxMessage.organisation_id == org,
                    or_(
                        OutboxMessage.body_text.contains(old_name, autoescape=True),
                        OutboxMessage.subject.contains(old_name, autoescape=True),
                    ),
                ),
            )
        ),
    )
    if named:
        removed["notifications"] += _deleted(
            db,
            delete(Notification).where(
                Notification.organisation_id == org,
                or_(
                    Notification.title.contains(old_name, autoescape=True),
                    Notification.body.contains(old_name, autoescape=True),
                ),
            ),
        )
    removed["login_counters"] = _deleted(
        db, delete(LoginThrottle).where(LoginThrottle.key.contains(address, autoescape=True))
    )

    # The audit log: no address of the person, no name in a detail.
    db.execute(update(AuditEvent).where(AuditEvent.actor_id == pid).values(ip_address=None))
    if named:
        db.execute(
            update(AuditEvent)
            .where(
                AuditEvent.organisation_id == org,
                AuditEvent.detail.contains(old_name, autoescape=True),
            )
            .values(detail=func.replace(AuditEvent.detail, old_name, PSEUDONYM))
        )

    # The tombstone.
    person.name = PSEUDONYM
    person.email = f"erased-{pid}@{ERASED_DOMAIN}"
    person.password_hash = unusable_password_hash()
    person.session_token = secrets.token_hex(16)
    person.is_active = False
    person.team_id = None
    person.oidc_subject = None
    person.totp_secret_encrypted = None
    person.totp_enabled_at = None
    person.totp_last_step = None
    person.employment_started_on = None
    person.deactivated_at = person.deactivated_at or now
    person.erased_at = now
    person.portfolio_revision = (person.portfolio_revision or 0) + 1
    db.add(person)
    db.flush()
    tombstone = audit.record(
        db,
        actor=actor,
        action=ERASED_ACTION,
        subject_user_id=pid,
        subject_type="user",
        subject_id=pid,
        detail=f"by={why}; " + result.detail(),
        organisation_id=org,
    )
    if actor is not None and actor.id == pid:
        tombstone.ip_address = None  # the person's own address goes too
    db.flush()
    return result
