"""Forms of the feedback area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

import competencies
from portfolio.web.forms import Form, MultiCheckboxField, form_token_field
from portfolio.web.privacy_check import privacy_confirmation


class RequestForm(Form):
    """Whom to ask, about which competencies."""

    form_token = form_token_field()

    who = RadioField(
        _l("Whom do you ask?"),
        choices=[
            SelectChoice("colleague", _l("A colleague in Vakbekwaam")),
            SelectChoice("outside", _l("Someone else, by e-mail")),
        ],
        default="colleague",
    )
    colleague = SelectField(
        _l("Colleague"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(), Length(max=254)])
    competency_codes = MultiCheckboxField(
        _l("Feedback on these competencies"),
        choices=[SelectChoice(c.code, f"{c.number}. {c.title}") for c in competencies.COMPETENCIES],
        validators=[InputRequired(message=_l("Choose at least one competency."))],
    )
    message = TextAreaField(_l("Your question (optional)"), validators=[Length(max=2000)])
    privacy_confirmed = privacy_confirmation()

    def validate(self, extra_validators=None) -> bool:
        """A colleague, or a name and e-mail address, depending on the choice."""
        valid = super().validate(extra_validators)
        if self.who.data == "colleague" and not self.colleague.data:
            self.colleague.errors.append(_l("Choose a colleague."))
            valid = False
        if self.who.data == "outside":
            for field in (self.name, self.email):
                if not (field.data or "").strip():
                    field.errors.append(_l("This field is required."))
                    valid = False
        return valid


class AnswerForm(Form):
    """The feedback itself."""

    answer = TextAreaField(
        _l("Your feedback"), validators=[InputRequired(), Length(min=10, max=5000)]
    )
    privacy_confirmed = privacy_confirmation()
