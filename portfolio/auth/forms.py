"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length

from portfolio.web.forms import Form, new_password_fields


class LoginForm(Form):
    """E-mail address and password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ResetRequestForm(Form):
    """Ask for a reset link by e-mail."""

    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(Form):
    """Choose a new password with a reset token."""

    password, confirm = new_password_fields()


class ChangePasswordForm(Form):
    """Change the password while logged in."""

    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class EmailChangeForm(Form):
    """A new e-mail address, confirmed with the current password."""

    email = EmailField(
        _l("New e-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class SsoEmailForm(Form):
    """The work e-mail address whose organisation's provider signs the person in (GET)."""

    class Meta:
        csrf = False  # a GET form that only looks up which provider to offer

    email = EmailField(
        _l("Work e-mail address"),
        validators=[InputRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class CodeForm(Form):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("The six digits your authenticator app shows, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class EnrolForm(Form):
    """Confirm the new authenticator with its first code."""

    code = StringField(
        _l("Code from the app"),
        validators=[InputRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
