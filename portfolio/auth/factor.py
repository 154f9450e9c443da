"""The second factor: asked after the password, set up at the first log-in that needs it, and
managed from the account page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portfolio import access, clock, db
from portfolio.auth import bp
from portfolio.auth.flow import finish_login, pending_user
from portfolio.auth.forms import CodeForm, EnrolForm
from portfolio.security import safe_next
from portfolio.services.accounts import second_factor
from portfolio.services.accounts.second_factor import CodeOutcome


def _login_in_progress():
    """((user, next path), None) for a log-in waiting for its second factor; else (None, the
    redirect to where the person belongs: home when logged in, the log-in page otherwise)."""
    if current_user.is_authenticated:
        return None, redirect(url_for("main.home"))
    waiting = pending_user()
    if waiting is None:
        flash(_("Please log in again."), "info")
        return None, redirect(url_for("auth.login"))
    return waiting, None


def _enrolment_page(user, form, *, status: int = 200, during_login: bool):
    secret = second_factor.begin_enrolment(db.session(), user, config=current_app.config)
    uri = second_factor.provisioning_uri(user, secret)
    return (
        render_template(
            "auth/second_factor_setup.html",
            form=form,
            # segno draws the SVG from the otpauth URI; no user text is put in as markup.
            qr=Markup(second_factor.qr_svg(uri)),  # noqa: S704  # nosec B704
            secret=second_factor.group_secret(secret),
            during_login=during_login,
        ),
        status,
    )


@bp.route("/login/code", methods=["GET", "POST"])
@access.public
def second_factor_code():
    """The code from the authenticator app (or a recovery code), once per session."""
    waiting, elsewhere = _login_in_progress()
    if elsewhere is not None:
        return elsewhere
    user, next_path = waiting
    form = CodeForm()
    if form.validate_on_submit():
        database = db.session()
        outcome = second_factor.check_code(
            database,
            user,
            code=form.code.data,
            address=request.remote_addr,
            config=current_app.config,
            now=clock.now(),
        )
        if outcome is CodeOutcome.THROTTLED:
            flash(_("Too many failed attempts. Wait a few minutes and try again."), "error")
            return render_template("auth/second_factor.html", form=form), 429
        if outcome is CodeOutcome.INVALID:
            form.code.errors.append(_("This code is not right, or was used before."))
            return render_template("auth/second_factor.html", form=form)
        response = finish_login(database, user, next_path)  # a fresh session: flash after
        if outcome is CodeOutcome.RECOVERY:
            left = second_factor.remaining_recovery_codes(database, user)
            flash(
                _(
                    "You logged in with a recovery code; it cannot be used again. "
                    "%(left)s codes are left. Set up your authenticator again on your account page"
                    " if you lost it.",
                    left=left,
                ),
                "info",
            )
        return response
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/code/setup", methods=["GET", "POST"])
@access.public
def second_factor_setup():
    """The organisation asks a second factor of this person: set it up now, then log in."""
    waiting, elsewhere = _login_in_progress()
    if elsewhere is not None:
        return elsewhere
    user, next_path = waiting
    if second_factor.is_enrolled(user):
        return redirect(url_for("auth.second_factor_code"))
    form = EnrolForm()
    if form.validate_on_submit():
        database = db.session()
        codes = second_factor.confirm_enrolment(
            database, user, code=form.code.data, config=current_app.config, now=clock.now()
        )
        if codes is not None:
            finish_login(database, user, next_path)
            after = safe_next(next_path, url_for("main.home"))
            return render_template("auth/recovery_codes.html", codes=codes, next=after)
        form.code.errors.append(_("This code does not match. Check the app and try again."))
    return _enrolment_page(user, form, during_login=True)


@bp.route("/account/second-factor", methods=["GET", "POST"])
@access.authenticated
def second_factor_manage():
    """Set up the authenticator, or set it up again (a current code or a recovery code)."""
    user = current_user._get_current_object()
    database = db.session()
    if not second_factor.is_enrolled(user):
        form = EnrolForm()
        if form.validate_on_submit():
            codes = second_factor.confirm_enrolment(
                database, user, code=form.code.data, config=current_app.config, now=clock.now()
            )
            if codes is not None:
                after = url_for("main.account")
                return render_template("auth/recovery_codes.html", codes=codes, next=after)
            form.code.errors.append(_("This code does not match. Check the app and try again."))
        return _enrolment_page(user, form, during_login=False)
    form = CodeForm()
    if form.validate_on_submit():
        outcome = second_factor.check_code(
            database,
            user,
            code=form.code.data,
            address=request.remote_addr,
            config=current_app.config,
            now=clock.now(),
        )
        if outcome is CodeOutcome.THROTTLED:
            flash(_("Too many failed attempts. Wait a few minutes and try again."), "error")
        elif outcome is CodeOutcome.INVALID:
            form.code.errors.append(_("This code is not right, or was used before."))
        else:
            second_factor.reset(database, user, actor=user)
            flash(_("Your authenticator is removed. Set up the new one now."), "info")
            return redirect(url_for("auth.second_factor_manage"))
    left = second_factor.remaining_recovery_codes(database, user)
    return render_template("auth/second_factor_manage.html", form=form, left=left)
