"""Worker area: exports of the worker's own data."""

from __future__ import annotations

from flask import send_file
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.models import Role
from portfolio.services import my_data
from portfolio.worker import bp


@bp.route("/my-data.zip", methods=["POST"])
@access.roles(Role.WORKER, Role.SUPERVISOR, Role.HR, Role.ADMIN)
def download_my_data():
    """All of the logged-in user's data as a ZIP (JSON plus the original evidence files)."""
    archive = my_data.write_archive(db.session(), user=current_user._get_current_object())
    stamp = clock.today().isoformat()
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"vakbekwaam-mijn-gegevens-{stamp}.zip",
    )
