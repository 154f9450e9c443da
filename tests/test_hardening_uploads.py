"""Uploads: an archive is never inflated beyond its limits, a name follows the content.

Findings 1 (decompression bomb) and 8 (polyglots keep a dangerous extension; bidi names) of the
issue "Hardening".
"""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from portfolio.models import EvidenceFile
from portfolio.services.entries import evidence
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

ODT = b"application/vnd.oasis.opendocument.text"


def _jpeg_polyglot() -> bytes:
    """A real JPEG (photos are decoded and cleaned on upload) with an HTML page behind it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue() + b"<html><script>alert(1)</script></html>"


JPEG = _jpeg_polyglot()
PDF = b"%PDF-1.4\n<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
INFLATED_MB = 64


def _odt_bomb(megabytes: int = INFLATED_MB) -> bytes:
    """An .odt of some 64 kB whose `mimetype` member inflates to `megabytes` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(ODT)
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_without_inflating_it():
    bomb = _odt_bomb()
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(evidence.RejectedFile) as refused:
            evidence.check(bomb, max_bytes=10 * 1024 * 1024)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "wrong_type"
    assert peak < 4 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated checking a {len(bomb)} B file"


def test_an_archive_with_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT)
        for n in range(evidence.ZIP_MAX_MEMBERS + 1):
            archive.writestr(f"x/{n}", b"")
    assert evidence.detect_type(buffer.getvalue()) is None


def test_a_real_odt_and_docx_are_still_accepted():
    odt, docx = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<x/>" * 1000, compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(docx, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert evidence.detect_type(odt.getvalue()) == evidence.ODT
    assert evidence.detect_type(docx.getvalue()) == evidence.DOCX


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="en")
    login(client, user.email, PASSWORD)
    return user


def _upload(client, name: str, content: bytes):
    data = {
        "title": "Training",
        "occurred_on": "2026-11-02",
        "hours": "2",
        "competency_codes": ["WMO1"],
        "activity_type": "vakliteratuur",
        "certificate": (io.BytesIO(content), name),
    }
    return post_form(
        client, "/portfolio/entries/new/training", data, content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("evil.html", JPEG, "evil.jpg"),
        ("report.svg", PDF, "report.pdf"),
        ("cv\u202egpj.exe", JPEG, "cvgpj.jpg"),
        ("photo.JPEG", JPEG, "photo.jpg"),  # a photo is re-encoded as it is cleaned
        ("noextension", PDF, "noextension.pdf"),
    ],
)
def test_the_stored_name_follows_the_detected_type(client, db, worker, name, content, stored):
    response = _upload(client, name, content)
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    evidence_file = db.scalars(select(EvidenceFile)).one()
    assert evidence_file.filename == stored
    download = client.get(f"/portfolio/evidence/{evidence_file.id}")
    disposition = download.headers["Content-Disposition"]
    assert "html" not in disposition and "svg" not in disposition and "\u202e" not in disposition
    assert re.search(r"\.(jpg|pdf|JPEG)", disposition)


def test_the_bomb_is_refused_at_the_upload_form(client, db, worker):
    response = _upload(client, "bomb.odt", _odt_bomb(8))
    assert response.status_code == 200
    assert db.scalars(select(EvidenceFile)).all() == []
