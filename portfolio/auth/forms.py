"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
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
