"""Forms of the supervisor area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length

from portfolio.web.forms import Form
from portfolio.web.privacy_check import privacy_confirmation


class DecisionForm(Form):
    """Sign or return: the version seen protects against a decision made meanwhile."""

    version = IntegerField(validators=[InputRequired()], render_kw={"hidden": True})
    decision = HiddenField()
    comment = TextAreaField(
        _l("Comment for the worker"),
        validators=[Length(max=2000)],
        description=_l("Required when you return the entry: say what should change."),
    )
    privacy_confirmed = privacy_confirmation()
