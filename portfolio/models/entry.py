"""The worker's portfolio entries: five kinds in one table, with tags and evidence files."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Index, LargeBinary, Numeric, Text, UniqueConstraint, event
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from portfolio.models.base import UTCDateTime, utcnow


class EntryKind(StrEnum):
    """The entry kinds (competencies.ENTRY_KINDS)."""

    REFLECTION = "reflection"
    TRAINING = "training"
    PEER_REVIEW = "peer_review"
    OTHER = "other"
    WORK = "work"


class EntryStatus(StrEnum):
    """Where an entry stands in the sign-off workflow (Beroepscode art. 24)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SIGNED = "signed"


# A submitted entry waits for a decision, a signed one is final: only these can change.
EDITABLE_STATUSES = frozenset({EntryStatus.DRAFT.value, EntryStatus.RETURNED.value})


class TagVocabulary(StrEnum):
    """What a tag's code refers to in the catalogue."""

    COMPETENCY = "competency"
    ARTICLE = "article"
    KNOWLEDGE_AREA = "knowledge_area"


class Entry(SQLModel, table=True):
    """One portfolio entry. Columns that do not apply to a kind stay empty.

    Free text (body, sections, case_description, learning_points) is the worker's: only the
    owner sees it, unless the entry is shared or submitted (see portfolio.access).
    """

    __tablename__ = "entry"
    __table_args__ = (
        Index("ix_entry_owner_date", "owner_id", "occurred_on"),
        Index("ix_entry_org_kind", "organisation_id", "kind"),
        # "Not superseded by a correction" is asked on every dashboard and export.
        Index("ix_entry_supersedes_owner", "supersedes_id", "owner_id"),
        # A participant copies a shared session into their own portfolio once.
        UniqueConstraint("owner_id", "copied_from_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    owner_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    occurred_on: date
    end_on: date | None = None
    hours: Decimal = Field(default=Decimal(0), sa_type=Numeric(7, 2))
    body: str | None = Field(default=None, sa_type=Text)
    # Structured reflection: {"template": "korthagen"|"starr"|"free", "<phase>": text, ...}
    sections: dict | None = Field(default=None, sa_type=JSON)
    level: str | None = Field(default=None, max_length=10)  # micro / meso / macro (seed 002)
    dilemma_category: str | None = Field(default=None, max_length=40)
    # Training
    provider: str | None = Field(default=None, max_length=200)
    # [{"register": "skj" | ... | None, "id": "..."}]: None = register not known yet (an id
    # recorded before accreditations named their register; counts as accredited nowhere).
    accreditations: list | None = Field(default=None, sa_type=JSON)
    # The registers of `accreditations` as ",skj,nip," (the norm rules in SQL read it).
    accredited_by: str | None = Field(default=None, max_length=200)
    # Peer review session (art. 24)
    form: str | None = Field(default=None, max_length=40)
    facilitator: str | None = Field(default=None, max_length=200)
    facilitator_registration: str | None = Field(default=None, max_length=100)
    method: str | None = Field(default=None, max_length=200)
    external_participants: str | None = Field(default=None, max_length=1000)
    case_description: str | None = Field(default=None, sa_type=Text)
    learning_points: str | None = Field(default=None, sa_type=Text)
    # Other development activity
    activity_type: str | None = Field(default=None, max_length=40)
    # Work experience
    employer: str | None = Field(default=None, max_length=200)
    role_title: str | None = Field(default=None, max_length=200)
    hours_per_week: Decimal | None = Field(default=None, sa_type=Numeric(5, 2))
    # Work in the registered profession (SKJ: of the 16 hours a week, 8 as jeugd- en
    # gezinsprofessional).
    in_profession: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    # The one Beroepscode art. 3 requirement the worker links this entry to (catalogue code).
    art3_requirement: str | None = Field(default=None, max_length=40)
    # Workflow, sharing, privacy
    status: str = Field(default=EntryStatus.DRAFT.value, max_length=12)
    is_shared: bool = Field(default=False)
    privacy_override_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_hash: str | None = Field(default=None, max_length=64)  # sha256 of what was signed
    # A correction of a signed entry is a new entry that points at the one it replaces.
    supersedes_id: int | None = Field(default=None, foreign_key="entry.id")
    # A participant's copy of a colleague's shared session points at that session.
    copied_from_id: int | None = Field(default=None, foreign_key="entry.id", ondelete="SET NULL")
    catalogue_version: str = Field(max_length=20)
    version: int = Field(default=1)  # optimistic concurrency
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def set_accreditations(self, items: list[tuple[str | None, str]]) -> None:
        """Store (register, id) pairs (`accredited_by` follows on flush)."""
        kept = [(r, i.strip()) for r, i in items if i and i.strip()]
        self.accreditations = [{"register": r, "id": i} for r, i in kept] or None
        self.accredited_by = accredited_by(self.accreditations)

    @property
    def accreditation_list(self) -> list[tuple[str | None, str]]:
        """(register, id) pairs; register None = not known yet."""
        return [(a.get("register"), a["id"]) for a in self.accreditations or ()]

    @property
    def is_locked(self) -> bool:
        """A signed entry cannot be edited or deleted; a correction makes a new version."""
        return self.status == EntryStatus.SIGNED.value

    @property
    def is_editable(self) -> bool:
        """Only a draft or a returned entry can be changed, submitted or deleted.

        A submitted entry waits for its supervisor, who must sign exactly what they read.
        """
        return self.status in EDITABLE_STATUSES


def accredited_by(accreditations: list | None) -> str | None:
    """ ",registerplein,skj,": the registers of these accreditations (None: none known)."""
    registers = sorted({a["register"] for a in accreditations or () if a.get("register")})
    return f",{','.join(registers)}," if registers else None


@event.listens_for(Entry, "before_insert")
@event.listens_for(Entry, "before_update")
def _keep_accredited_by(_mapper, _connection, entry: Entry) -> None:
    # Whatever set the accreditations, the column the SQL norm rules read agrees with them.
    entry.accredited_by = accredited_by(entry.accreditations)


class EntryTag(SQLModel, table=True):
    """A catalogue code attached to an entry (competency, article, knowledge area)."""

    __tablename__ = "entry_tag"
    __table_args__ = (Index("ix_entry_tag_code", "vocabulary", "code"),)

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    vocabulary: str = Field(primary_key=True, max_length=20)
    code: str = Field(primary_key=True, max_length=40)


class EntryParticipant(SQLModel, table=True):
    """A colleague with an account who took part in a peer review session."""

    __tablename__ = "entry_participant"

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EvidenceFile(SQLModel, table=True):
    """A certificate or signed form, stored in the database with its hash, type and size."""

    __tablename__ = "evidence_file"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    owner_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    entry_id: int | None = Field(
        default=None, foreign_key="entry.id", index=True, ondelete="CASCADE"
    )
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=LargeBinary)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
