"""Filter forms of HR's overview and evaluation export (GET: read from the query string)."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from portfolio.templating import EVALUATION_STATUSES
from portfolio.web.forms import Form, QuickSelect

YEARS_BACK = 5


class YearForm(Form):
    """The year to show."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    year = SelectField(_l("Year"), coerce=int)


class EvaluationFilterForm(YearForm):
    """Year, team and evaluation status of the workers to list or export."""

    team = SelectField(_l("Team"), coerce=int, widget=QuickSelect())
    status = SelectField(_l("Status"))


def year_form(form_class, *, this_year: int, **choices):
    """A filter form read from the query string; the current year unless one is chosen."""
    form = form_class(formdata=request.args, data={"year": this_year, "team": 0, "status": ""})
    years = range(this_year + 1, this_year - YEARS_BACK, -1)
    form.year.choices = [SelectChoice(year, str(year)) for year in years]
    if "team" in form:
        form.team.choices = [SelectChoice(0, _l("All teams"))] + [
            SelectChoice(team_id, name) for team_id, name in choices["teams"]
        ]
        form.status.choices = [SelectChoice("", _l("All statuses"))] + [
            SelectChoice(value, label) for value, label in EVALUATION_STATUSES.items()
        ]
    return form
