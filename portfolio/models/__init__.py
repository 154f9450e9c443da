"""SQLModel tables. Importing this package registers every table on the metadata."""

from portfolio.models.base import UTCDateTime, utcnow
from portfolio.models.development import (
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentGoal,
    GoalEvidence,
    GoalStatus,
    Registration,
    ThresholdOverride,
)
from portfolio.models.entry import (
    Entry,
    EntryKind,
    EntryParticipant,
    EntryStatus,
    EntryTag,
    EvidenceFile,
    TagVocabulary,
)
from portfolio.models.evaluation import EvaluationStatus, YearlyEvaluation
from portfolio.models.feedback import FeedbackRequest
from portfolio.models.mail import MailStatus, OutboxMessage
from portfolio.models.org import Organisation, Role, Team, TeamLead, User
from portfolio.models.reminder import (
    CalendarFeed,
    Notification,
    NotificationPreference,
    OrganisationSettings,
    Reminder,
)
from portfolio.models.security import AuditEvent, LoginThrottle, PasswordResetToken
from portfolio.models.signin import OidcLoginState, OidcProvider, RecoveryCode
from portfolio.models.signoff import EntryEvent

__all__ = [
    "AuditEvent",
    "CalendarFeed",
    "CompetencyAssessment",
    "CompetencyRating",
    "DevelopmentGoal",
    "Entry",
    "EntryEvent",
    "EntryKind",
    "EntryParticipant",
    "EntryStatus",
    "EntryTag",
    "EvaluationStatus",
    "EvidenceFile",
    "FeedbackRequest",
    "GoalEvidence",
    "GoalStatus",
    "LoginThrottle",
    "MailStatus",
    "Notification",
    "NotificationPreference",
    "OidcLoginState",
    "OidcProvider",
    "Organisation",
    "OrganisationSettings",
    "OutboxMessage",
    "PasswordResetToken",
    "RecoveryCode",
    "Registration",
    "Reminder",
    "Role",
    "TagVocabulary",
    "Team",
    "TeamLead",
    "ThresholdOverride",
    "UTCDateTime",
    "User",
    "YearlyEvaluation",
    "utcnow",
]
