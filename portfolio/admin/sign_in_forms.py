"""Forms of the admin's sign-in page: the organisation's provider and the second factor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from portfolio.services.accounts import oidc
from portfolio.web.forms import Form


class ProviderForm(Form):
    """The organisation's OpenID Connect provider (e.g. Microsoft Entra ID)."""

    display_name = StringField(
        _l("Name on the log-in button"),
        validators=[InputRequired(), Length(max=100)],
        description=_l("For example “Microsoft” or the name of your organisation."),
    )
    issuer = StringField(
        _l("Issuer URL"),
        validators=[InputRequired(), Length(max=300), URL(require_tld=False)],
        description=_l(
            "Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0 — the provider's "
            "settings are read from /.well-known/openid-configuration below it."
        ),
    )
    client_id = StringField(
        _l("Client ID"),
        validators=[InputRequired(), Length(max=200)],
        description=_l("Entra ID: the Application (client) ID."),
    )
    client_secret = PasswordField(
        _l("Client secret"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Stored encrypted and never shown again. Leave empty to keep the current one."
        ),
        render_kw={"autocomplete": "off"},
    )
    email_domains = StringField(
        _l("E-mail domains"),
        validators=[InputRequired(), Length(max=1000)],
        description=_l("The domains of your people's work addresses, comma-separated."),
    )
    role_claim = StringField(
        _l("Claim with roles or groups (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example “groups” or “roles”. Leave empty to keep roles in Vakbekwaam."),
    )
    role_map = TextAreaField(
        _l("Which values give which role (optional)"),
        validators=[Optional(), Length(max=4000)],
        description=_l(
            "One line per role: admin, hr, supervisor or worker, then “=” and the values, "
            "comma-separated. The strongest role that matches is given at each sign-in."
        ),
        render_kw={"rows": 4},
    )
    enabled = BooleanField(_l("Single sign-on is on"), default=True)
    create_accounts = BooleanField(
        _l("Create accounts on first sign-in"),
        description=_l(
            "Off: only people HR added can sign in (the usual way). On: anyone the provider "
            "signs in with one of the domains above gets an account."
        ),
    )
    password_login = BooleanField(
        _l("People may also log in with a password"),
        default=True,
        description=_l(
            "Off: your people sign in through the provider only. Administrators keep their "
            "password (and second factor) for when the provider is down."
        ),
    )

    def validate_email_domains(self, field) -> None:
        try:
            oidc.parse_domains(field.data)
        except ValueError as error:
            raise ValidationError(
                _l("This is not a list of domains: %(part)s", part=str(error))
            ) from None

    def validate_role_map(self, field) -> None:
        try:
            oidc.parse_role_map(field.data or "")
        except ValueError as error:
            raise ValidationError(
                _l("Write each line as “role = value, value”: %(line)s", line=str(error))
            ) from None


class SecondFactorForm(Form):
    """Who must use a second factor with a password."""

    second_factor = SelectField(
        _l("A code from an authenticator app at log-in is required for"),
        choices=[
            SelectChoice("hr_admin", _l("HR and administrators")),
            SelectChoice("all", _l("everyone who logs in with a password")),
            SelectChoice("none", _l("nobody (people may still choose to use it)")),
        ],
    )
