"""Forms of the yearly evaluation, used by the worker's and the supervisor's pages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

import competencies
from portfolio.web.forms import Form, SubForm
from portfolio.web.privacy_check import privacy_confirmation

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
    privacy_confirmed = privacy_confirmation()

    def texts(self) -> dict[str, str | None]:
        """{field name: text} for the privacy scan."""
        return {name: self[name].data for name in ("year_in_short", "went_well", "to_develop")}


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
    privacy_confirmed = privacy_confirmation()

    def texts(self) -> dict[str, str | None]:
        """{field id: text} for the privacy scan: the evaluation and each agreement."""
        texts = {"evaluation": self.evaluation.data}
        texts.update({row.form.text.id: row.form.text.data for row in self.agreements})
        return texts

    def labels(self) -> dict[str, str]:
        """{field id: label} of the texts, for the findings summary."""
        labels = {"evaluation": str(self.evaluation.label.text)}
        for number, row in enumerate(self.agreements, start=1):
            labels[row.form.text.id] = gettext("Agreement %(n)d", n=number)
        return labels


class SignForm(_Guarded):
    """Signing (or correcting) needs nothing but the timestamp."""
