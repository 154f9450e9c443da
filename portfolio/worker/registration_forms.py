"""Forms for a worker's registrations with a register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

import competencies
from portfolio import clock
from portfolio.services.norms import registrations
from portfolio.web.forms import Form, form_token_field

DATE_MESSAGE = _l("Enter a date as day, month and year.")


def norm_choices() -> list[SelectChoice]:
    """Every shipped norm as "register — title", an empty first option."""
    return [SelectChoice("", "—")] + [
        SelectChoice(norm.id, f"{norm.register} — {norm.title}")
        for norm in competencies.all_norms()
    ]


class RegistrationForm(Form):
    """Norm, registration number and dates. The service checks the norm, dates and twins."""

    form_token = form_token_field()

    norm_id = SelectField(
        _l("Register and norm"),
        choices=norm_choices,
        validate_choice=False,  # the service answers an unknown norm with a clear message
        validators=[InputRequired(message=_l("Choose a register."))],
    )
    registration_number = StringField(
        _l("Registration number"),
        validators=[
            InputRequired(message=_l("Enter your registration number.")),
            Length(max=60),
        ],
        description=_l("As it appears in your register's account."),
    )
    registered_on = DateField(
        _l("Registered or re-registered on"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        description=_l("Your five-year period starts on this date."),
    )
    vog_issued_on = DateField(
        _l("VOG issued on (optional)"),
        validators=[Optional()],
        description=_l("Registerplein accepts a certificate of conduct of at most 12 months old."),
    )

    def validate(self, extra_validators=None) -> bool:
        """Every problem at once: unparsable dates, an unknown norm, dates in the future."""
        valid = super().validate(extra_validators)
        for field in (self.registered_on, self.vog_issued_on):
            if field.errors and field.raw_data and field.raw_data[0]:
                field.errors = [DATE_MESSAGE]
        problems = registrations.field_errors(
            norm_id=self.norm_id.data or "",
            registered_on=self.registered_on.data,
            vog_issued_on=self.vog_issued_on.data,
            today=clock.today(),
        )
        for name, message in problems.items():
            if not self[name].errors:
                self[name].errors.append(message)
                valid = False
        return valid
