"""Worker area: a certificate photographed (or a PDF chosen) becomes a training to confirm.

The picture is checked and cleaned like any evidence file (upright, no EXIF, scaled, HEIC to
JPEG), read on this server (services/entries/certificate_reading.py), and kept as the worker's
one pending file. The training form comes back filled in with what was read and how sure the
reading is; nothing becomes an entry until the worker checks it and presses Save.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import competencies
from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services.entries import certificate_reading, evidence
from portfolio.web.entry_forms import CaptureForm, EntryForm, accreditation_field
from portfolio.worker import bp, entry_saving
from portfolio.worker.entries import render_form

CANNOT_READ = {
    "pdf_password": _l(
        "This PDF is protected with a password, so it cannot be read. Save it without a "
        "password, or fill in the training yourself."
    ),
    "pdf_broken": _l("This PDF is damaged and cannot be opened."),
    "pdf_too_large": _l("This PDF is too large to read."),
    "no_text": _l(
        "No certificate text was found in this picture (a blank page, or not a certificate?). "
        "Take the photo again, flat and in good light, or fill in the training yourself."
    ),
    "ocr_missing": _l("Reading photos is not available on this server; fill in the training."),
    "wrong_type": entry_saving.MESSAGES["wrong_type"],
    "truncated": entry_saving.MESSAGES["truncated"],
    "too_many_pixels": entry_saving.MESSAGES["too_many_pixels"],
    "not_an_image": entry_saving.MESSAGES["not_an_image"],
    "too_large": entry_saving.MESSAGES["too_large"],
}


def _message(reason: str) -> str:
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    text = CANNOT_READ.get(reason, CANNOT_READ["no_text"])
    return (
        str(text) % {"size": evidence.size_label(limit)} if "%(size)s" in str(text) else str(text)
    )


@bp.route("/certificates/read", methods=["POST"])
@access.roles(Role.WORKER)
def certificate_read():
    """Read the photographed certificate and show the training form filled in with it."""
    capture = CaptureForm()
    back = redirect(url_for("worker.dashboard"))
    upload = capture.photo.data
    if not capture.validate_on_submit() or not (upload and getattr(upload, "filename", None)):
        flash(_("Choose or take a photo of a certificate first."), "error")
        return back
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    try:
        name, data, content_type = evidence.prepare(
            upload.filename, upload.read(limit + 1), max_bytes=limit
        )
        if content_type not in ("application/pdf", "image/jpeg", "image/png"):
            raise evidence.RejectedFile("wrong_type")
        reading = certificate_reading.read(data)
    except (evidence.RejectedFile, certificate_reading.Unreadable) as refused:
        flash(_message(refused.reason), "error")
        return back
    session = db.session()
    owner = current_user._get_current_object()
    pending = evidence.store_pending(
        session, owner=owner, filename=name, data=data, content_type=content_type, now=clock.now()
    )  # the request commits
    form = EntryForm(formdata=None)
    form.title.data = reading.title
    form.occurred_on.data = reading.date
    form.end_on.data = reading.end
    form.hours.data = reading.hours
    form.provider.data = reading.provider
    for accreditation in reading.accreditations:  # one row per register the form knows
        field = accreditation_field((accreditation["register"] or "").lower().replace(" ", ""))
        if field in form and not form[field].data:
            form[field].data = accreditation["id"]
    form.pending_file_id.data = str(pending.id)
    entry_saving.participant_choices(form, owner)
    for name, sure in _sureness(reading).items():
        original = form[name].description
        form[name].description = f"{sure}. {original}" if original else sure
    return render_form(
        form,
        "training",
        None,
        {},
        reading=reading,
        other_participant=certificate_reading.participant_differs(reading, owner.name),
        action=url_for("worker.entry_new", kind="training"),
    )


def _sureness(reading) -> dict[str, str]:
    """Per form field, how sure the reading is, in words people use."""
    fields = {
        "title": "title",
        "occurred_on": "date",
        "end_on": "end",
        "hours": "hours",
        "provider": "provider",
        **{accreditation_field(r.code): "accreditations" for r in competencies.REGISTERS},
    }
    words = {}
    for form_name, field in fields.items():
        value = reading.confidence.get(field, 0.0)
        if value >= 0.8:
            words[form_name] = _(
                "Read from the certificate, probably right (%(n)d%%)", n=value * 100
            )
        elif value > 0:
            words[form_name] = _(
                "Read from the certificate, not sure: check it (%(n)d%%)", n=value * 100
            )
        else:
            words[form_name] = _("Not found on the certificate: fill it in")
    return words


@bp.route("/certificates/discard", methods=["POST"])
@access.roles(Role.WORKER)
def certificate_discard():
    """Cancel: the photographed certificate is removed, no training is made."""
    form = CaptureForm()
    if form.validate_on_submit():
        evidence.discard_pending(db.session(), owner=current_user._get_current_object())
        flash(_("The photo is removed; no training was saved."), "info")
    return redirect(url_for("worker.dashboard"))
