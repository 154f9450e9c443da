"""Filter forms of HR's overview and evaluation export (GET: read from the query string)."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from portfolio.templating import EVALUATION_STATUSES
from portfolio.web.forms import Form, QuickSelect

YEARS_BACK = 5
# Up to this many teams the team filter is a select listing them all; above, a search field
# (a select of thousands of teams is a page of hundreds of kilobytes nobody scrolls through).
TEAM_CHOICES_MAX = 50
TEAM_NAME_MAX = 200  # Team.name's length


class YearForm(Form):
    """The year to show."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    year = SelectField(_l("Year"), coerce=int, widget=QuickSelect())


class EvaluationFilterForm(YearForm):
    """Year, team and evaluation status of the workers to list or export."""

    team = SelectField(_l("Team"), coerce=int, widget=QuickSelect())
    # An organisation with more than TEAM_CHOICES_MAX teams gets this field instead of the
    # select: a name (or part of one) looked up in the database when the form is sent.
    team_name = SearchField(
        _l("Team"),
        description=_l("Type (part of) the team's name; leave it empty for all teams."),
        render_kw={"maxlength": TEAM_NAME_MAX, "autocomplete": "off"},
    )
    status = SelectField(_l("Status"), widget=QuickSelect())


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
