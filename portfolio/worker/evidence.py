"""Worker area: evidence files, served as attachments to those the policy allows."""

from __future__ import annotations

import io

from flask import abort, send_file
from flask_login import current_user

from portfolio import access, db
from portfolio.models import Role
from portfolio.services import evidence
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
    response = send_file(io.BytesIO(found.data), mimetype=found.content_type,
                         as_attachment=True, download_name=found.filename)  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
