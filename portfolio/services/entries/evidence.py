"""Evidence files (certificates, signed forms): checked on content, stored in the database."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime

from sqlalchemy import delete, insert, literal, select
from sqlmodel import Session

from portfolio import access
from portfolio.models import Entry, EvidenceFile, User
from portfolio.services.people.people import led_team_ids
from portfolio.services.privacy import audit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


class RejectedFile(ValueError):
    """The upload is not an accepted type, or too large; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# What an office document may hold: an archive beyond these is refused before anything in it
# is inflated (a "decompression bomb" of a few MB can inflate to gigabytes).
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_MEMBER_BYTES = 50 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # inflated size / compressed size, per member of more than a MB
ZIP_RATIO_FROM_BYTES = 1024 * 1024
MIMETYPE_READ_BYTES = 128  # the ODF `mimetype` member is one short line


def _archive_is_bounded(archive: zipfile.ZipFile) -> bool:
    """True when the archive's directory stays within the limits (members, sizes, ratio)."""
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        return False
    total = 0
    for member in members:
        if member.file_size > ZIP_MAX_MEMBER_BYTES:
            return False
        ratio_exceeded = member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1)
        if ratio_exceeded and member.file_size > ZIP_RATIO_FROM_BYTES:
            return False
        total += member.file_size
    return total <= ZIP_MAX_TOTAL_BYTES


def _read_at_most(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` inflated bytes of a member, streamed: the directory may lie about the
    size, so nothing beyond `limit` is ever inflated, whatever it says."""
    with archive.open(name) as member:
        return member.read(limit)


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not _archive_is_bounded(archive):
                return None
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names:
                head = _read_at_most(archive, "mimetype", MIMETYPE_READ_BYTES)
                if head.strip() == ODT.encode():
                    return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError):
        return None
    except (ValueError, NotImplementedError, RuntimeError):  # unsupported or encrypted member
        return None
    return None


def detect_type(data: bytes) -> str | None:
    """The content type from the file's first bytes (PDF, PNG, JPEG, HEIC, DOCX, ODT), else
    None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    from portfolio.services.entries import photos  # Pillow: imported where a file is checked

    if photos.is_heif(data):
        return "image/heic"
    return None


# The extension a stored file gets for its detected type: a name never claims another type
# than its content (no `evil.html` that is a JPEG to the check and HTML to a browser).
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    DOCX: (".docx",),
    ODT: (".odt",),
}
# Control characters, and the Unicode format characters that reorder or hide text
# (U+202E RIGHT-TO-LEFT OVERRIDE makes "gpj.exe" read as "exe.jpg"; zero-width marks).
UNSAFE_IN_NAMES = re.compile('[\x00-\x1f\x7f-\x9f"\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')


def safe_name(name: str, content_type: str | None = None) -> str:
    """A file name without directories, control or bidi characters, at most 200 characters;
    with `content_type`, its extension is the one of that type (replaced or added)."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = UNSAFE_IN_NAMES.sub("", base).strip().strip(".") or "bestand"
    if content_type in EXTENSIONS:
        allowed = EXTENSIONS[content_type]
        stem, dot, extension = cleaned.rpartition(".")
        if not (dot and stem and f".{extension.lower()}" in allowed):
            stem = stem if dot and stem else cleaned
            return stem[: 200 - len(allowed[0])] + allowed[0]
    return cleaned[:200]


def size_label(size: int) -> str:
    """A byte count as people say it: '10 MB', '500 kB'."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{max(size // 1024, 1)} kB"


def check(data: bytes, *, max_bytes: int) -> str:
    """The content type of an acceptable upload; raises RejectedFile (too large, wrong type).

    Called before anything is saved, so that a refused file leaves nothing behind.
    """
    if len(data) > max_bytes:
        raise RejectedFile("too_large")
    content_type = detect_type(data)
    if content_type is None:
        raise RejectedFile("wrong_type")
    return content_type


def prepare(filename: str, data: bytes, *, max_bytes: int) -> tuple[str, bytes, str]:
    """(name, content, type) as stored: checked, and a photo made upright, without EXIF (no
    GPS), at most photos.MAX_SIDE pixels, HEIC converted to JPEG. Raises RejectedFile with
    too_large, wrong_type or a photo's reason (truncated, too_many_pixels, not_an_image)."""
    content_type = check(data, max_bytes=max_bytes)
    if not content_type.startswith("image/"):
        return safe_name(filename), data, content_type
    from portfolio.services.entries import photos

    try:
        data, content_type = photos.normalise(data)
    except photos.UnreadablePhoto as error:
        raise RejectedFile(error.reason) from error
    name = safe_name(filename)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.{'png' if content_type == 'image/png' else 'jpg'}", data, content_type


def store_pending(
    db: Session, *, owner: User, filename: str, data: bytes, content_type: str, now: datetime
) -> EvidenceFile:
    """Keep a prepared certificate for the training the worker is about to confirm (not yet
    attached to an entry). A worker has at most one: an older pending file is removed. Flushes."""
    db.execute(
        delete(EvidenceFile).where(
            EvidenceFile.owner_id == owner.id, EvidenceFile.entry_id.is_(None)
        )
    )
    evidence = EvidenceFile(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        entry_id=None,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=now,
    )
    db.add(evidence)
    db.flush()
    return evidence


def pending_name(db: Session, *, owner: User, file_id: int) -> str | None:
    """The name of the owner's pending (unattached) file with this id, else None."""
    return db.scalar(
        select(EvidenceFile.filename).where(
            EvidenceFile.id == file_id,
            EvidenceFile.owner_id == owner.id,
            EvidenceFile.entry_id.is_(None),
        )
    )


def attach_pending(db: Session, *, owner: User, file_id: int, entry: Entry) -> bool:
    """Attach the owner's pending file to their entry; False when there is no such file."""
    evidence = db.get(EvidenceFile, file_id)
    if evidence is None or evidence.owner_id != owner.id or evidence.entry_id is not None:
        return False
    evidence.entry_id = entry.id
    db.add(evidence)
    return True


def discard_pending(db: Session, *, owner: User) -> None:
    """Remove the owner's pending file (the worker cancelled). Caller commits."""
    db.execute(
        delete(EvidenceFile).where(
            EvidenceFile.owner_id == owner.id, EvidenceFile.entry_id.is_(None)
        )
    )


def store(
    db: Session,
    *,
    owner: User,
    entry: Entry,
    filename: str,
    data: bytes,
    max_bytes: int,
    now: datetime,
) -> EvidenceFile:
    """Check and attach a file to the owner's entry. Raises RejectedFile."""
    content_type = check(data, max_bytes=max_bytes)
    evidence = EvidenceFile(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        entry_id=entry.id,
        filename=safe_name(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=now,
    )
    db.add(evidence)
    return evidence


def copy_files(db: Session, *, source_entry_id: int, target_entry_id: int) -> None:
    """Attach copies of one entry's files to another, inside the database."""
    columns = (
        "organisation_id",
        "owner_id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "data",
        "uploaded_at",
    )
    db.execute(
        insert(EvidenceFile).from_select(
            [*columns, "entry_id"],
            select(*(getattr(EvidenceFile, c) for c in columns), literal(target_entry_id))
            .where(EvidenceFile.entry_id == source_entry_id)
            .order_by(EvidenceFile.id),
        )
    )


def remove(db: Session, *, entry: Entry, file_id: int) -> bool:
    """Delete one of the entry's files; False when the entry has no such file. The caller
    decides whether the entry may still change."""
    removed = db.execute(
        delete(EvidenceFile).where(
            EvidenceFile.id == file_id,
            EvidenceFile.entry_id == entry.id,
            EvidenceFile.owner_id == entry.owner_id,
        )
    ).rowcount
    db.flush()
    return removed == 1


def files_of(db: Session, *, entry_id: int) -> list[tuple[int, str, int, str]]:
    """(id, name, size, type) of an entry's files, without their content."""
    return list(
        db.execute(
            select(
                EvidenceFile.id, EvidenceFile.filename, EvidenceFile.size, EvidenceFile.content_type
            )
            .where(EvidenceFile.entry_id == entry_id)
            .order_by(EvidenceFile.id)
        ).all()
    )


def for_download(db: Session, *, viewer: User, file_id: int) -> EvidenceFile | None:
    """The file when the policy allows this viewer; audited for anyone but the owner."""
    evidence = db.get(EvidenceFile, file_id)
    if evidence is None:
        return None
    entry = db.get(Entry, evidence.entry_id) if evidence.entry_id else None
    owner = db.get(User, evidence.owner_id)
    if not access.may_download_evidence(
        viewer, evidence, entry=entry, owner=owner, led_team_ids=led_team_ids(db, user=viewer)
    ):
        return None
    if viewer.id != evidence.owner_id:
        audit.record(
            db,
            actor=viewer,
            action="download_evidence",
            subject_user_id=owner.id,
            subject_type="evidence",
            subject_id=evidence.id,
        )
        db.flush()
    return evidence
