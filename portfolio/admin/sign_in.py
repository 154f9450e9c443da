"""The admin's sign-in page: the organisation's provider, the second factor, resets."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portfolio import access, clock, db
from portfolio.admin import bp
from portfolio.admin.sign_in_forms import ProviderForm, SecondFactorForm
from portfolio.errors import NotFound
from portfolio.infra import mail
from portfolio.models import Organisation, Role, User
from portfolio.services.accounts import oidc, second_factor
from portfolio.web.sign_in import callback_url


def _page(provider_form: ProviderForm, factor_form: SecondFactorForm, *, status: int = 200):
    admin = current_user._get_current_object()
    database = db.session()
    provider = oidc.provider_for(database, admin.organisation_id)
    organisation = database.get(Organisation, admin.organisation_id)
    direct_link = current_app.config["PUBLIC_BASE_URL"] + url_for(
        "auth.sso_start", slug=organisation.slug
    )
    return (
        render_template(
            "admin/sign_in.html",
            provider=provider,
            provider_form=provider_form,
            factor_form=factor_form,
            redirect_uri=callback_url(),
            direct_link=direct_link,
        ),
        status,
    )


def _factor_form(database, admin) -> SecondFactorForm:
    current = second_factor.policy(
        database,
        organisation_id=admin.organisation_id,
        default=current_app.config["SECOND_FACTOR_DEFAULT"],
    )
    return SecondFactorForm(data={"second_factor": current})


@bp.route("/sign-in", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def sign_in():
    """Single sign-on through the organisation's provider, and the second factor."""
    admin = current_user._get_current_object()
    database = db.session()
    provider = oidc.provider_for(database, admin.organisation_id)
    data = None
    if provider is not None:
        data = {
            "display_name": provider.display_name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "email_domains": ", ".join(provider.email_domains or []),
            "role_claim": provider.role_claim or "",
            "role_map": oidc.format_role_map(provider.role_map),
            "enabled": provider.enabled,
            "create_accounts": provider.create_accounts,
            "password_login": provider.password_login,
        }
    form = ProviderForm(data=data if data and not _is_post() else None)
    if form.validate_on_submit():
        domains = oidc.parse_domains(form.email_domains.data)
        taken = oidc.domains_taken_elsewhere(
            database, organisation_id=admin.organisation_id, domains=domains
        )
        if taken:
            form.email_domains.errors.append(
                _(
                    "Another organisation already signs in with: %(domains)s",
                    domains=", ".join(taken),
                )
            )
        elif provider is None and not form.client_secret.data:
            form.client_secret.errors.append(_("Enter the client secret."))
        else:
            role_map = oidc.parse_role_map(form.role_map.data or "") or None
            oidc.save_provider(
                database,
                admin=admin,
                values=oidc.ProviderSettings(
                    display_name=form.display_name.data.strip(),
                    issuer=oidc.normalise_issuer(form.issuer.data),
                    client_id=form.client_id.data.strip(),
                    client_secret=form.client_secret.data or None,
                    email_domains=domains,
                    role_claim=(form.role_claim.data or "").strip() or None,
                    role_map=role_map,
                    enabled=form.enabled.data,
                    create_accounts=form.create_accounts.data,
                    password_login=form.password_login.data,
                ),
                config=current_app.config,
                now=clock.now(),
            )
            flash(_("The sign-in settings are saved."), "success")
            return redirect(url_for("admin.sign_in"))
    return _page(form, _factor_form(database, admin), status=400 if form.errors else 200)


def _is_post() -> bool:
    from flask import request

    return request.method == "POST"


@bp.route("/sign-in/check", methods=["POST"])
@access.roles(Role.ADMIN)
def sign_in_check():
    """Ask the provider for its settings now, and say what happened."""
    if not FlaskForm().validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(url_for("admin.sign_in"))
    admin = current_user._get_current_object()
    database = db.session()
    provider = oidc.provider_for(database, admin.organisation_id)
    if provider is None:
        return redirect(url_for("admin.sign_in"))
    try:
        metadata = oidc.check_provider(provider, config=current_app.config)
    except oidc.SignInRefused as refused:
        oidc.record_provider_error(
            database, provider, f"{refused.reason}: {refused.detail}", clock.now()
        )
        flash(_("The provider could not be used: %(reason)s", reason=refused.detail), "error")
        return redirect(url_for("admin.sign_in"))
    provider.last_error = provider.last_error_at = None
    logout = _("yes") if metadata.get("end_session_endpoint") else _("no")
    flash(
        _(
            "The provider answered: its settings and keys can be read. Log-out at the provider "
            "too: %(logout)s.",
            logout=logout,
        ),
        "success",
    )
    return redirect(url_for("admin.sign_in"))


@bp.route("/sign-in/second-factor", methods=["POST"])
@access.roles(Role.ADMIN)
def second_factor_policy():
    """Who must use a second factor."""
    admin = current_user._get_current_object()
    form = SecondFactorForm()
    if form.validate_on_submit():
        database = db.session()
        second_factor.set_policy(
            database, admin=admin, value=form.second_factor.data, now=clock.now()
        )
        flash(_("The sign-in settings are saved."), "success")
    else:
        flash(_("The form had expired. Please submit it again."), "error")
    return redirect(url_for("admin.sign_in"))


@bp.route("/people/<int:person_id>/second-factor/reset", methods=["POST"])
@access.roles(Role.ADMIN)
def second_factor_reset(person_id: int):
    """Remove someone's authenticator (lost phone and codes); audited, the person is mailed."""
    admin = current_user._get_current_object()
    database = db.session()
    person = database.get(User, person_id)
    if person is None or person.organisation_id != admin.organisation_id:
        raise NotFound(person_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form had expired. Please submit it again."), "error")
        return redirect(url_for("hr.person", person_id=person.id))
    second_factor.reset(database, person, actor=admin)
    now = clock.now()
    with force_locale(person.locale):
        message = mail.queue_mail(
            database,
            to=person.email,
            subject=_("Your log-in code for Vakbekwaam was reset"),
            text=render_template("mail/second_factor_reset.txt", person=person, admin=admin),
            organisation_id=person.organisation_id,
            now=now,
        )
    mail.deliver(database, message, settings=current_app.config, now=now)
    flash(
        _(
            "The authenticator of %(name)s is removed; they set up a new one at their next "
            "log-in, and got an e-mail about it.",
            name=person.name,
        ),
        "success",
    )
    return redirect(url_for("hr.person", person_id=person.id))
