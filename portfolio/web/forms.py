"""Form pieces shared by every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation: 12–128 characters, no composition rules."""
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 12 characters. A sentence you can remember works well."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (one field, several values)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
