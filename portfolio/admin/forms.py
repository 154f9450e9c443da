"""Forms of the admin area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from portfolio.services.org_settings import parse_offsets


class SettingsForm(FlaskForm):
    """Reminder offsets and the digest threshold."""

    reminder_offsets = StringField(
        _l("Reminders before the submission deadline"),
        validators=[InputRequired(), Length(max=200)],
        description=_l(
            "Comma-separated: m = months, w = weeks, d = days. Example: 12m, 6m, 3m, 1m, 1w"
        ),
    )
    signoff_digest_days = IntegerField(
        _l("Include entries waiting for sign-off longer than (days)"),
        validators=[InputRequired(), NumberRange(min=1, max=90)],
    )

    def validate_reminder_offsets(self, field) -> None:
        """Each offset must look like 12m, 6w or 10d."""
        try:
            parse_offsets(field.data)
        except ValueError as exc:
            raise ValidationError(
                _l("Use offsets such as 12m, 6w or 10d, separated by commas.")
            ) from exc
