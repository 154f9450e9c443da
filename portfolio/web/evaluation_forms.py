"""Forms of the yearly evaluation, used by the worker's and the supervisor's pages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

import competencies
from portfolio.web.forms import Form, SubForm

AGREEMENT_ROWS = 3


class _Guarded(Form):
    """Carries the `updated_at` the page was opened with, against overwriting a later change."""

    expected = HiddenField()

    def expected_at(self) -> datetime | None:
        """The timestamp the user started from, or None when it was tampered with."""
        try:
            return datetime.fromisoformat(self.expected.data or "")
        except ValueError:
            return None


class PrepareForm(_Guarded):
    """The worker's self-evaluation."""

    year_in_short = TextAreaField(_l("The year in short"), validators=[Length(max=5000)])
    went_well = TextAreaField(_l("What went well"), validators=[Length(max=5000)])
    to_develop = TextAreaField(_l("What I want to develop"), validators=[Length(max=5000)])


class AgreementForm(SubForm):
    """One agreement for next year: a competency and what was agreed."""

    competency_code = SelectField(
        _l("Competency"),
        choices=[SelectChoice(c.code, f"{c.number}. {c.title}") for c in competencies.COMPETENCIES],
    )
    text = TextAreaField(_l("Agreement"), validators=[Length(max=1000)])


class CompleteForm(_Guarded):
    """The supervisor's evaluation and the agreements for next year."""

    evaluation = TextAreaField(_l("Your evaluation"), validators=[Length(max=10000)])
    agreements = FieldList(FormField(AgreementForm), min_entries=AGREEMENT_ROWS)


class SignForm(_Guarded):
    """Signing (or correcting) needs nothing but the timestamp."""
