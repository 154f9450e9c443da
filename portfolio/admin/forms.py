"""Forms of the admin area."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portfolio.services.organisation.org_settings import REQUIRED_SIGNOFF_KINDS, parse_offsets
from portfolio.services.organisation.threshold_admin import (
    TOTAL,
    WORK_HOURS,
    NormThresholds,
    Threshold,
)
from portfolio.templating import ENTRY_KINDS, number
from portfolio.web.forms import DutchNumberField, Form, MultiCheckboxField


class SettingsForm(Form):
    """Reminder offsets, the digest threshold and the entry kinds that need sign-off.

    The kinds in `required_kinds` are shown ticked and cannot be unticked; the service adds
    them whatever is posted.
    """

    required_kinds = REQUIRED_SIGNOFF_KINDS

    reminder_offsets = StringField(
        _l("Reminders before the submission deadline"),
        validators=[InputRequired(), Length(max=200)],
        description=_l(
            "Comma-separated: m = months, w = weeks, d = days. Example: 12m, 6m, 3m, 1m, 1w"
        ),
    )
    signoff_digest_days = DutchNumberField(
        _l("Include entries waiting for sign-off longer than (days)"),
        validators=[InputRequired(), NumberRange(min=1, max=90)],
        maximum=90,
        places=0,
    )
    retention_months = DutchNumberField(
        _l("Keep the portfolio of a person who has left for (months)"),
        validators=[Optional(), NumberRange(min=1, max=120)],
        maximum=120,
        places=0,
        description=_l(
            "Counted from the day the account is deactivated. A month before, the person and HR "
            "are warned by e-mail, with a link to download the portfolio; then it is erased."
        ),
    )
    signoff_kinds = MultiCheckboxField(
        _l("Entries that need sign-off by the supervisor"),
        choices=[SelectChoice(code, label) for code, label in ENTRY_KINDS.items()],
        description=_l(
            "Workers submit entries of these kinds to their supervisor. Peer review sessions "
            "are always signed off (Beroepscode art. 24); you may add other kinds."
        ),
    )

    def validate_reminder_offsets(self, field) -> None:
        """Each offset must look like 12m, 6w or 10d."""
        try:
            parse_offsets(field.data)
        except ValueError as exc:
            raise ValidationError(
                _l("Use offsets such as 12m, 6w or 10d, separated by commas.")
            ) from exc


def _plausible(threshold: Threshold, years: int) -> Callable:
    """Validator: 0 up to the threshold's upper bound, at most two decimals."""

    def check(_form, field) -> None:
        if field.data is None:
            return
        if field.data < 0:
            raise ValidationError(_("A threshold cannot be below 0."))
        if field.data > threshold.upper_bound:
            raise ValidationError(
                _(
                    "Enter %(max)s or less: a higher number is not plausible for a period of "
                    "%(years)d years.",
                    max=number(threshold.upper_bound),
                    years=years,
                )
            )
        if field.data.as_tuple().exponent < -2:
            raise ValidationError(_("Use at most two decimals."))

    return check


def threshold_field_name(threshold: Threshold) -> str:
    """The form field of a threshold: 'reflectie-min', 'work_hours-min'."""
    return f"{threshold.requirement}-{threshold.field}"


def threshold_label(threshold: Threshold) -> str:
    """'Reflectie: minimum (points)', 'Work hours: minimum (hours)'."""
    title = {TOTAL: _("Total"), WORK_HOURS: _("Work hours")}.get(
        threshold.requirement, threshold.title
    )
    if threshold.is_hours:
        return _("%(title)s: minimum (hours)", title=title)
    if threshold.field == "max":
        return _("%(title)s: maximum that counts (points)", title=title)
    return _("%(title)s: minimum (points)", title=title)


def _file_hint(threshold: Threshold, to_verify: str) -> str:
    if threshold.file_value is not None:
        return _("Norm file: %(value)s.", value=number(threshold.file_value))
    return _("Norm file: %(value)s (no confirmed number).", value=to_verify)


class ThresholdFormBase(Form):
    """The note; `threshold_form` adds a number field per threshold of the norm."""

    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Why these numbers, and where they come from (for example the register's "
            "letter of 12 March 2026)."
        ),
    )


def threshold_form(norm_thresholds: NormThresholds, to_verify: str) -> ThresholdFormBase:
    """A form with a number field per threshold of the norm, filled with the current override."""
    years = norm_thresholds.norm.period_years
    fields = {
        threshold_field_name(t): DutchNumberField(
            threshold_label(t),
            validators=[_plausible(t, years)],
            description=_file_hint(t, to_verify),
            maximum=t.upper_bound,
        )
        for t in norm_thresholds.thresholds
    }
    form_class = type("ThresholdForm", (ThresholdFormBase,), fields)
    current = {
        threshold_field_name(t): t.value
        for t in norm_thresholds.thresholds
        if t.is_overridden and t.value is not None
    }
    return form_class(data=current)
