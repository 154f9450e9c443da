"""Forms of the HR area: a person, a team, the employee import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.web.forms import Form, QuickSelect

# What the services' refusals mean, by (field, code).
PERSON_MESSAGES = {
    ("email", "invalid"): _l("Enter a valid e-mail address, such as name@example.org."),
    ("email", "taken"): _l(
        "This e-mail address cannot be used. Check it with the person, or use another address."
    ),
    ("email", "owner_only"): _l(
        "This account has been used: only its owner can change the e-mail address (under "
        "Account), confirmed from the new address."
    ),
    ("name", "invalid"): _l("Enter a name of at most 200 characters."),
    ("role", "not_allowed"): _l("You may not give this role."),
    ("role", "own_role"): _l("You cannot change the role of your own account."),
    ("team_id", "unknown"): _l("Choose one of the teams of your organisation."),
    ("is_active", "own_account"): _l("You cannot deactivate your own account."),
}
TEAM_MESSAGES = {
    ("name", "invalid"): _l("Enter a name of at most 200 characters."),
    ("name", "taken"): _l("Your organisation already has a team with this name."),
    ("leads", "invalid"): _l("Choose supervisors of your organisation."),
    ("team", "not_empty"): _l("People are still in this team. Move them to another team first."),
}


class PersonForm(Form):
    """Name, e-mail address, role, team and start date; the view sets the choices the viewer may
    use."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Enter the name.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter the e-mail address.")), Length(max=254)],
        description=_l("The log-in name. New people receive their invitation at this address."),
        render_kw={"autocomplete": "off"},
    )
    role = SelectField(_l("Role"), choices=[])
    team_id = SelectField(
        _l("Team"),
        coerce=int,
        choices=[],
        widget=QuickSelect(),
        description=_l("The team the person belongs to. Who leads a team is set on its page."),
    )
    employment_started_on = DateField(
        _l("Employment start date"),
        validators=[Optional()],
        description=_l("Optional. The first working day with your organisation."),
    )


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TeamForm(Form):
    """A team's name."""

    name = StringField(
        _l("Team name"),
        validators=[InputRequired(message=_l("Enter the team's name.")), Length(max=200)],
    )


class TeamEditForm(TeamForm):
    """A team's name and the supervisors who lead it."""

    leads = CheckboxesField(_l("Supervisors who lead this team"), coerce=int, choices=[])


class ImportForm(Form):
    """The CSV file to import."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
        description=_l("UTF-8, values separated by ; or , — the columns are explained below."),
        render_kw={"accept": ".csv,text/csv"},
    )


class ImportConfirmForm(Form):
    """The checked file, signed, sent back to apply it."""

    payload = HiddenField(validators=[InputRequired()])
