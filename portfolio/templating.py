"""Template helpers and error pages."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, current_app, g, render_template, request
from flask_babel import (
    format_date,
    format_datetime,
    get_locale,
    get_translations,
    gettext,
    to_user_timezone,
)
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup

import competencies
from portfolio import db
from portfolio.services.entries.entry_status import shown_status
from portfolio.web.links import fixed_url

# The main menu: (endpoint, label, roles that see it (None: everyone), endpoint prefixes that
# mark it as the current page).
MAIN_MENU = (
    ("main.home", _l("Start"), None, ("main.home", "worker.dashboard")),
    ("worker.entry_list", _l("Entries"), ("worker",), ("worker.entry",)),
    (
        "worker.development_overview",
        _l("My development"),
        ("worker",),
        ("worker.development", "worker.assessment", "worker.goal"),
    ),
    ("worker.evaluation_current", _l("Yearly evaluation"), ("worker",), ("worker.evaluation",)),
    (
        "supervisor.signoff_queue",
        _l("Sign-off"),
        ("supervisor",),
        ("supervisor.signoff", "supervisor.review"),
    ),
    ("supervisor.team", _l("My team"), ("supervisor",), ("supervisor.team", "supervisor.member")),
    (
        "supervisor.evaluation_list",
        _l("Yearly evaluations"),
        ("supervisor",),
        ("supervisor.evaluation",),
    ),
    ("feedback.feedback_list", _l("Feedback"), ("worker", "supervisor"), ("feedback.",)),
    ("hr.overview", _l("Organisation overview"), ("hr", "admin"), ("hr.overview",)),
    ("hr.evaluations", _l("Yearly evaluations"), ("hr", "admin"), ("hr.evaluations",)),
    (
        "hr.people_list",
        _l("People"),
        ("hr", "admin"),
        ("hr.people", "hr.person", "hr.team", "hr.employee_import"),
    ),
    ("admin.audit", _l("Audit log"), ("admin",), ("admin.audit",)),
    ("admin.outbox", _l("Outgoing mail"), ("admin",), ("admin.outbox",)),
    ("admin.settings", _l("Settings"), ("admin",), ("admin.settings",)),
    ("main.catalogue", _l("Development model"), None, ("main.catalogue",)),
)

ROLE_LABELS = {
    "worker": _l("Social worker"),
    "supervisor": _l("Supervisor"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}

AUDIT_ACTIONS = {
    "login": _l("Logged in"),
    "password_changed": _l("Changed password"),
    "email_change_requested": _l("Asked to change own e-mail address"),
    "email_changed": _l("Changed own e-mail address (confirmed from the new address)"),
    "logged_out_everywhere": _l("Logged out everywhere"),
    "view_person": _l("Viewed a person's record"),
    "export_my_data": _l("Downloaded own data"),
    "privacy_override": _l("Saved despite a privacy warning"),
    "settings_changed": _l("Changed organisation settings"),
    "thresholds_changed": _l("Changed the thresholds of a norm"),
    "test_mail": _l("Sent a test mail"),
    "export_registration_pdf": _l("Downloaded a registration PDF"),
    "download_evidence": _l("Downloaded the evidence of an entry"),
    "view_entry": _l("Viewed an entry submitted for sign-off"),
    "entry_signed": _l("Signed off an entry"),
    "entry_returned": _l("Returned an entry for changes"),
    "view_member_portfolio": _l("Viewed a team member's portfolio"),
    "copy_session": _l("Copied a shared peer review session to their own portfolio"),
    "assess_competencies": _l("Assessed a person's competencies"),
    "view_evaluation": _l("Viewed a yearly evaluation"),
    "evaluation_completed": _l("Completed a yearly evaluation"),
    "evaluation_corrected": _l("Opened a correction of a signed yearly evaluation"),
    "export_evaluations": _l("Exported the yearly evaluations"),
    "people_imported": _l("Imported employees from a file"),
    "person_created": _l("Added a person"),
    "person_updated": _l("Changed a person's record"),
    "person_deactivated": _l("Deactivated an account"),
    "person_reactivated": _l("Reactivated an account"),
    "portfolio_erased": _l("Erased a portfolio"),
    "team_created": _l("Added a team"),
    "team_renamed": _l("Renamed a team"),
    "team_deleted": _l("Deleted a team"),
    "team_lead_added": _l("Made a supervisor lead a team"),
    "team_lead_removed": _l("Stopped a supervisor leading a team"),
    "sso_login": _l("Signed in through the organisation's provider"),
    "sso_login_failed": _l("Sign-in through the provider refused"),
    "login_refused": _l("Password log-in refused (the organisation uses single sign-on)"),
    "sso_config_changed": _l("Changed the single sign-on settings"),
    "second_factor_policy_changed": _l("Changed who needs a second step at log-in"),
    "second_factor_enrolled": _l("Set up an authenticator app"),
    "second_factor_failed": _l("Typed a wrong log-in code"),
    "recovery_code_used": _l("Logged in with a recovery code"),
    "second_factor_reset": _l("Removed their authenticator app"),
    "second_factor_reset_by_admin": _l("Reset someone's authenticator app"),
}

STANDINGS = {
    "on_track": _l("on track"),
    "behind": _l("behind"),
    "at_risk": _l("at risk of missing the deadline"),
    "expired": _l("expired"),
    "unknown": _l("unknown: thresholds to be verified"),
}

PRIVACY_KINDS = {
    "bsn": _l("citizen service number (BSN)"),
    "email": _l("e-mail address"),
    "phone": _l("phone number"),
    "postcode_house_number": _l("postcode and house number"),
    "date_of_birth": _l("date of birth"),
    "iban": _l("bank account number (IBAN)"),
    "address": _l("address"),
    "person_name": _l("name"),
    "age": _l("age"),
    "case_number": _l("case number"),
}

ENTRY_STATUSES = {
    # Saved, needs no sign-off (services.entries.entry_status): never called a draft.
    "recorded": _l("recorded"),
    "draft": _l("draft"),
    "submitted": _l("submitted for sign-off"),
    "returned": _l("returned"),
    "signed": _l("signed off"),
}

ENTRY_KINDS = {
    "reflection": _l("Reflection"),
    "training": _l("Training"),
    "peer_review": _l("Peer review session"),
    "other": _l("Other development activity"),
    "work": _l("Work experience"),
}

# The steps of an entry's sign-off history (EntryEvent.action).
ENTRY_EVENTS = {
    "submitted": _l("Submitted for sign-off"),
    "signed": _l("Signed off"),
    "returned": _l("Returned"),
    "corrected": _l("Corrected: a new version replaces this one"),
}

GOAL_STATUSES = {
    "open": _l("open"),
    "in_progress": _l("in progress"),
    "achieved": _l("achieved"),
    "dropped": _l("dropped"),
}

EVALUATION_STATUSES = {
    "not_started": _l("not started"),
    "prepared": _l("prepared by the worker"),
    "completed": _l("completed by the supervisor"),
    "signed": _l("signed"),
}

MAIL_STATUSES = {"queued": _l("waiting"), "sent": _l("sent"), "failed": _l("failed")}

ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("No access"), _l("You do not have access to this page.")),
    404: (_l("Not found"), _l("This page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    413: (
        _l("File too large"),
        _l("The file is larger than allowed. Choose a smaller file and try again."),
    ),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("Please try again. The error has been logged.")),
}


def current_locale() -> str:
    """The language of this request, as a code."""
    return str(get_locale() or "nl")


def localized(record, field: str) -> str:
    """A record's text in the current language (Dutch is the source, English where present)."""
    if current_locale() == "en":
        english = getattr(record, f"{field}_en", None)
        if english:
            return english
    return getattr(record, field)


def number(value, locale: str | None = None) -> str:
    """A number in the current locale (or `locale`), decimals only when needed: babel's
    `#,##0.##`."""
    if value is None:
        return "—"
    # Python's own formatting with the locale's two symbols: babel's format_decimal looks the
    # symbols up on every call (50 µs each, ten numbers on a dashboard). Rounding is the same
    # (half to even; tests/test_templating_numbers.py compares both).
    text = f"{Decimal(str(value)):,.2f}".rstrip("0").rstrip(".")
    decimal, group = _number_symbols(locale or str(get_locale()))
    return text.translate({ord(","): group, ord("."): decimal})


@lru_cache(maxsize=16)
def _number_symbols(locale: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of a locale."""
    return get_decimal_symbol(locale), get_group_symbol(locale)


def entry_status_label(entry, locale: str | None = None) -> str:
    """An entry's status in words; `entry` is an Entry, a dict of its columns (my-data) or a
    bare status. A saved entry of a kind its organisation does not sign off is "recorded"."""
    labels = _translated_labels("entry_status", locale) if locale else _labels("entry_status")
    if isinstance(entry, str):
        return str(labels.get(entry, entry))
    field = entry.get if isinstance(entry, dict) else lambda name: getattr(entry, name)
    kinds = signoff_kinds_of(field("organisation_id"))
    status = shown_status(field("status"), field("kind"), kinds)
    return str(labels.get(status, status))


def signoff_kinds_of(organisation_id: int) -> list[str]:
    """The organisation's kinds to sign off, read once per request and organisation."""
    from flask import g

    from portfolio.services.organisation import org_settings

    cache = g.setdefault("signoff_kinds", {})
    if organisation_id not in cache:
        cache[organisation_id] = org_settings.signoff_kinds(
            db.session(), organisation_id=organisation_id
        )
    return cache[organisation_id]


def main_menu(role: str, endpoint: str | None) -> list[tuple[str, str, bool]]:
    """(url, label, is the current page) of the menu items this role sees."""
    endpoint = endpoint or ""
    labels = _labels("menu")
    return [
        (fixed_url(target), labels[target], endpoint.startswith(current))
        for target, _label, roles, current in MAIN_MENU
        if roles is None or role in roles
    ]


def _label_tables() -> dict[str, dict]:
    return {
        "menu": {target: label for target, label, _roles, _current in MAIN_MENU},
        "role": ROLE_LABELS,
        "audit_action": AUDIT_ACTIONS,
        "mail_status": MAIL_STATUSES,
        "standing": STANDINGS,
        "privacy": PRIVACY_KINDS,
        "goal_status": GOAL_STATUSES,
        "evaluation_status": EVALUATION_STATUSES,
        "entry_status": ENTRY_STATUSES,
        "entry_event": ENTRY_EVENTS,
        "entry_kind": ENTRY_KINDS,
    }


@lru_cache(maxsize=64)
def _translated_labels(name: str, locale: str) -> dict[str, str]:
    """The labels of one table in `locale` (called within a request in that locale)."""
    return {key: str(label) for key, label in _label_tables()[name].items()}


def _labels(name: str) -> dict:
    """One table's labels as text in the current language, translated once per process and
    language (each lazy string would otherwise go through Flask-Babel on every use: tens of
    µs, and a list page shows a label per row). Outside a request: the lazy strings."""
    locale = get_locale()
    if locale is None:
        return _label_tables()[name]
    return _translated_labels(name, str(locale))


def entry_kind_labels() -> dict[str, str]:
    """The entry kinds' names as text in the current language (a list page shows one per row)."""
    return _labels("entry_kind")


def _label(name: str):
    """A template global: the label of a key in one of the tables, the key when unknown."""

    @pass_context
    def label(context, key):
        locale = context.get("_locale")
        labels = _translated_labels(name, locale) if locale else _labels(name)
        return labels.get(key, key)

    return label


@pass_context
def _date_filter(context, value) -> str:
    """`|date`: babel's medium date in the current locale (a dash for none). Plain dates are
    formatted once per locale (a list page shows one per row), a datetime as its local day."""
    if not value:
        return "—"
    locale = context.get("_locale") or get_locale()
    if locale is not None:
        if type(value) is date:
            return _date_text(value, str(locale))
        if type(value) is datetime:  # its day in the user's time zone, as format_date takes it
            return _date_text(to_user_timezone(value).date(), str(locale))
    return format_date(value, "medium")


@pass_context
def _datetime_filter(context, value) -> str:
    """`|datetime`: babel's short date and time in the user's time zone and language. The short
    format shows the minute at most, so each minute is formatted once per locale (a list page
    shows one per row, and its rows again on the next visit)."""
    locale = context.get("_locale") or get_locale()
    if locale is None or type(value) is not datetime:
        return format_datetime(value, "short")
    wall_clock = to_user_timezone(value).replace(tzinfo=None, second=0, microsecond=0)
    return _datetime_text(wall_clock, str(locale))


@lru_cache(maxsize=4096)
def _datetime_text(wall_clock: datetime, locale: str) -> str:
    # Naive: babel writes the wall clock as it is (the short format names no zone).
    return babel_format_datetime(wall_clock, "short", locale=locale)


@lru_cache(maxsize=4096)
def _date_text(value: date, locale: str) -> str:
    return babel_format_date(value, "medium", locale=locale)


def level_title(rank: int | None) -> str:
    """A proficiency level's title from its rank (1–4); a dash when not rated."""
    if rank is None:
        return "—"
    return next(level.title for level in competencies.PROFICIENCY_LEVELS if level.rank == rank)


def translations():
    """This request's translations (flask_babel.get_translations), looked up once per locale.

    Flask-Babel looks the translations up on every call (about 25 µs: several context-local
    lookups), and a page translates 100-200 strings. The result is kept beside Flask-Babel's own
    locale in the request context, keyed by that locale object, so `force_locale` (mails in the
    recipient's language) and `refresh()` get their own translations.
    """
    ctx = g.get("_flask_babel") if g else None
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()
    kept = getattr(ctx, "kept_translations", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    ctx.kept_translations = (locale, found)
    return found


def _render_translations(context):
    """The translations of a render: put in its context when render_template starts (one
    lookup per page instead of one per string); a macro imported without the context looks
    them up itself."""
    found = context.get("_translations")
    return found if found is not None else translations()


def _install_gettext(app: Flask) -> None:
    """Flask-Babel's template callables, through the render's translations."""
    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda ctx, s: _render_translations(ctx).ugettext(s)),
        ngettext=pass_context(lambda ctx, s, p, n: _render_translations(ctx).ungettext(s, p, n)),
        newstyle=True,
        pgettext=pass_context(lambda ctx, c, s: _render_translations(ctx).upgettext(c, s)),
        npgettext=pass_context(
            lambda ctx, c, s, p, n: _render_translations(ctx).unpgettext(c, s, p, n)
        ),
    )
    # `_`/`gettext` called directly: what jinja2.ext's newstyle gettext returns, without its two
    # wrapper calls and the `%` of a string that has no placeholder (a page translates 100-200
    # strings, most of them table labels repeated on every row).
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext)
    app.context_processor(_render_locale)


KEPT_FRAGMENTS = "kept_fragments"


def kept_fragment(template: str, **values: Hashable) -> Markup:
    """A template that depends on nothing but the language, the script root and `values`,
    rendered once per app and key and then kept. Every logged-in page repeats a few such parts
    (the menu of a role on a page, the stylesheet and script links, the texts for offline.js):
    rendering them each time cost about a tenth of a millisecond per page."""
    kept = current_app.extensions.setdefault(KEPT_FRAGMENTS, {})
    key = (template, current_locale(), request.script_root, *sorted(values.items()))
    found = kept.get(key)
    if found is None:
        html = render_template(template, **values)
        found = kept[key] = Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704
    return found


def _render_locale() -> dict:
    """What every render looks up once, not per string or row: the translations and the
    locale's code (the filters and labels below read it from the render's context; a macro
    imported without the context looks them up itself)."""
    return {"_translations": translations(), "_locale": current_locale()}


@pass_context
def _number_filter(context, value) -> str:
    return number(value, context.get("_locale"))


@pass_context
def _entry_status_label(context, entry) -> str:
    return entry_status_label(entry, context.get("_locale"))


@pass_context
def _template_gettext(context, string: str, **variables):
    """Jinja's newstyle `gettext`: the translation, marked safe under autoescape, formatted
    with `variables` (`%%` in a translation without variables is still turned into `%`)."""
    text = _render_translations(context).ugettext(string)
    if context.eval_ctx.autoescape:
        # As jinja2.ext does: a translation is trusted text, the values put in are escaped.
        text = Markup(text)  # noqa: S704  # nosec B704
    return text % variables if variables or "%" in text else text


def init_app(app: Flask) -> None:
    """Register globals, filters and error handlers."""
    _install_gettext(app)
    app.jinja_env.globals.update(
        current_locale=current_locale,
        localized=localized,
        role_label=_label("role"),
        audit_action_label=_label("audit_action"),
        mail_status_label=_label("mail_status"),
        standing_label=_label("standing"),
        privacy_label=_label("privacy"),
        level_title=level_title,
        main_menu=main_menu,
        goal_status_label=_label("goal_status"),
        evaluation_status_label=_label("evaluation_status"),
        entry_status_label=_entry_status_label,
        entry_event_label=_label("entry_event"),
        labels_of=_labels,  # a whole table at once, for a page that shows its labels per cell
        kept_fragment=kept_fragment,
    )
    app.jinja_env.filters["number"] = _number_filter
    app.context_processor(_unread_notifications)
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.filters["date"] = _date_filter
    for code in ERRORS:
        app.register_error_handler(code, _error_page)


def _unread_notifications() -> dict:
    """The unread count for the header: read with the user at log-in of the request
    (extensions._load_user), else one query; logged-in pages only."""
    from flask import g
    from flask_login import current_user

    from portfolio.services.notifications.notifications import unread_count

    if db.without_database() or not current_user or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    if "unread_notifications" in g:
        return {"unread_notifications": g.unread_notifications}
    return {"unread_notifications": unread_count(db.session(), user_id=current_user.id)}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if code == 413 and limit and (request.content_length or 0) > limit:
        message = _too_large_message()
    if code < 500:
        return render_template("errors/error.html", title=title, message=message), code
    # A server error may have left the database session unusable (a failed flush, a lost
    # connection): the page is rendered without it, from what is in memory only.
    from portfolio import db

    db.discard_session()
    try:
        return render_template("errors/standalone.html", title=title, message=message), code
    except Exception:
        current_app.logger.exception("the error page failed")
        return STANDALONE_500, code, {"Content-Type": "text/html; charset=utf-8"}


STANDALONE_500 = (
    '<!doctype html><html lang="nl"><meta charset="utf-8"><title>Er ging iets mis</title>'
    "<h1>Er ging iets mis · Something went wrong</h1>"
    '<p>Probeer het opnieuw. · Please try again.</p><p><a href="/">Vakbekwaam</a></p></html>'
)


def _too_large_message() -> str:
    """The request was larger than the app accepts: say what the limit for a file is."""
    from portfolio.services.entries.evidence import size_label

    return gettext(
        "The file is larger than allowed: a file may be at most %(size)s. Go back, choose a "
        "smaller file and save again.",
        size=size_label(current_app.config["EVIDENCE_MAX_BYTES"]),
    )
