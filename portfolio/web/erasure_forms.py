"""The confirmation forms of erasing a portfolio (services.privacy.erasure)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portfolio.web.forms import Form

# The word a worker types to confirm; either language's word is accepted.
CONFIRM_WORDS = frozenset({"WISSEN", "ERASE"})


def _is_the_word(_form, field) -> None:
    if (field.data or "").strip().upper() not in CONFIRM_WORDS:
        raise ValidationError(_l("Type the word exactly as shown to confirm."))


class SelfErasureForm(Form):
    """The worker confirms by typing a word: a click alone never erases a portfolio."""

    confirm_word = StringField(
        _l("Type %(word)s to confirm", word=_l("ERASE")),
        validators=[InputRequired(), Length(max=20), _is_the_word],
    )


class DepartedErasureForm(Form):
    """HR confirms that the departed person's portfolio no longer needs to be kept."""

    confirmed = BooleanField(
        _l("I have checked that this portfolio no longer needs to be kept."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
