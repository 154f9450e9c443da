"""HR imports employees from a CSV file: upload, check and preview, then confirm.

Between the preview and the confirmation the checked text travels back with the form, signed
(HMAC with the app's SECRET_KEY through itsdangerous), bound to the importing user and their
organisation, and valid for an hour. Nothing is stored on the server in between, so it works with
any number of web processes and leaves nothing to clean up; a changed or foreign payload is
refused. At confirmation the text is parsed and checked against the database again, inside the
transaction that writes it, and that preview is what `employee_import.apply` writes. Should
another import (or a colleague adding a person) take one of the addresses between that check and
the write, the unique index refuses it (a team deleted meanwhile: its foreign key; a person
changed meanwhile: the update's check of the values it read): nothing is written and the preview
is shown again, checked afresh (409).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portfolio import access, clock, db
from portfolio.hr import bp
from portfolio.hr.forms import ImportConfirmForm, ImportForm
from portfolio.models import Organisation, Role
from portfolio.services.people import employee_import

MAX_BYTES = 2 * 1024 * 1024  # about 20,000 people; the command line takes larger files
PAYLOAD_MAX_AGE = 3600  # seconds between preview and confirmation
SALT = "hr-employee-import"
SHOWN = 100  # rows per list on the preview page


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _sign(text: str) -> str:
    user = current_user._get_current_object()
    return _serializer().dumps({"u": user.id, "o": user.organisation_id, "t": text})


def _unsign(payload: str) -> str | None:
    """The signed text, or None when it was changed, expired or belongs to somebody else."""
    try:
        data = _serializer().loads(payload, max_age=PAYLOAD_MAX_AGE)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    user = current_user._get_current_object()
    if data.get("u") != user.id or data.get("o") != user.organisation_id:
        return None
    return data.get("t")


def _check(text: str) -> employee_import.Preview:
    """Parse and preview: what would change, and every error sorted by line."""
    user = current_user._get_current_object()
    parsed = employee_import.parse(text)
    return employee_import.preview(
        db.session(), organisation_id=user.organisation_id, rows=parsed, actor=user
    )


def _preview_page(checked: employee_import.Preview, text: str, status: int = 200):
    confirm = ImportConfirmForm(payload=_sign(text) if checked.is_valid else "")
    return render_template(
        "hr/employee_import_preview.html", checked=checked, confirm=confirm, shown=SHOWN
    ), status


@bp.route("/import", methods=["GET", "POST"])
@access.roles(Role.HR, Role.ADMIN)
def employee_import_upload():
    """Upload a CSV file; the answer is a preview with every problem, line by line."""
    if request.method == "POST" and (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        abort(413)
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            abort(413)
        try:
            text = employee_import.decode(data)
        except ValueError:
            form.file.errors.append(str(employee_import.MESSAGES["not_text"]))
        else:
            return _preview_page(_check(text), text)
    return render_template("hr/employee_import_upload.html", form=form, max_mb=MAX_BYTES >> 20)


@bp.route("/import/confirm", methods=["POST"])
@access.roles(Role.HR, Role.ADMIN)
def employee_import_confirm():
    """Apply a previewed import: everything in one transaction, or nothing."""
    form = ImportConfirmForm()
    text = _unsign(form.payload.data) if form.validate_on_submit() else None
    if text is None:
        flash(_("The preview has expired or is not valid. Please upload the file again."), "error")
        return redirect(url_for("hr.employee_import_upload"))
    checked = _check(text)  # the organisation may have changed since the preview was shown
    if not checked.is_valid:  # parse errors included (a signed text has none)
        return _preview_page(checked, text, status=409)
    user = current_user._get_current_object()
    session = db.session()
    try:
        outcome = employee_import.apply(
            session,
            organisation=session.get(Organisation, user.organisation_id),
            checked=checked,
            actor=user,
            now=clock.now(),
            base_url=current_app.config["PUBLIC_BASE_URL"],
        )
    except employee_import.ConcurrentChange:  # e.g. an address taken since the check
        flash(
            _(
                "Someone else changed some of these people or teams at the same moment, for "
                "example by importing the same file. Nothing has been imported. Check the "
                "preview below and confirm again."
            ),
            "error",
        )
        return _preview_page(_check(text), text, status=409)
    flash(
        _(
            "Import done: %(created)d added (%(invited)d invited by e-mail), %(updated)d "
            "changed, %(unchanged)d unchanged.",
            created=outcome.created,
            invited=outcome.invited,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
        ),
        "success",
    )
    return redirect(url_for("hr.people_list"))
