"""Worker area: evidence files, served as attachments to those the policy allows."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, db
from portfolio.models import Role
from portfolio.services.entries import entries, evidence
from portfolio.worker import bp


@bp.route("/evidence/<int:file_id>")
@access.roles(Role.WORKER, Role.SUPERVISOR)
def evidence_download(file_id: int):
    """Download a certificate or signed form (always as an attachment)."""
    found = evidence.for_download(
        db.session(), viewer=current_user._get_current_object(), file_id=file_id
    )
    if found is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.data),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=evidence.safe_name(found.filename, found.content_type),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/entries/<int:entry_id>/files/<int:file_id>/remove", methods=["GET", "POST"])
@access.roles(Role.WORKER)
def evidence_remove(entry_id: int, file_id: int):
    """Ask, then remove one file of the worker's own draft or returned entry."""
    session = db.session()
    entry = entries.own_entry(session, owner=current_user._get_current_object(), entry_id=entry_id)
    names = {id_: name for id_, name, _size, _type in evidence.files_of(session, entry_id=entry_id)}
    if file_id not in names:
        abort(404)
    back = redirect(url_for("worker.entry_detail", entry_id=entry.id))
    if not access.may_change_entry(current_user, entry):
        flash(_("This entry is submitted or signed off: its files stay as they are."), "error")
        return back
    form = FlaskForm()
    if form.validate_on_submit():
        evidence.remove(session, entry=entry, file_id=file_id)
        flash(_("The file “%(name)s” is removed.", name=names[file_id]), "success")
        return back
    return render_template(
        "worker/entries/evidence_remove.html", entry=entry, form=form, name=names[file_id]
    )
