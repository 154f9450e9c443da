"""Nothing posted is thrown away when the session has ended (works without JavaScript).

A form posted after the idle timeout, after a log-out in another tab, or with a CSRF token of a
session that no longer exists is kept on the server (services.drafts) under an unguessable token
set as an HttpOnly cookie, bound to the person whose session it was; the browser goes to the
log-in page with a message. After logging in as that same person, `/drafts/kept` shows what was
typed with one button that posts it again, with a fresh CSRF token, to where it was going.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from portfolio import access, clock, db
from portfolio.services.drafts import drafts

COOKIE = "vakbekwaam_kept_form"
ENDED_USER = "ended_user"  # who the session belonged to, kept in the (signed) session cookie
# Posts that are not typed work, or that must never be replayed.
NOT_KEPT = frozenset(
    {"auth.login", "auth.logout", "auth.request_reset", "auth.reset_password", "main.set_language"}
)


def init_app(app: Flask) -> None:
    """Register the error handler for a CSRF failure, the clean-up after a saved form, and
    what drafts.js needs from every page."""
    app.register_error_handler(CSRFError, _csrf_failed)
    app.after_request(_after_a_save)
    app.jinja_env.globals.update(draft_texts_json=draft_texts_json, draft_saved=draft_saved)


def draft_texts() -> dict[str, str]:
    """The sentences drafts.js shows, in the page's language (%(time)s: a clock time)."""
    return {
        "saved": _("Draft saved at %(time)s.", time="%(time)s"),
        "local": _(
            "Draft kept in this browser at %(time)s; the server could not be reached.",
            time="%(time)s",
        ),
        "restored": _(
            "Your draft of %(time)s has been put back in the form. Save to keep it.",
            time="%(time)s",
        ),
        "discard": _("Throw the draft away"),
        "warning": _(
            "You will be logged out soon because nothing has happened for a while. "
            "Your typed text is kept as a draft."
        ),
        "stay": _("Stay logged in"),
        "ended": _(
            "Your session has ended. What you typed is kept: log in again (in another tab) "
            "and save it, or press Save and log in."
        ),
    }


def draft_texts_json() -> Markup:
    """`draft_texts` as JSON for the page's data attribute, serialised once per language."""
    return _draft_texts_json(str(get_locale()))


@lru_cache(maxsize=8)
def _draft_texts_json(_locale: str) -> Markup:
    return htmlsafe_json_dumps(draft_texts(), dumps=current_app.json.dumps)


def draft_saved() -> str:
    """The form whose draft was just saved for real: drafts.js forgets the browser's copy."""
    return session.pop("draft_saved", "") if "draft_saved" in session else ""


def remember_ended_session(user_id: int) -> None:
    """Note whose session ended, so a form posted from its pages is kept for that person."""
    session[ENDED_USER] = user_id


def wants_keeping() -> bool:
    """A POST of a form (not a log-in, log-out or language switch) with fields in it."""
    return (
        request.method == "POST"
        and request.endpoint not in NOT_KEPT
        and not (request.endpoint or "").startswith("drafts.")
        and bool(request.form)
    )


def keep_and_send_to_login(user_id: int | None):
    """Keep the posted form for `user_id` (when known) and send the browser to log in."""
    target = url_for("auth.login", next=request.path)
    if user_id is None or not wants_keeping():
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(target)
    try:
        fields = drafts.clean_fields(request.form.items(multi=True))
    except drafts.TooLarge:
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(target)
    database = db.session()
    database.rollback()
    token = drafts.keep_form(
        database,
        user_id=user_id,
        path=request.path,
        fields=fields,
        now=clock.now(),
        ttl=current_app.config["KEPT_FORM_TTL"],
    )
    flash(
        _(
            "Your session had ended before you saved. What you typed is kept: log in again "
            "and you can save it with one click."
        ),
        "warning",
    )
    response = redirect(target)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(current_app.config["KEPT_FORM_TTL"].total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
        path="/",
    )
    return response


def keep_anonymous_post():
    """before_request, after expiry and before the access rule: a protected form posted without
    a live session (log-out in another tab) is kept for the person whose session it was."""
    if current_user.is_authenticated or request.method != "POST":
        return None
    rule = access.rule_for(request.endpoint)
    if rule is None or rule.kind == access.PUBLIC:
        return None
    user_id = session.get(ENDED_USER)
    return keep_and_send_to_login(user_id if isinstance(user_id, int) else None)


def _csrf_failed(error: CSRFError):
    """A CSRF token of a session that has ended takes the same path; otherwise a plain 400."""
    user_id = session.get(ENDED_USER)
    if not current_user.is_authenticated and isinstance(user_id, int) and wants_keeping():
        return keep_and_send_to_login(user_id)
    from portfolio.templating import _error_page

    return _error_page(error)


def kept_form_waiting():
    """The current user's kept form from this browser's cookie, or None."""
    return drafts.kept_form_for(
        db.session(),
        token=request.cookies.get(COOKIE),
        viewer=current_user._get_current_object(),
        now=clock.now(),
    )


def _after_a_save(response):
    """After a form was saved (a redirect answering a POST): forget its kept copy and its
    server draft, and tell the next page to forget the browser's copy."""
    if request.method != "POST" or response.status_code not in (302, 303):
        return response
    if not current_user.is_authenticated:
        return response
    kept_id = request.form.get("kept_form_id", type=int)
    draft_key = request.form.get("draft_key", "")
    if kept_id is None and not draft_key:
        return response
    database = db.session()
    if kept_id is not None:
        drafts.discard_kept_form(
            database, viewer=current_user._get_current_object(), kept_id=kept_id
        )
        response.delete_cookie(COOKIE, path="/")
    if draft_key:
        drafts.discard_draft(database, owner=current_user._get_current_object(), key=draft_key)
        session["draft_saved"] = draft_key[: drafts.MAX_KEY_CHARS]
    g.pop("kept_form", None)
    return response
