"""Form pieces shared by every area."""

from __future__ import annotations

from flask import flash, redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, PasswordField, SelectMultipleField
from wtforms.validators import EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio import clock, db
from portfolio.infra import form_tokens
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
    """Record where the record made with this form's token is, and commit."""
    token = form[form_tokens.FIELD].data if form_tokens.FIELD in form else None
    form_tokens.settle(db.session(), token=token, result=result)
    db.session().commit()
