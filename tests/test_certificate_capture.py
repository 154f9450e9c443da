"""A certificate photographed on the start page becomes a filled-in training the worker confirms;
photos are stored upright without EXIF; bad pictures are answered clearly (issue 15)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from portfolio.models import Entry, EvidenceFile
from portfolio.services.entries import certificate_reading, evidence, photos
from tests import certificates
from tests.conftest import flashes, login, post_form
from tests.factories import PASSWORD, make_organisation, make_team, make_user

CORPUS = certificates.make_corpus()


@pytest.fixture
def worker(client, db):
    org = make_organisation(db)
    user = make_user(db, org, team=make_team(db, org), locale="en", name=CORPUS[1].participant)
    login(client, user.email, PASSWORD)
    return user


def _read(client, data: bytes, name: str):
    return post_form(
        client,
        "/portfolio/certificates/read",
        {"photo": (io.BytesIO(data), name)},
        token_from="/portfolio/",
        content_type="multipart/form-data",
    )


def _value(html: str, field: str) -> str:
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def test_the_start_page_offers_the_camera(client, worker):
    html = client.get("/portfolio/").get_data(as_text=True)
    field = re.search(r'<input[^>]*type="file"[^>]*id="photo"[^>]*>', html).group(0)
    assert 'accept="image/*,application/pdf"' in field and 'capture="environment"' in field
    assert "Photograph a certificate" in html


def test_a_certificate_pdf_prefills_a_training_that_is_saved_only_when_confirmed(
    client, db, worker
):
    cert = CORPUS[1]
    register = cert.accreditations[0]["register"].lower().replace(" ", "")
    row = f"accreditation_{register}"  # one row per register on the form
    response = _read(client, certificates.pdf(cert), "certificaat.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _value(html, "title") == cert.title
    assert _value(html, "occurred_on") == cert.date.isoformat()
    assert _value(html, "provider") == cert.provider
    assert _value(html, row) == cert.accreditations[0]["id"]
    assert "probably right" in html and "someone else" not in html
    assert 'action="/portfolio/entries/new/training"' in html
    # Read, not saved: no entry yet, the file is kept pending for this worker only.
    assert db.scalars(select(Entry)).all() == []
    pending = db.scalars(select(EvidenceFile)).one()
    assert pending.entry_id is None and pending.owner_id == worker.id

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    confirmed = client.post(
        "/portfolio/entries/new/training",
        data={
            "csrf_token": token,
            "title": _value(html, "title"),
            "occurred_on": _value(html, "occurred_on"),
            "end_on": _value(html, "end_on"),
            "hours": "7",  # the worker corrects a field
            "provider": _value(html, "provider"),
            row: _value(html, row),
            "pending_file_id": _value(html, "pending_file_id"),
        },
    )
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[-2000:]
    entry = db.scalars(select(Entry)).one()
    assert (entry.title, entry.hours, entry.accreditation_list) == (
        cert.title,
        Decimal("7"),
        [(register, cert.accreditations[0]["id"])],
    )
    db.refresh(pending)
    assert pending.entry_id == entry.id


def test_a_certificate_of_someone_else_is_flagged(client, db, worker):
    other = next(c for c in CORPUS if c.participant != worker.name)
    html = _read(client, certificates.pdf(other), "c.pdf").get_data(as_text=True)
    assert "made out to someone else" in html and other.participant in html


def test_a_photo_is_stored_upright_without_exif_and_scaled(client, db, worker):
    big = Image.new("RGB", (4000, 3000), "white")  # landscape pixels ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... to be shown turned a quarter
    exif[0x8825] = {2: (52.0, 5.0, 0.0)}
    out = io.BytesIO()
    big.save(out, "JPEG", exif=exif.tobytes())
    name, data, content_type = evidence.prepare("IMG_0001.JPG", out.getvalue(), max_bytes=10**8)
    stored = Image.open(io.BytesIO(data))
    assert content_type == "image/jpeg" and name == "IMG_0001.jpg"
    assert stored.size == (1500, 2000)  # upright (portrait), longest side 2000
    assert not stored.getexif() and b"Exif" not in data[:200]


def test_a_heic_photo_is_converted_to_jpeg():
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, "HEIF")
    assert photos.is_heif(out.getvalue())
    name, data, content_type = evidence.prepare("IMG_1.HEIC", out.getvalue(), max_bytes=10**8)
    assert (name, content_type) == ("IMG_1.jpg", "image/jpeg") and data[:3] == b"\xff\xd8\xff"


def _jpeg(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def _cat() -> bytes:
    """Not a certificate: a furry blob with two eyes, and no text at all."""
    from PIL import ImageDraw, ImageFilter

    image = Image.new("RGB", (900, 700), (140, 160, 120))
    draw = ImageDraw.Draw(image)
    draw.ellipse([200, 150, 700, 600], fill=(200, 120, 50))
    draw.polygon([(250, 250), (300, 60), (380, 200)], fill=(200, 120, 50))
    draw.polygon([(520, 200), (600, 60), (650, 250)], fill=(200, 120, 50))
    for x in (350, 550):
        draw.ellipse([x - 30, 300, x + 30, 350], fill=(30, 140, 40))
    return _jpeg(image.filter(ImageFilter.GaussianBlur(3)))


def _password_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(certificates.pdf(CORPUS[0]))))
    writer.encrypt(user_password="geheim", owner_password="ook-geheim")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_only_pdf(photo: Image.Image) -> bytes:
    out = io.BytesIO()
    photo.save(out, "PDF", resolution=150)
    return out.getvalue()


BAD = {
    "blank page": (lambda: _jpeg(Image.new("RGB", (1200, 1700), "white")), "no_text"),
    "cat": (_cat, "no_text"),
    "truncated jpeg": (lambda: certificates.photo(CORPUS[0])[:40_000], "truncated"),
    "password pdf": (_password_pdf, "pdf_password"),
    "40 megapixels": (
        lambda: _jpeg(Image.new("L", (7300, 5500), 255), quality=30),
        "no_text",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_answered_clearly_and_nothing_is_kept(client, db, worker, case):
    make, reason = BAD[case]
    data = make()
    with pytest.raises(certificate_reading.Unreadable) as raised:
        certificate_reading.read(data)
    assert raised.value.reason == reason
    response = _read(client, data, "upload.jpg")
    assert response.status_code == 302 and response.headers["Location"].endswith("/portfolio/")
    (category, message), *_ = flashes(client.get("/portfolio/"))
    assert category == "error" and message
    assert db.scalars(select(EvidenceFile)).all() == []


def test_an_image_only_pdf_is_read_with_ocr():
    cert = CORPUS[4]
    reading = certificate_reading.read(_image_only_pdf(certificates.render(cert, dpi=150)))
    assert reading.source == "scan"
    assert reading.date == cert.date and reading.hours == cert.hours


def test_the_cli_prints_the_reading_as_json_and_fails_clearly(app, tmp_path):
    good, bad = tmp_path / "c.pdf", tmp_path / "kapot.pdf"
    good.write_bytes(certificates.pdf(CORPUS[1]))
    bad.write_bytes(_password_pdf())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["read-certificate", str(good)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed) == {
        "title",
        "provider",
        "date",
        "end",
        "hours",
        "accreditations",
        "participant",
        "confidence",
    }
    assert printed["accreditations"] == [
        {"register": a["register"], "id": a["id"]} for a in CORPUS[1].accreditations
    ]
    assert 0 < printed["confidence"]["date"] <= 1
    failed = runner.invoke(args=["read-certificate", str(bad)])
    assert failed.exit_code == 2 and "password" in failed.output


def test_a_truncated_photo_on_the_entry_form_is_refused_and_the_form_kept(client, db, worker):
    response = post_form(
        client,
        "/portfolio/entries/new/training",
        {
            "title": "Meldcode in de praktijk",
            "occurred_on": "2026-11-02",
            "hours": "3",
            "certificate": (io.BytesIO(certificates.photo(CORPUS[0])[:40_000]), "IMG_1.jpg"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This picture is incomplete" in html
    assert _value(html, "title") == "Meldcode in de praktijk"
    assert db.scalars(select(Entry)).all() == [] and db.scalars(select(EvidenceFile)).all() == []


def test_discarding_removes_the_pending_photo_and_makes_no_training(client, db, worker):
    _read(client, certificates.pdf(CORPUS[1]), "c.pdf")
    assert db.scalars(select(EvidenceFile)).one().entry_id is None
    response = post_form(client, "/portfolio/certificates/discard", {}, token_from="/portfolio/")
    assert response.status_code == 302
    assert db.scalars(select(EvidenceFile)).all() == [] and db.scalars(select(Entry)).all() == []
