"""Drafts saved while typing (JSON, for drafts.js), the keep-alive, and the kept-form page."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db, security
from portfolio.drafts import bp
from portfolio.services.drafts import drafts
from portfolio.web import kept_forms as keeping

# Fields of a kept form that are not typed text: posted again, not shown.
MACHINE_FIELDS = frozenset({"form_token", "version", "draft_key", "next", "privacy_confirmed"})


def _key() -> str:
    key = (request.values.get("key") or "").strip()
    if not key.startswith("/") or len(key) > drafts.MAX_KEY_CHARS:
        abort(400)
    return key


@bp.route("/save", methods=["POST"])
@access.authenticated
def save():
    """Store what is in a form now (drafts.js, every few seconds and when leaving a field)."""
    payload = request.get_json(silent=True) or {}
    key = payload.get("key") or ""
    fields = payload.get("fields")
    if not isinstance(key, str) or not key.startswith("/") or not isinstance(fields, dict):
        abort(400)
    pairs = [
        (name, value)
        for name, values in fields.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    try:
        cleaned = drafts.clean_fields(pairs)
    except drafts.TooLarge:
        abort(413)
    now = clock.now()
    drafts.save_draft(
        db.session(), owner=current_user._get_current_object(), key=key, fields=cleaned, now=now
    )
    return jsonify(saved_at=now.isoformat())


@bp.route("/load")
@access.authenticated
def load():
    """The user's own draft of a form, if any."""
    draft = drafts.draft_for(db.session(), viewer=current_user._get_current_object(), key=_key())
    if draft is None:
        return jsonify(fields=None, saved_at=None)
    return jsonify(fields=draft.fields, saved_at=draft.updated_at.isoformat())


@bp.route("/discard", methods=["POST"])
@access.authenticated
def discard():
    """Throw the user's draft of a form away."""
    drafts.discard_draft(db.session(), owner=current_user._get_current_object(), key=_key())
    return jsonify(discarded=True)


@bp.route("/keep-alive", methods=["POST"])
@access.authenticated
def keep_alive():
    """ "Stay logged in": renews the idle timer (security.expire_session)."""
    security.renew_idle_timer()
    return jsonify(idle_seconds=int(_idle_seconds()))


def _idle_seconds() -> float:
    from flask import current_app

    return current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()


@bp.route("/kept")
@access.authenticated
def kept():
    """What was typed before the session ended, ready to be saved with one click."""
    kept_form = keeping.kept_form_waiting()
    if kept_form is None:
        return redirect(url_for("main.home"))
    shown = [
        (name.replace("_", " ").capitalize(), values)
        for name, values in kept_form.fields.items()
        if name not in MACHINE_FIELDS and any(v.strip() for v in values)
    ]
    return render_template(
        "drafts/kept.html",
        kept=kept_form,
        shown=shown,
        hidden=[(name, v) for name, values in kept_form.fields.items() for v in values],
        form=FlaskForm(),
    )


@bp.route("/kept/discard", methods=["POST"])
@access.authenticated
def kept_discard():
    """Throw a kept form away."""
    kept_form = keeping.kept_form_waiting()
    if not FlaskForm().validate_on_submit():
        abort(400)
    response = redirect(url_for("main.home"))
    if kept_form is not None:
        drafts.discard_kept_form(
            db.session(), viewer=current_user._get_current_object(), kept_id=kept_form.id
        )
    response.delete_cookie(keeping.COOKIE, path="/")
    session.pop(keeping.ENDED_USER, None)
    return response
