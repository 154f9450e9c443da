"""Admin area: the organisation's thresholds per norm, with who changed what when."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

import competencies
from portfolio import access, clock, db
from portfolio.admin import bp
from portfolio.admin.forms import threshold_field_name, threshold_form, threshold_label
from portfolio.models import Role
from portfolio.services.organisation import threshold_admin

TO_VERIFY = "te verifiëren"  # the register's own term, the same in both languages


def change_label(norm_thresholds: threshold_admin.NormThresholds, key: str) -> str:
    """A history row's threshold by name; the bare key if the norm file no longer has it."""
    try:
        return threshold_label(norm_thresholds.threshold(key))
    except KeyError:
        return key


@bp.route("/thresholds")
@access.roles(Role.ADMIN)
def thresholds():
    """Every norm: the file's numbers, whether confirmed, the organisation's override, history."""
    admin = current_user._get_current_object()
    norms = threshold_admin.overview(db.session(), organisation_id=admin.organisation_id)
    return render_template(
        "admin/thresholds.html",
        norms=norms,
        to_verify=TO_VERIFY,
        label=threshold_label,
        change_label=change_label,
    )


@bp.route("/thresholds/<norm_id>", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def threshold_edit(norm_id: str):
    """Set the organisation's numbers for one norm; an empty field uses the norm file."""
    admin = current_user._get_current_object()
    session = db.session()
    try:
        current = threshold_admin.for_norm(
            session, organisation_id=admin.organisation_id, norm_id=norm_id
        )
    except competencies.UnknownNormError:
        abort(404)
    form = threshold_form(current, TO_VERIFY)
    if form.validate_on_submit():
        values = {t.key: form[threshold_field_name(t)].data for t in current.thresholds}
        saved = threshold_admin.save_override(
            session,
            admin=admin,
            norm_id=norm_id,
            values=values,
            note=form.note.data,
            now=clock.now(),
        )
        if saved is None:
            flash(_("Nothing changed: these numbers already apply."), "info")
        else:
            flash(
                _(
                    "The thresholds for %(norm)s are saved. They apply to every worker's "
                    "progress from now on.",
                    norm=current.norm.title,
                ),
                "success",
            )
        return redirect(url_for("admin.thresholds"))
    return render_template(
        "admin/threshold_edit.html",
        form=form,
        current=current,
        field_name=threshold_field_name,
        to_verify=TO_VERIFY,
        label=threshold_label,
    )
