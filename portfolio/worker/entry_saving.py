"""The entry form's way into the services: convert, check, then store all of it at once.

A refused file or any other error puts a message on the form and stores nothing, so the worker
corrects it and saves again without making a second entry.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portfolio import clock, db
from portfolio.models import EntryKind
from portfolio.services.entries import entries, entry_input, evidence
from portfolio.services.sessions import participation
from portfolio.web.entry_forms import (
    EVIDENCE_LABELS,
    KIND_FIELDS,
    REFLECTION_STRUCTURES,
    EntryForm,
    phase_field,
)

MESSAGES = {
    "date_far_future": _l("This date is more than a year ahead."),
    "end_before_start": _l("The end date is before the start date."),
    "negative": _l("Hours cannot be negative."),
    "too_many_hours": _l("More than 24 hours a day is not possible."),
    "too_many_hours_entry": _l(
        "One entry holds at most 1,000 hours; log a longer course in parts."
    ),
    "not_a_number": _l("Give the hours as a number, for example 2.5."),
    "hours_per_week": _l("Give between 0 and 80 hours a week."),
    "unknown_competency": _l("Choose competencies from the list."),
    "unknown_article": _l("Choose articles from the list."),
    "unknown_choice": _l("Choose one of the options in the list."),
    "unknown_knowledge_area": _l("Choose knowledge areas from the list."),
    "supervisor_name": _l("Supervisie counts only with a registered supervisor: give their name."),
    "supervisor_registration": _l(
        "Supervisie counts only with a registered supervisor: give their register and "
        "registration number, for example LVSC 12345."
    ),
    "registration_format": _l("Give the register and the number, for example LVSC 12345."),
    "too_large": _l("The file is too large. Choose a file of at most %(size)s."),
    "wrong_type": _l("This file is not a PDF, PNG, JPEG, DOCX or ODT document."),
}


def _input(kind: str, form: EntryForm) -> entry_input.EntryInput:
    fields = {name: form[name].data for name in KIND_FIELDS[kind] if name != "structure"}
    if kind == EntryKind.REFLECTION:
        fields["sections"] = _sections(form)
    tagged = kind != EntryKind.WORK  # work experience carries no tags
    return entry_input.EntryInput(
        kind=kind,
        title=form.title.data or "",
        occurred_on=form.occurred_on.data,
        end_on=form.end_on.data,
        hours=form.hours.data,
        fields=fields,
        competencies=(form.competency_codes.data or []) if tagged else [],
        articles=(form.article_numbers.data or []) if tagged else [],
        knowledge_areas=(form.knowledge_areas.data or []) if tagged else [],
    )


def _sections(form: EntryForm) -> dict:
    """The reflection's structure and, for a guided one, the text of each phase."""
    structure = form.structure.data if form.structure.data in REFLECTION_STRUCTURES else "free"
    phases = {
        phase: (form[phase_field(structure, phase)].data or "").strip()
        for phase, _label in REFLECTION_STRUCTURES.get(structure, ())
    }
    return {"template": structure, "phases": {k: v for k, v in phases.items() if v}}


def fill_sections(form: EntryForm, sections: dict | None) -> None:
    """Put a saved reflection's structure and phases back into the form."""
    sections = sections or {}
    form.structure.data = sections.get("template", "free")
    for phase, text in (sections.get("phases") or {}).items():
        name = phase_field(form.structure.data, phase)
        if name in form:
            form[name].data = text


def participant_choices(form: EntryForm, owner, current=()) -> None:
    """Offer the owner's team colleagues, and the session's current participants, to tick."""
    people = {c.id: c.name for c in participation.team_colleagues(db.session(), owner=owner)}
    confirmed = set()
    for user_id, name, is_confirmed in current:
        people.setdefault(user_id, name)
        if is_confirmed:
            confirmed.add(user_id)
    form.participant_ids.choices = [
        SelectChoice(
            user_id, _("%(name)s (confirmed)", name=name) if user_id in confirmed else name
        )
        for user_id, name in sorted(people.items(), key=lambda person: person[1])
    ]


def _participants(form: EntryForm, owner) -> list[int] | None:
    """Ids of the colleagues picked or typed; None with an error on the form if one is unknown."""
    emails = [e.strip() for e in (form.participant_emails.data or "").split(",") if e.strip()]
    found = participation.colleagues_by_email(db.session(), owner=owner, emails=emails)
    unknown = [e for e in emails if e.lower() not in found]
    if unknown:
        form.participant_emails.errors.append(
            _(
                "No colleague in your organisation has this e-mail address: %(emails)s",
                emails=", ".join(unknown),
            )
        )
        return None
    return [*(form.participant_ids.data or []), *found.values()]


def _checked_upload(form: EntryForm) -> tuple[str, bytes] | None:
    """(name, content) of the chosen file when it is acceptable; None, with the reason on the
    form when it is refused."""
    upload = form.certificate.data
    if not (upload and getattr(upload, "filename", None)):
        return None
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    data = upload.read(limit + 1)
    try:
        evidence.check(data, max_bytes=limit)
    except evidence.RejectedFile as rejected:
        message = str(MESSAGES[rejected.reason]) % {"size": evidence.size_label(limit)}
        form.certificate.errors.append(message)
        return None
    return upload.filename, data


def ask_for_the_file_again(form: EntryForm) -> None:
    """A form shown again has lost its chosen file (browsers do not refill file fields)."""
    upload = form.certificate.data
    chosen = request.method == "POST" and getattr(upload, "filename", None)
    if chosen and not form.certificate.errors:  # a refused file has its reason instead
        form.certificate.description = _(
            "You chose “%(name)s”, but it is not saved yet and the browser has forgotten it: "
            "choose the file again before you save.",
            name=evidence.safe_name(upload.filename),
        )


def describe_the_file_field(form: EntryForm, kind: str) -> None:
    """The file field's label for this kind, and its limit for the browser to check before a
    large file is sent (the server checks again; a request far over it would lose the form)."""
    if kind not in EVIDENCE_LABELS:
        return
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    form.certificate.label.text = str(EVIDENCE_LABELS[kind])
    form.certificate.render_kw = {
        "data-max-bytes": limit,
        "data-too-large": str(MESSAGES["too_large"]) % {"size": evidence.size_label(limit)},
        "accept": ".pdf,.png,.jpg,.jpeg,.docx,.odt",
    }


def save_form(kind: str, form: EntryForm, entry=None):
    """Validate, check the file, scan, then store everything at once.

    Returns (entry, {}) or (None, privacy findings) with errors put on the form. Nothing is
    stored unless all of it can be: a refused file leaves no entry behind.
    """
    data = _input(kind, form)
    if kind != EntryKind.WORK and data.hours is None:
        form.hours.errors.append(_("Give the net hours."))
    for name, code in entry_input.validate(data, today=clock.today()).items():
        target = {"competencies": "competency_codes", "articles": "article_numbers"}.get(name, name)
        form[target].errors.append(str(MESSAGES.get(code, code)))
    owner = current_user._get_current_object()
    participant_ids = _participants(form, owner) if kind == EntryKind.PEER_REVIEW else []
    upload = _checked_upload(form) if kind in EVIDENCE_LABELS else None
    if form.errors:
        return None, {}
    findings = entry_input.privacy_findings(data)
    if findings and not form.privacy_confirmed.data:
        return None, findings
    session = db.session()
    now = clock.now()
    saved = entries.save(
        session,
        owner=owner,
        data=data,
        now=now,
        entry=entry,
        privacy_overridden=findings,
    )
    if kind == EntryKind.PEER_REVIEW:
        participation.set_participants(
            session,
            entry=saved,
            user_ids=participant_ids,
            owner=owner,
            now=now,
            base_url=current_app.config["PUBLIC_BASE_URL"],
        )
    if upload:
        evidence.store(
            session,
            owner=owner,
            entry=saved,
            filename=upload[0],
            data=upload[1],
            max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
            now=now,
        )
    return saved, {}
