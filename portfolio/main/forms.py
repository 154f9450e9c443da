"""Forms of the main area."""

from __future__ import annotations

from wtforms import HiddenField, StringField

from portfolio.web.forms import Form


class LanguageForm(Form):
    """The language switch in the page header."""

    lang = StringField()
    next = HiddenField()
