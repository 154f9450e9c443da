"""Worker area: list, record, read, change, delete, share, submit and correct entries."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

import competencies
from portfolio import access, clock, db
from portfolio.models import EntryStatus, Role, User
from portfolio.requests import page_number, search_text
from portfolio.services.entries import entries, entry_search, signoff
from portfolio.services.organisation import org_settings
from portfolio.services.sessions import participation
from portfolio.templating import ENTRY_KINDS as KINDS
from portfolio.templating import entry_kind_labels
from portfolio.web.entry_forms import (
    KIND_FIELDS,
    REFLECTION_STRUCTURES,
    EntryForm,
    accreditation_field,
    fill_accreditations,
    phase_field,
    unknown_register_ids,
)
from portfolio.web.entry_page import entry_context
from portfolio.worker import bp, entry_saving
from portfolio.worker.own_pages import own_page

PEER_REVIEW_FORMS = {tag.code for tag in competencies.REFLECTION_FORMS}
LOCKED = {
    "change": {
        EntryStatus.SUBMITTED.value: _l(
            "This entry is waiting for sign-off and cannot be changed now. If something must "
            "change, ask your supervisor to return it."
        ),
        EntryStatus.SIGNED.value: _l(
            "A signed entry cannot be changed. Use “Correct” to make a new version; it needs a "
            "new sign-off."
        ),
    },
    "delete": {
        EntryStatus.SUBMITTED.value: _l(
            "This entry is waiting for sign-off and cannot be deleted now."
        ),
        EntryStatus.SIGNED.value: _l("A signed entry cannot be deleted."),
    },
}


def _owned(entry_id: int):
    return entries.own_entry(
        db.session(), owner=current_user._get_current_object(), entry_id=entry_id
    )


def _refuse(entry, action: str):
    """Back to the entry, saying why it cannot be changed or deleted now."""
    flash(str(LOCKED[action].get(entry.status, LOCKED[action][EntryStatus.SIGNED.value])), "error")
    return redirect(url_for("worker.entry_detail", entry_id=entry.id))


@bp.route("/entries")
@access.roles(Role.WORKER)
def entry_list():
    """The worker's entries, searchable and filtered, newest first."""
    args = request.args
    filters = entry_search.EntryFilter(
        kind=args.get("kind", "") if args.get("kind") in KINDS else "",
        competency=args.get("competency", "")[:10],
        article=args.get("article", type=int),
        start=_date(args.get("from")),
        end=_date(args.get("to")),
        text=search_text(),
    )
    number, per_page = page_number(), current_app.config["PAGE_SIZE"]

    def render(_today) -> Markup:
        page = entry_search.list_entries(
            db.session(),
            owner=current_user._get_current_object(),
            filters=filters,
            page=number,
            per_page=per_page,
        )
        html = render_template(
            "worker/entries/_entry_list_content.html",
            page=page,
            filters=filters,
            kinds=entry_kind_labels(),
            catalogue=competencies,
            filter_args=_filter_args(filters),
        )
        return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704

    content = own_page("entries", render, filters, number, per_page)
    return render_template("worker/entries/entry_list.html", content=content)


def _filter_args(filters: entry_search.EntryFilter) -> dict:
    """The list's query arguments that narrow it, for links to its other pages."""
    args = {
        "q": filters.text,
        "kind": filters.kind,
        "competency": filters.competency,
        "article": filters.article,
        "from": filters.start.isoformat() if filters.start else "",
        "to": filters.end.isoformat() if filters.end else "",
    }
    return {name: value for name, value in args.items() if value}


def _date(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def render_form(form: EntryForm, kind: str, entry, findings: dict, conflict=None, **extra):
    """The entry form; `conflict` is the saved version beside a stale save, `extra` carries a
    certificate's reading (worker/capture.py)."""
    entry_saving.ask_for_the_file_again(form)
    entry_saving.describe_the_file_field(form, kind)
    pending = entry_saving.pending_file(form) if kind == "training" and entry is None else None
    return render_template(
        "worker/entries/entry_form.html",
        form=form,
        kind=kind,
        kinds=entry_kind_labels(),
        fields=KIND_FIELDS[kind],
        findings=findings,
        entry=entry,
        structures=REFLECTION_STRUCTURES,
        phase_field=phase_field,
        registers=[accreditation_field(r.code) for r in competencies.REGISTERS],
        unknown_register_ids=unknown_register_ids(entry),
        conflict=conflict,
        pending=pending,
        **extra,
    )


@bp.route("/entries/new/<kind>", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_new(kind: str):
    """Record a new entry of one kind."""
    if kind not in KINDS:
        abort(404)
    form = EntryForm()
    entry_saving.participant_choices(form, current_user)
    if request.method == "GET" and kind == "peer_review":
        # Preset the form of peer review: the one asked for (?form=), else intervisie — the
        # most common, and one that needs no registered supervisor (supervisie does).
        chosen = request.args.get("form", "intervisie")
        form.form.data = chosen if chosen in PEER_REVIEW_FORMS else "intervisie"
    findings = {}
    if form.validate_on_submit():
        try:
            saved, findings = entry_saving.save_form(kind, form)
        except entry_saving.AlreadySaved as done:
            flash(_("This form was already saved; it was not saved a second time."), "info")
            return redirect(done.result or url_for("worker.entry_list"))
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("worker.entry_detail", entry_id=saved.id))
    return render_form(form, kind, None, findings)


@bp.route("/entries/<int:entry_id>")
@access.roles(Role.WORKER)
def entry_detail(entry_id: int):
    """One entry with its tags, files, sign-off history and signature."""
    entry = _owned(entry_id)
    session = db.session()
    history = signoff.history(session, entry_id=entry.id)
    can_submit = entry.is_editable and entry.kind in org_settings.signoff_kinds(
        session, organisation_id=entry.organisation_id
    )
    return render_template(
        "worker/entries/entry_detail.html",
        form=FlaskForm(),
        history=history,
        signer=_signer(session, entry, history),
        can_submit=can_submit,
        files_removable=access.may_change_entry(current_user, entry),
        signature_intact=signoff.signature_intact(session, entry),
        corrected_by=entries.correction_of(session, entry=entry) if entry.is_locked else None,
        **entry_context(session, entry),
    )


def _signer(session, entry, history) -> str | None:
    """The name of who signed the entry (from its history, else from their account)."""
    if entry.signed_by_id is None:
        return None
    for event, name in reversed(history):
        if event.action == "signed" and event.actor_id == entry.signed_by_id:
            return name
    signer = session.get(User, entry.signed_by_id)
    return signer.name if signer else None


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_edit(entry_id: int):
    """Change a draft or returned entry (never a submitted or signed one)."""
    entry = _owned(entry_id)
    if not access.may_change_entry(current_user, entry):
        return _refuse(entry, "change")
    session = db.session()
    form = EntryForm(obj=entry)
    current = participation.participants_of(session, entry_id=entry.id)
    entry_saving.participant_choices(form, current_user, current)
    if current:
        form.participant_ids.description = _(
            "Untick a colleague to take them off the session. A colleague who already "
            "confirmed that they took part stays."
        )
    if request.method == "GET":
        tags = entries.tags_of(session, entry_id=entry.id)
        form.competency_codes.data = tags["competency"]
        form.article_numbers.data = [int(n) for n in tags["article"]]
        form.knowledge_areas.data = tags["knowledge_area"]
        form.participant_ids.data = [user_id for user_id, _name, _confirmed in current]
        entry_saving.fill_sections(form, entry.sections)
        fill_accreditations(form, entry)
    findings = {}
    if form.validate_on_submit():
        if form.version.data and str(form.version.data) != str(entry.version):
            # A stale form (another tab saved meanwhile): refuse, show both, lose nothing.
            form.version.data = str(entry.version)
            conflict = entry_context(session, entry)
            return render_form(form, entry.kind, entry, {}, conflict=conflict), 409
        try:
            saved, findings = entry_saving.save_form(entry.kind, form, entry=entry)
        except entries.EntryLocked:
            session.rollback()
            return _refuse(entry, "change")
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("worker.entry_detail", entry_id=entry.id))
    return render_form(form, entry.kind, entry, findings)


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def entry_delete(entry_id: int):
    """Ask, then delete (a draft or returned entry only)."""
    entry = _owned(entry_id)
    if not access.may_change_entry(current_user, entry):
        return _refuse(entry, "delete")
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
    """Submit the entry for sign-off by the supervisor."""
    entry = _owned(entry_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        supervisors = entries.submit(
            db.session(),
            entry=entry,
            now=clock.now(),
            base_url=current_app.config["PUBLIC_BASE_URL"],
        )
    except entries.NotSubmittable as refused:
        if refused.reason == "kind":
            flash(_("In your organisation, entries of this kind are not signed off."), "error")
        else:
            flash(_("Only a draft or returned entry can be submitted."), "error")
    else:
        flash(_("Submitted for sign-off."), "success")
        if not supervisors:
            flash(
                _(
                    "Nobody can sign it yet: your team has no active supervisor. The entry "
                    "waits until one is assigned; ask HR if this takes long."
                ),
                "warning",
            )
    return redirect(url_for("worker.entry_detail", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/correct", methods=["POST"])
@access.roles(Role.WORKER)
def entry_correct(entry_id: int):
    """Correct a signed entry: a new version to change and submit; the signed one stays."""
    entry = _owned(entry_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        correction = entries.correct(
            db.session(), entry=entry, owner=current_user._get_current_object(), now=clock.now()
        )
    except entries.NotCorrectable:
        flash(_("Only a signed entry needs a correction: change this one directly."), "error")
        return redirect(url_for("worker.entry_detail", entry_id=entry.id))
    flash(
        _(
            "This is a new version of the signed entry. Correct it and submit it for a new "
            "sign-off; the signed version stays as it was."
        ),
        "success",
    )
    return redirect(url_for("worker.entry_edit", entry_id=correction.id))
