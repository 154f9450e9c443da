"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import Email, InputRequired, Length

from portfolio.web.forms import new_password_fields


class LoginForm(FlaskForm):
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


class ResetRequestForm(FlaskForm):
    """Ask for a reset link by e-mail."""

    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """Choose a new password with a reset token."""

    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    """Change the password while logged in."""

    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()
