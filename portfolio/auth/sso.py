"""Sign-in through the organisation's OpenID Connect provider: choose, start, come back."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio import access, clock, db
from portfolio.auth import bp
from portfolio.auth.flow import SSO_SESSION_KEY, finish_login
from portfolio.auth.forms import SsoEmailForm
from portfolio.models import OidcProvider
from portfolio.security import safe_next
from portfolio.services.accounts import oidc
from portfolio.services.privacy import audit
from portfolio.web.sign_in import callback_url

STATE_KEY = "sso_state"
# An ID token larger than this is not kept in the session cookie (log-out then goes without
# the hint; Entra ID tokens with many groups can be large).
MAX_KEPT_TOKEN = 2000


@bp.route("/login/sso")
@access.public
def sso_choose():
    """Which organisation's provider? Found by the domain of the work e-mail address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SsoEmailForm(request.args)
    provider, organisation = None, None
    if request.args and form.validate():
        database = db.session()
        provider = oidc.provider_for_email(database, form.email.data)
        if provider is None:
            form.email.errors.append(
                _(
                    "No organisation signs in with single sign-on for this address. Log in with "
                    "your password."
                )
            )
        else:
            from portfolio.models import Organisation

            organisation = database.get(Organisation, provider.organisation_id)
    return render_template(
        "auth/sso_choose.html",
        form=form,
        provider=provider,
        organisation=organisation,
        next=request.args.get("next", ""),
    )


@bp.route("/login/sso/<slug>")
@access.public
def sso_start(slug: str):
    """The direct link of an organisation: on to its provider."""
    database = db.session()
    found = oidc.organisation_of(database, slug)
    if found is None:
        abort(404)
    _organisation, provider = found
    now = clock.now()
    try:
        url, state = oidc.start(
            database,
            provider=provider,
            redirect_uri=callback_url(),
            next_path=safe_next(request.args.get("next"), "") or None,
            login_hint=(request.args.get("login_hint") or "")[:254] or None,
            config=current_app.config,
            now=now,
        )
    except oidc.SignInRefused as refused:
        return _refused(database, provider, refused)
    session[STATE_KEY] = state
    return redirect(url)


@bp.route("/login/sso/callback")
@access.public
def sso_callback():
    """The provider sends the browser back here with a code (or an error)."""
    database = db.session()
    expected = session.pop(STATE_KEY, None)
    try:
        signed_in, login = oidc.complete(
            database,
            state=request.args.get("state", ""),
            expected_state=expected,
            code=request.args.get("code"),
            error=request.args.get("error"),
            redirect_uri=callback_url(),
            config=current_app.config,
            now=clock.now(),
        )
    except oidc.SignInRefused as refused:
        provider = _provider_of_state(database, request.args.get("state", ""))
        return _refused(database, provider, refused)
    user = signed_in.user
    provider = database.get(OidcProvider, user.organisation_id)
    detail = f"via {provider.display_name}"
    if signed_in.created:
        detail += "; account created"
    if signed_in.role_changed_from:
        detail += f"; role {signed_in.role_changed_from} → {user.role} (from the provider)"
    audit.record(database, actor=user, action="sso_login", subject_user_id=user.id, detail=detail)
    kept = {"org": user.organisation_id}
    if len(signed_in.id_token) <= MAX_KEPT_TOKEN:
        kept["id_token"] = signed_in.id_token
    return finish_login(database, user, login.next_path, extra={SSO_SESSION_KEY: kept})


def _provider_of_state(database, state: str) -> OidcProvider | None:
    from portfolio.models import OidcLoginState

    if not state:
        return None
    row = database.get(OidcLoginState, oidc._hash(state))
    return database.get(OidcProvider, row.organisation_id) if row else None


def user_message(reason: str, provider: OidcProvider | None) -> str:
    """What the person reads when the sign-in did not go through."""
    name = provider.display_name if provider else _("your organisation's sign-in service")
    if reason in {"unreachable"}:
        return _(
            "%(provider)s cannot be reached right now. Try again in a few minutes.", provider=name
        )
    if reason in oidc.PROVIDER_FAULTS or reason in {"issuer", "signature", "invalid_token"}:
        return _(
            "Signing in through %(provider)s does not work at the moment: its set-up needs "
            "attention. Your administrator can see why.",
            provider=name,
        )
    if reason in {"clock_skew", "expired"}:
        return _(
            "The sign-in from %(provider)s did not fit this server's clock. Try again; if it "
            "keeps happening, tell your administrator.",
            provider=name,
        )
    if reason in {"state", "state_expired", "state_replayed", "nonce"}:
        return _("This sign-in has expired or was already used. Please start again.")
    if reason == "provider_error":
        return _("%(provider)s did not sign you in. Please start again.", provider=name)
    if reason in {"no_account", "inactive"}:
        return _(
            "You signed in at %(provider)s, but there is no active Vakbekwaam account for you "
            "in this organisation. Ask your HR department.",
            provider=name,
        )
    return _(
        "You signed in at %(provider)s, but that identity cannot be used for this "
        "organisation in Vakbekwaam. Ask your administrator.",
        provider=name,
    )


def _refused(database, provider: OidcProvider | None, refused: oidc.SignInRefused):
    """Audit the failure (with its reason), keep it for the admin, answer in plain words.

    Commits here: a provider fault is answered 502, which rolls the request back, and the
    audit row, the admin's reason and a state claimed before the refusal must stay."""
    now = clock.now()
    detail = f"{refused.reason}: {refused.detail}" if refused.detail else refused.reason
    audit.record(
        database,
        actor=refused.user,
        action="sso_login_failed",
        subject_user_id=refused.user.id if refused.user else None,
        subject_type="oidc_provider",
        subject_id=provider.organisation_id if provider else None,
        organisation_id=provider.organisation_id if provider else None,
        detail=detail,
    )
    if provider is not None:
        provider = database.get(OidcProvider, provider.organisation_id)
        oidc.record_provider_error(database, provider, detail, now)
    database.commit()
    current_app.logger.warning("sso sign-in refused: %s", detail)
    status = 502 if refused.reason in oidc.PROVIDER_FAULTS else 403
    message = user_message(refused.reason, provider)
    return render_template("auth/sso_failed.html", message=message, reason=refused.reason), status
