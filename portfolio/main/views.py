"""Views of the main area."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

import competencies
from portfolio import access, clock, db
from portfolio.main import bp
from portfolio.main.forms import LanguageForm
from portfolio.models import Role
from portfolio.page_cache import page_cache
from portfolio.security import safe_next
from portfolio.services.accounts import accounts
from portfolio.services.overviews import todo


@bp.route("/")
@access.public
def home():
    """The start page of each role; anonymous visitors go to the log-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.has_role(Role.WORKER):
        return redirect(url_for("worker.dashboard"))
    user, database = current_user._get_current_object(), db.session()
    items, more = [], 0
    if user.has_role(Role.SUPERVISOR):
        items, waiting = todo.supervisor_todo(
            database, supervisor=user, today=clock.today(), now=clock.now()
        )
        more = max(waiting - sum(1 for t in items if t.kind == "signoff"), 0)
    elif user.has_role(Role.HR, Role.ADMIN):
        items = todo.hr_todo(database, viewer=user, today=clock.today())
        items, more = items[: todo.SHOWN], max(len(items) - todo.SHOWN, 0)
    return render_template("main/home.html", todo=items, todo_more=more)


@bp.route("/favicon.ico")
@access.public
def favicon():
    """The site's icon where browsers look for it first (pages also link the SVG one)."""
    # Bytes, not a file handle: 1 KB, and nothing is left open by a client that stops reading.
    icon = (Path(current_app.static_folder) / "favicon.ico").read_bytes()
    response = Response(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@bp.route("/catalogue")
@access.authenticated
def catalogue():
    """The development model: competencies, levels, code articles and norms, with sources."""
    key = (str(get_locale()), competencies.CATALOGUE_VERSION)
    content = page_cache("catalogue").get_or_render(key, _catalogue_content)
    return render_template("main/catalogue.html", content=content)


def _catalogue_content() -> Markup:
    html = render_template(
        "main/_catalogue_content.html", catalogue=competencies, norms=competencies.all_norms()
    )
    return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    """Switch the interface language (remembered on the account when logged in)."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        accounts.set_locale(
            db.session(), user=current_user._get_current_object(), locale=form.lang.data
        )
    return redirect(safe_next(form.next.data, url_for("main.home")))


@bp.route("/account")
@access.authenticated
def account():
    """The user's own account: language, password, and a copy of all their data."""
    return render_template("main/account.html")


@bp.route("/erased")
@access.public
def erased():
    """The neutral page after a portfolio was erased (the person is logged out)."""
    return render_template("main/erased.html")
