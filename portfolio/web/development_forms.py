"""Forms of the development area: an assessment of the ten competencies, and a goal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

import competencies
from portfolio.templating import GOAL_STATUSES
from portfolio.web.entry_forms import NONE, MultiCheckboxField
from portfolio.web.forms import Form, form_token_field
from portfolio.web.privacy_check import privacy_confirmation

LEVELS = [
    SelectChoice(level.code, f"{level.rank}. {level.title}")
    for level in competencies.PROFICIENCY_LEVELS
]
COMPETENCY_CHOICES = [
    SelectChoice(c.code, f"{c.number}. {c.title}") for c in competencies.COMPETENCIES
]


def level_field(code: str) -> str:
    """The form field holding one competency's level."""
    return f"level_{code}"


def motivation_field(code: str) -> str:
    """The form field holding one competency's motivation."""
    return f"motivation_{code}"


class AssessmentForm(Form):
    """A level and a short motivation for each of the ten competencies."""

    form_token = form_token_field()  # each save makes a new assessment: one per form

    assessed_on = DateField(_l("Date"), validators=[InputRequired()])
    privacy_confirmed = privacy_confirmation()

    def ratings(self) -> dict[str, tuple[str, str]]:
        """{competency code: (level, motivation)} as typed."""
        return {
            c.code: (self[level_field(c.code)].data or "", self[motivation_field(c.code)].data)
            for c in competencies.COMPETENCIES
        }


for _competency in competencies.COMPETENCIES:
    setattr(
        AssessmentForm,
        level_field(_competency.code),
        SelectField(
            f"{_competency.number}. {_competency.title}", choices=NONE + LEVELS, default=""
        ),
    )
    setattr(
        AssessmentForm,
        motivation_field(_competency.code),
        TextAreaField(_l("Motivation (short)"), validators=[Length(max=1000)]),
    )


class GoalForm(Form):
    """A development goal: a competency from a current to a target level, with actions."""

    form_token = form_token_field()
    version = HiddenField()  # the version shown: a stale save is refused

    title = StringField(_l("Goal"), validators=[InputRequired(), Length(max=200)])
    competency_code = SelectField(_l("Competency"), choices=COMPETENCY_CHOICES)
    current_level = SelectField(_l("Current level"), choices=LEVELS)
    target_level = SelectField(_l("Target level"), choices=LEVELS)
    actions = TextAreaField(_l("Actions: what will you do?"), validators=[Length(max=5000)])
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in GOAL_STATUSES.items()]
    )
    evidence = MultiCheckboxField(
        _l("Entries that show progress"), coerce=int, validate_choice=False
    )
    privacy_confirmed = privacy_confirmation()


class EvidenceForm(Form):
    """Link one of your entries to a goal, or unlink it."""

    entry_id = SelectField(
        _l("Entry"), coerce=int, validate_choice=False, validators=[InputRequired()]
    )
    action = SelectField(
        choices=[SelectChoice("link", _l("Link")), SelectChoice("unlink", _l("Unlink"))]
    )
