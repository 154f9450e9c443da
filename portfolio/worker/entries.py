"""Worker area: list, record, read, change, delete, share and submit entries."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import competencies
from portfolio import access, clock, db
from portfolio.models import EntryKind, Role
from portfolio.requests import page_number, search_text
from portfolio.services import entries, evidence, participation
from portfolio.worker import bp
from portfolio.worker.entry_forms import KIND_FIELDS, REFLECTION_STRUCTURES, EntryForm, phase_field

KINDS = {
    "reflection": _l("Reflection"),
    "training": _l("Training"),
    "peer_review": _l("Peer review session"),
    "other": _l("Other development activity"),
    "work": _l("Work experience"),
}
MESSAGES = {
    "date_far_future": _l("This date is more than a year ahead."),
    "end_before_start": _l("The end date is before the start date."),
    "negative": _l("Hours cannot be negative."),
    "too_many_hours": _l("More than 24 hours a day is not possible."),
    "hours_per_week": _l("Give between 0 and 80 hours a week."),
    "unknown_competency": _l("Choose competencies from the list."),
    "unknown_article": _l("Choose articles from the list."),
    "unknown_choice": _l("Choose one of the options in the list."),
    "too_large": _l("The file is too large. Choose a file of at most %(size)s."),
    "wrong_type": _l("This file is not a PDF, PNG, JPEG, DOCX or ODT document."),
}


def _input(kind: str, form: EntryForm) -> entries.EntryInput:
    fields = {name: form[name].data for name in KIND_FIELDS[kind] if name != "structure"}
    if kind == EntryKind.REFLECTION:
        fields["sections"] = _sections(form)
    tagged = kind != EntryKind.WORK  # work experience carries no tags
    return entries.EntryInput(
        kind=kind, title=form.title.data or "", occurred_on=form.occurred_on.data,
        end_on=form.end_on.data, hours=form.hours.data, fields=fields,
        competencies=(form.competency_codes.data or []) if tagged else [],
        articles=(form.article_numbers.data or []) if tagged else [],
        knowledge_areas=(form.knowledge_areas.data or []) if tagged else [],
    )  # fmt: skip


def _sections(form: EntryForm) -> dict:
    """The reflection's structure and, for a guided one, the text of each phase."""
    structure = form.structure.data if form.structure.data in REFLECTION_STRUCTURES else "free"
    phases = {
        phase: (form[phase_field(structure, phase)].data or "").strip()
        for phase, _label in REFLECTION_STRUCTURES.get(structure, ())
    }
    return {"template": structure, "phases": {k: v for k, v in phases.items() if v}}


def _fill_sections(form: EntryForm, sections: dict | None) -> None:
    sections = sections or {}
    form.structure.data = sections.get("template", "free")
    for phase, text in (sections.get("phases") or {}).items():
        name = phase_field(form.structure.data, phase)
        if name in form:
            form[name].data = text


def _team_choices(form: EntryForm, owner) -> None:
    """Offer the owner's team colleagues as participants of a peer review session."""
    form.participant_ids.choices = [
        SelectChoice(c.id, c.name) for c in participation.team_colleagues(db.session(), owner=owner)
    ]


def _participants(form: EntryForm, owner) -> list[int] | None:
    """Ids of the colleagues picked or typed; None with an error on the form if one is unknown."""
    emails = [e.strip() for e in (form.participant_emails.data or "").split(",") if e.strip()]
    found = participation.colleagues_by_email(db.session(), owner=owner, emails=emails)
    unknown = [e for e in emails if e.lower() not in found]
    if unknown:
        form.participant_emails.errors.append(
            _("No colleague in your organisation has this e-mail address: %(emails)s",
              emails=", ".join(unknown))
        )  # fmt: skip
        return None
    return [*(form.participant_ids.data or []), *found.values()]


def _save(kind: str, form: EntryForm, entry=None):
    """Validate, scan, store; returns the entry, or None with errors put on the form."""
    data = _input(kind, form)
    if kind != EntryKind.WORK and data.hours is None:
        form.hours.errors.append(_("Give the net hours."))
        return None, {}
    for name, code in entries.validate(data, today=clock.today()).items():
        target = {"competencies": "competency_codes", "articles": "article_numbers"}.get(name, name)
        form[target].errors.append(str(MESSAGES.get(code, code)))
    owner = current_user._get_current_object()
    participant_ids = _participants(form, owner) if kind == EntryKind.PEER_REVIEW else []
    if form.errors:
        return None, {}
    findings = entries.privacy_findings(data)
    if findings and not form.privacy_confirmed.data:
        return None, findings
    upload = form.certificate.data
    session = db.session()
    now = clock.now()
    saved = entries.save(session, owner=owner, data=data, now=now, entry=entry,
                         privacy_confirmed=bool(findings))  # fmt: skip
    if participant_ids:
        participation.invite(session, entry=saved, user_ids=participant_ids, owner=owner,
                             base_url=current_app.config["PUBLIC_BASE_URL"], now=now)  # fmt: skip
        session.commit()
    if upload and upload.filename:
        limit = current_app.config.get(
            "EVIDENCE_MAX_BYTES", current_app.config["MAX_CONTENT_LENGTH"]
        )
        try:
            evidence.store(session, owner=owner, entry=saved,
                           filename=upload.filename, data=upload.read(), max_bytes=limit,
                           now=clock.now())  # fmt: skip
            session.commit()
        except evidence.RejectedFile as rejected:
            session.rollback()
            form.certificate.errors.append(str(MESSAGES[rejected.reason]) % {"size": _size(limit)})
            flash(_("The entry is saved, but the file was refused."), "error")
            return None, {}
    return saved, {}


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


def _owned(entry_id: int):
    entry = entries.own_entry(
        db.session(), owner=current_user._get_current_object(), entry_id=entry_id
    )
    if entry is None:
        abort(404)
    return entry


@bp.route("/entries")
@access.roles(Role.WORKER)
def entry_list():
    """The worker's entries, searchable and filtered, newest first."""
    args = request.args
    filters = entries.EntryFilter(
        kind=args.get("kind", "") if args.get("kind") in KINDS else "",
        competency=args.get("competency", "")[:10], article=args.get("article", type=int),
        start=_date(args.get("from")), end=_date(args.get("to")), text=search_text(),
    )  # fmt: skip
    page = entries.list_entries(db.session(), owner=current_user._get_current_object(),
                                filters=filters, page=page_number(),
                                per_page=current_app.config["PAGE_SIZE"])  # fmt: skip
    return render_template("worker/entries/entry_list.html", page=page, filters=filters,
                           kinds=KINDS, catalogue=competencies)  # fmt: skip


def _date(text):
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.route("/entries/new/<kind>", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_new(kind: str):
    """Record a new entry of one kind."""
    if kind not in KINDS:
        abort(404)
    form = EntryForm()
    _team_choices(form, current_user)
    findings = {}
    if form.validate_on_submit():
        saved, findings = _save(kind, form)
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("worker.entry_detail", entry_id=saved.id))
    return render_template("worker/entries/entry_form.html", form=form, kind=kind, kinds=KINDS,
                           fields=KIND_FIELDS[kind], findings=findings, entry=None,
                           structures=REFLECTION_STRUCTURES, phase_field=phase_field)  # fmt: skip


@bp.route("/entries/<int:entry_id>")
@access.roles(Role.WORKER)
def entry_detail(entry_id: int):
    """One entry with its tags and files."""
    entry = _owned(entry_id)
    return render_template("worker/entries/entry_detail.html", form=FlaskForm(),
                           **entry_context(db.session(), entry))  # fmt: skip


def entry_context(session, entry) -> dict:
    """What `_entry_facts.html` needs to show one entry (its owner's page and its readers')."""
    return {
        "entry": entry,
        "kinds": KINDS,
        "tags": entries.tags_of(session, entry_id=entry.id),
        "files": evidence.files_of(session, entry_id=entry.id),
        "catalogue": competencies,
        "structures": REFLECTION_STRUCTURES,
        "participants": participation.participants_of(session, entry_id=entry.id)
        if participation.is_peer_review(entry)
        else [],
    }


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_edit(entry_id: int):
    """Change an entry (never once it is signed)."""
    entry = _owned(entry_id)
    if entry.is_locked:
        flash(_("A signed entry cannot be changed."), "error")
        return redirect(url_for("worker.entry_detail", entry_id=entry.id))
    session = db.session()
    tags = entries.tags_of(session, entry_id=entry.id)
    form = EntryForm(obj=entry)
    _team_choices(form, current_user)
    if request.method == "GET":
        form.competency_codes.data = tags["competency"]
        form.article_numbers.data = [int(n) for n in tags["article"]]
        form.knowledge_areas.data = tags["knowledge_area"]
        form.participant_ids.data = participation.participant_ids(session, entry_id=entry.id)
        _fill_sections(form, entry.sections)
    findings = {}
    if form.validate_on_submit():
        saved, findings = _save(entry.kind, form, entry=entry)
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("worker.entry_detail", entry_id=entry.id))
    return render_template("worker/entries/entry_form.html", form=form, kind=entry.kind,
                           kinds=KINDS, fields=KIND_FIELDS[entry.kind], findings=findings,
                           entry=entry, structures=REFLECTION_STRUCTURES,
                           phase_field=phase_field)  # fmt: skip


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_delete(entry_id: int):
    """Ask, then delete (never once signed)."""
    entry = _owned(entry_id)
    if entry.is_locked:
        flash(_("A signed entry cannot be deleted."), "error")
        return redirect(url_for("worker.entry_detail", entry_id=entry.id))
    form = FlaskForm()
    if form.validate_on_submit():
        entries.delete_entry(db.session(), entry=entry)
        flash(_("The entry is deleted."), "success")
        return redirect(url_for("worker.entry_list"))
    return render_template("worker/entries/entry_delete.html", entry=entry, form=form)


@bp.route("/entries/<int:entry_id>/share", methods=["POST"])
@access.roles(Role.WORKER)
def entry_share(entry_id: int):
    """Share the entry with the supervisor, or withdraw it."""
    entry = _owned(entry_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    shared = request.form.get("shared") == "1"
    entries.set_shared(db.session(), entry=entry, shared=shared, now=clock.now())
    flash(_("Shared with your supervisor.") if shared else _("No longer shared."), "success")
    return redirect(url_for("worker.entry_detail", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@access.roles(Role.WORKER)
def entry_submit(entry_id: int):
    """Submit a peer review session for sign-off by the supervisor."""
    entry = _owned(entry_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if entries.submit(db.session(), entry=entry, now=clock.now(),
                      base_url=current_app.config["PUBLIC_BASE_URL"]):  # fmt: skip
        flash(_("Submitted for sign-off."), "success")
    else:
        flash(_("Only a draft or returned peer review session can be submitted."), "error")
    return redirect(url_for("worker.entry_detail", entry_id=entry.id))
