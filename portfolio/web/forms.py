"""Form pieces shared by every area.

Every form of the app derives from `Form`: its single-line text fields (a StringField that is
not a TextAreaField: names, titles, e-mail addresses, hidden values) refuse a line break, so a
value typed into one can never split a mail header or a CSV line. NUL and other control
characters never reach a form at all (`portfolio.requests.CleanRequest`).
"""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.meta import DefaultMeta
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, TextInput, html_params

from competencies.numbers import NumberError, parse_number
from portfolio import clock, db
from portfolio.infra import form_tokens
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


class DutchNumberField(Field):
    """Every number a person types: a text input with `inputmode="decimal"`, parsed on the
    server by `competencies.numbers.parse_number` (never `type="number"`, which in a Dutch
    Chromium turns a typed "1,5" into 15). `1,5` and `1.5` are one and a half; `3.000` is three
    thousand where that fits `maximum`; anything ambiguous or implausible is refused with a
    message that suggests what was probably meant. Shown the way the current language writes
    numbers, without thousands separators (so that it reads back the same)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, maximum=None, places: int = 2, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.maximum = Decimal(maximum) if maximum is not None else None
        self.places = places

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return number_for_input(self.data)

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = valuelist[0] if valuelist else ""
        try:
            self.data = parse_number(text, maximum=self.maximum, places=self.places)
        except NumberError as refused:
            raise ValueError(number_error_message(refused)) from None


def number_for_input(value) -> str:
    """A number as the current language writes it, without thousands separators."""
    from portfolio.templating import number

    text = number(value)
    return (
        text.replace(".", "").replace("\u00a0", "")
        if str(get_locale()) == "nl"
        else (text.replace(",", ""))
    )


def number_error_message(refused: NumberError) -> str:
    """The worded reason a typed number was refused, with what was probably meant."""
    from portfolio.templating import number

    typed = refused.text.strip()
    if refused.code == "ambiguous":
        return _(
            "“%(typed)s” can be read in two ways. Did you mean %(options)s? Type it without "
            "a thousands separator.",
            typed=typed,
            options=_(" or ").join(number_for_input(s) for s in refused.suggestions),
        )
    if refused.code == "too_large" and refused.suggestions:
        return _(
            "“%(typed)s” is more than %(max)s, which is not plausible here. Did you mean "
            "%(suggestion)s?",
            typed=typed,
            max=number(refused.maximum),
            suggestion=number_for_input(refused.suggestions[0]),
        )
    if refused.code == "too_large":
        return _("Enter %(max)s or less.", max=number(refused.maximum))
    if refused.code == "too_many_decimals":
        if refused.places == 0:
            return _("Enter a whole number.")
        return _(
            "Use at most %(places)d decimals, for example %(suggestion)s.",
            places=refused.places,
            suggestion=number_for_input(refused.suggestions[0]),
        )
    if refused.code == "negative":
        return _("Enter a number of 0 or more.")
    return _("Enter a number, for example %(example)s.", example=number_for_input(Decimal("1.5")))


def form_token_field() -> HiddenField:
    """The hidden `form_token` of a create form (portfolio.infra.form_tokens), fresh per page."""
    return HiddenField(default=form_tokens.new_token, name=form_tokens.FIELD)


def already_saved(form, *, fallback: str):
    """Claim the form's one-time token for this request (call right before creating).

    Returns None when this submit may create the record; else a redirect to what the first
    submit of the same form made (or `fallback`), with a message, and nothing is created.
    """
    token = form[form_tokens.FIELD].data if form_tokens.FIELD in form else None
    earlier = form_tokens.claim(db.session(), token=token, user_id=current_user.id, now=clock.now())
    if earlier is None:
        return None
    result = earlier.result
    db.session().rollback()
    flash(_("This form was already saved; it was not saved a second time."), "info")
    return redirect(result or fallback)


def settle_token(form, result: str) -> None:
    """Record where the record made with this form's token is (the request commits)."""
    token = form[form_tokens.FIELD].data if form_tokens.FIELD in form else None
    form_tokens.settle(db.session(), token=token, result=result)


class QuickSelect(Select):
    """WTForms' select with its plain options written directly (the same HTML): the team
    filter of a large organisation has thousands, and WTForms' generic option (a Choice object,
    html_params, sorting and escaping each attribute) costs some 20 µs each. Anything else
    (groups, option attributes, several values) is WTForms' own rendering."""

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or not isinstance(choices, list) or not all(map(_plain, choices)):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        parts = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for choice in choices:
            selected = "selected " if coerce(choice.value) == data else ""
            value, label = escape(choice.value), escape(choice.label or choice.value)
            parts.append(f'<option {selected}value="{value}">{label}</option>')
        parts.append("</select>")
        # Every value and label is escaped above, as WTForms' Select does it.
        return Markup("".join(parts))  # noqa: S704  # nosec B704


def _plain(choice) -> bool:
    """A choice QuickSelect writes itself: a value and a label, nothing else."""
    return (
        type(choice) is SelectChoice
        and not choice.render_kw
        and choice.optgroup is None
        and type(choice.value) in (int, str)
    )
