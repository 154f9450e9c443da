"""Forms of the main area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class LanguageForm(FlaskForm):
    """The language switch in the page header."""

    lang = StringField()
    next = HiddenField()
