"""Matrix rows: the worker's entries and evidence files (the worker owns them)."""

from datetime import date
from decimal import Decimal

from portfolio.models import Entry, EvidenceFile
from tests.access_matrix import OTHER_WORKER, WORKER, everyone, only

OWNER_ONLY = only({WORKER: 200, OTHER_WORKER: 404})
WORKERS = only({WORKER: 200, OTHER_WORKER: 200})
GET = {
    "worker.entry_list": WORKERS,
    "worker.entry_new": WORKERS,
    "worker.entry_detail": OWNER_ONLY,
    "worker.entry_edit": OWNER_ONLY,
    "worker.entry_delete": OWNER_ONLY,
    "worker.entry_share": everyone(405, anonymous=405),
    "worker.entry_submit": everyone(405, anonymous=405),
    "worker.entry_correct": everyone(405, anonymous=405),
    # A private reflection's file: the owner only; supervisors see nothing (404), HR 403.
    "worker.evidence_download": only(
        {
            WORKER: 200,
            OTHER_WORKER: 404,
            "supervisor": 404,
            "other_supervisor": 404,
            "other_org_supervisor": 404,
        }
    ),
    "worker.evidence_remove": OWNER_ONLY,  # the question first
    "worker.certificate_read": everyone(405, anonymous=405),
    "worker.certificate_discard": everyone(405, anonymous=405),
}
POST = {
    "worker.entry_list": everyone(405, anonymous=405),
    "worker.entry_new": WORKERS,  # an empty form is shown again with its errors
    "worker.entry_detail": everyone(405, anonymous=405),
    "worker.entry_edit": OWNER_ONLY,
    "worker.entry_delete": only({WORKER: 302, OTHER_WORKER: 404}),
    "worker.entry_share": only({WORKER: 302, OTHER_WORKER: 404}),
    "worker.entry_submit": only({WORKER: 302, OTHER_WORKER: 404}),
    # A signed entry: its owner gets a correction to edit, nobody else learns it exists.
    "worker.entry_correct": only({WORKER: 302, OTHER_WORKER: 404}),
    "worker.evidence_download": everyone(405, anonymous=405),
    "worker.evidence_remove": only({WORKER: 302, OTHER_WORKER: 404}),
    # Without a picture: back to the start page with a message. Only one's own pending file.
    "worker.certificate_read": only({WORKER: 302, OTHER_WORKER: 302}),
    "worker.certificate_discard": only({WORKER: 302, OTHER_WORKER: 302}),
}


def _entry(db, owner, title: str, **fields) -> Entry:
    entry = Entry(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        kind="reflection",
        title=title,
        occurred_on=date(2026, 10, 1),
        hours=Decimal(1),
        body="Vertrouwelijke reflectie",
        catalogue_version="test",
        **fields,
    )
    db.add(entry)
    db.commit()
    return entry


def arrange(db, users) -> dict:
    """A private reflection with a file, a second one to delete, a signed one to correct."""
    worker = users[WORKER]
    entry = _entry(db, worker, "Reflectie")
    doomed = _entry(db, worker, "Weg ermee")
    signed = _entry(db, worker, "Afgetekend", status="signed")
    evidence = EvidenceFile(
        organisation_id=worker.organisation_id,
        owner_id=worker.id,
        entry_id=entry.id,
        filename="bewijs.pdf",
        content_type="application/pdf",
        size=9,
        sha256="x",
        data=b"%PDF-1.4\n",
    )
    db.add(evidence)
    db.commit()
    return {
        "entry_id": entry.id,
        "kind": "reflection",
        "file_id": evidence.id,
        "worker.entry_delete:entry_id": doomed.id,
        "worker.entry_correct:entry_id": signed.id,
    }
