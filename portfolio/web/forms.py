"""Form pieces shared by every area.

Every form of the app derives from `Form`: its single-line text fields (a StringField that is
not a TextAreaField: names, titles, e-mail addresses, hidden values) refuse a line break, so a
value typed into one can never split a mail header or a CSV line. NUL and other control
characters never reach a form at all (`portfolio.requests.CleanRequest`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import (
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.meta import DefaultMeta
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH

LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def within_32_bits(_form, field) -> None:
    """Refuse a whole number that no column can hold."""
    if isinstance(field.data, int) and not -MAX_ID - 1 <= field.data <= MAX_ID:
        raise ValidationError(_l("Enter a smaller number."))


def single_line(_form, field) -> None:
    """Refuse a line break in a one-line field (the shared validator)."""
    if isinstance(field.data, str) and any(c in LINE_BREAKS for c in field.data):
        raise ValidationError(_l("Use a single line here (no line breaks)."))


MAX_ID = 2**31 - 1  # every id and whole number column is 32 bits


def bounded_int(value) -> int:
    """`int` for choices that name a row: a value beyond 32 bits is not a choice (ValueError),
    rather than a database error."""
    number = int(value)
    if not -MAX_ID - 1 <= number <= MAX_ID:
        raise ValueError("out of range")
    return number


def is_single_line_field(field) -> bool:
    """A text field shown on one line: every StringField except a text area."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


class _SingleLineMeta(DefaultMeta):
    """Binds every field as usual; then one-line text fields refuse line breaks, choices coerced
    with `int` and whole-number fields refuse values beyond 32 bits."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if is_single_line_field(field):
            field.validators = [*field.validators, single_line]
        if isinstance(field, SelectFieldBase) and field.coerce is int:
            field.coerce = bounded_int
        if isinstance(field, IntegerField):
            field.validators = [*field.validators, within_32_bits]
        return field


class Form(FlaskForm):
    """The base of every form with fields (CSRF from Flask-WTF, one-line fields checked)."""

    class Meta(_SingleLineMeta):
        pass


class SubForm(PlainForm):
    """The base of a form nested in another (FormField): no CSRF of its own."""

    class Meta(_SingleLineMeta):
        pass


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
