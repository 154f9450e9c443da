"""Views of the auth area: validate the form, call one service, flash, redirect."""

from __future__ import annotations

import secrets

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from portfolio import access, clock, db
from portfolio.auth import bp, devices
from portfolio.auth.flow import SSO_SESSION_KEY, begin_second_factor, finish_login
from portfolio.auth.forms import (
    ChangePasswordForm,
    EmailChangeForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portfolio.infra import mail
from portfolio.models import Organisation, User
from portfolio.security import start_session
from portfolio.services.accounts import accounts, email_change, oidc, second_factor
from portfolio.services.accounts.accounts import LoginOutcome
from portfolio.services.accounts.passwords import verify_password
from portfolio.services.privacy import audit
from portfolio.web import kept_forms as keeping
from portfolio.web.forms import Form


@bp.route("/login", methods=["GET", "POST"])
@access.public
def login():
    """Log in with e-mail address and password (then the second factor, when it applies)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    database = db.session()
    sso = None
    if form.validate_on_submit():
        sso = _offer(database, oidc.provider_for_email(database, form.email.data))
        result = accounts.authenticate(
            database,
            email=form.email.data,
            password=form.password.data,
            address=request.remote_addr,
            now=clock.now(),
            limits=current_app.config,
            device=devices.device_for(form.email.data),
        )
        if result.outcome is LoginOutcome.OK:
            response = _after_password(database, result.user, form.next.data)
            if isinstance(response, tuple):  # refused (password log-in off)
                return response
            # The right password: this browser is known for the account (log-in throttle).
            return devices.remember(response, result.user.email)
        if result.outcome is LoginOutcome.THROTTLED:
            flash(_("Too many failed attempts. Wait a few minutes and try again."), "error")
            return render_template("auth/login.html", form=form, sso=sso), 429
        flash(_("That e-mail address and password do not match an active account."), "error")
    return render_template("auth/login.html", form=form, sso=sso)


def _offer(database, provider) -> dict | None:
    """The "Log in with <provider>" button's name and organisation, when there is one."""
    if provider is None or not provider.enabled:
        return None
    organisation = database.get(Organisation, provider.organisation_id)
    return {"name": provider.display_name, "slug": organisation.slug}


def _after_password(database, user, next_path: str):
    """The password was right: refused when the organisation signs in through its provider
    only, on to the second factor when it applies, else logged in."""
    if not oidc.password_login_allowed(database, user):
        audit.record(database, actor=user, action="login_refused", detail="password log-in off")
        provider = oidc.provider_for(database, user.organisation_id)
        flash(
            _(
                "Your organisation signs you in through %(provider)s. Use the button below.",
                provider=provider.display_name,
            ),
            "error",
        )
        form = LoginForm(next=next_path)
        return render_template("auth/login.html", form=form, sso=_offer(database, provider)), 403
    default = current_app.config["SECOND_FACTOR_DEFAULT"]
    if second_factor.is_enrolled(user) or second_factor.is_required(
        database, user, default=default
    ):
        return begin_second_factor(user, next_path)
    return finish_login(database, user, next_path)


@bp.route("/logout", methods=["POST"])
@access.authenticated
def logout():
    """Log out and end every session of this account; also at the provider when the person
    signed in through it and it offers RP-initiated log-out."""
    user = current_user._get_current_object()
    signed_in_with = session.get(SSO_SESSION_KEY)
    database = db.session()
    accounts.end_all_sessions(database, user=user)
    logout_user()
    keeping.remember_ended_session(user.id)  # a page still open in another tab keeps its form
    if signed_in_with:
        provider = oidc.provider_for(database, signed_in_with.get("org"))
        after = current_app.config["PUBLIC_BASE_URL"] + url_for("auth.login")
        target = oidc.logout_url(
            provider,
            id_token=signed_in_with.get("id_token"),
            after=after,
            config=current_app.config,
        )
        if target:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            # A page that moves on by itself: a redirect answering a form may not leave the
            # site (the CSP's form-action), a refresh may.
            return render_template("auth/provider_logout.html", target=target, provider=provider)
    flash(_("You are logged out."), "info")
    response = redirect(url_for("auth.login"))
    # The installed app's caches, offline drafts and service worker go with the session.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/logout-everywhere", methods=["POST"])
@access.authenticated
def logout_everywhere():
    """End every session and the calendar link, for when somebody else may have had access."""
    if Form().validate_on_submit():
        accounts.end_all_sessions(
            db.session(), user=current_user._get_current_object(), end_calendar_feed=True
        )
        logout_user()
        flash(_("Every session and your calendar link have ended."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.account"))


@bp.route("/password", methods=["GET", "POST"])
@access.authenticated
def change_password():
    """Change the password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            accounts.change_password(
                db.session(), user=user, new_password=form.password.data, now=clock.now()
            )
            start_session(clock.now())
            login_user(user)
            flash(_("Your password has been changed. Other sessions have been ended."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgotten", methods=["GET", "POST"])
@access.public
def request_reset():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        # Known or not, the same steps in the same time: count the request, make a link and its
        # mail, and commit once. Only for an active account within its limits are the link and
        # the mail kept (the outbox delivers it later: never SMTP inside the request).
        database = db.session()
        user = accounts.reset_request_allowed(
            database,
            email=form.email.data,
            address=request.remote_addr,
            now=clock.now(),
            limits=current_app.config,
        )
        _reset_mail(database, user)
        flash(_("If an account exists for that address, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


def _reset_mail(database, user) -> None:
    """Make the link and the mail; add them only for `user` (None: an unknown address)."""
    now = clock.now()
    ttl = current_app.config["PASSWORD_RESET_TTL"]
    token = (
        accounts.create_reset_token(database, user=user, now=now, ttl=ttl)
        if user
        else accounts.reset_token_hash(secrets.token_urlsafe(32))
    )
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("auth.reset_password", token=token)
    recipient = user or User(name="", email="", locale=current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(recipient.locale):
        subject = _("Reset your Vakbekwaam password")
        text = render_template("mail/password_reset.txt", user=recipient, link=link)
    if user:
        mail.queue_mail(
            database,
            to=user.email,
            subject=subject,
            text=text,
            organisation_id=user.organisation_id,
            now=now,
        )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
def reset_password(token: str):
    """Choose a new password with a single-use link."""
    database = db.session()
    if accounts.user_for_reset_token(database, token=token, now=clock.now()) is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(
            database, token=token, new_password=form.password.data, now=clock.now()
        )
        if user is None:
            flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
            return redirect(url_for("auth.request_reset"))
        flash(_("Your password has been set. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


EMAIL_CHANGE_MESSAGES = {
    "invalid": _l("Enter a valid e-mail address, such as name@example.org."),
    "same": _l("This is already your e-mail address."),
    "unavailable": _l("This e-mail address cannot be used. Choose another address."),
}


def _mail(database, *, to: str, user, subject: str, template: str, **context) -> None:
    mail.queue_mail(
        database,
        to=to,
        subject=subject,
        text=render_template(template, user=user, **context),
        organisation_id=user.organisation_id,
        now=clock.now(),
    )


@bp.route("/account/email", methods=["GET", "POST"])
@access.authenticated
def change_email():
    """Ask to change the own e-mail address: confirmed from the new address, the old one told."""
    form = EmailChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        database = db.session()
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            try:
                new_email, token = email_change.request_change(
                    database, user=user, new_email=form.email.data, secret=current_app.secret_key
                )
            except email_change.EmailChangeRefused as refused:
                form.email.errors.append(str(EMAIL_CHANGE_MESSAGES[refused.code]))
            else:
                link = current_app.config["PUBLIC_BASE_URL"] + url_for(
                    "auth.confirm_email", token=token
                )
                with force_locale(user.locale):
                    _mail(
                        database,
                        to=new_email,
                        user=user,
                        subject=_("Confirm your new e-mail address for Vakbekwaam"),
                        template="mail/email_change_confirm.txt",
                        link=link,
                        hours=int(email_change.LINK_TTL.total_seconds() // 3600),
                    )
                    _mail(
                        database,
                        to=user.email,
                        user=user,
                        subject=_("Your Vakbekwaam e-mail address is about to change"),
                        template="mail/email_change_requested.txt",
                    )
                flash(
                    _(
                        "We sent a link to the new address. The change takes effect when you "
                        "open it; until then you log in with your current address."
                    ),
                    "info",
                )
                return redirect(url_for("main.account"))
    return render_template("auth/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@access.public
def confirm_email(token: str):
    """Confirm a new e-mail address from the link mailed to it (a button: no change on GET)."""
    database = db.session()
    secret = current_app.secret_key
    found = email_change.pending(database, token=token, secret=secret)
    if found is None:
        flash(_("This link is invalid or has expired. Ask for the change again."), "error")
        return redirect(url_for("auth.login"))
    form = Form()
    if form.validate_on_submit():
        try:
            done = email_change.confirm(database, token=token, secret=secret, now=clock.now())
        except email_change.EmailChangeRefused:
            flash(str(EMAIL_CHANGE_MESSAGES["unavailable"]), "error")
            return redirect(url_for("auth.login"))
        if done is None:
            flash(_("This link is invalid or has expired. Ask for the change again."), "error")
            return redirect(url_for("auth.login"))
        user, old_email = done
        with force_locale(user.locale):
            _mail(
                database,
                to=old_email,
                user=user,
                subject=_("Your Vakbekwaam e-mail address has been changed"),
                template="mail/email_changed.txt",
            )
        logout_user()
        flash(_("Your e-mail address has been changed. Log in with the new address."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, new_email=found.new_email)
