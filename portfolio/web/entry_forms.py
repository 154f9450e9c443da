"""The entry form: one form, the fields each kind needs (KIND_FIELDS)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

import competencies
from portfolio.services.entries.entry_input import MAX_HOURS_PER_ENTRY, MAX_HOURS_PER_WEEK
from portfolio.web.forms import DutchNumberField, Form, MultiCheckboxField, form_token_field
from portfolio.web.privacy_check import privacy_confirmation


def _tags(records) -> list[SelectChoice]:
    return [SelectChoice(r.code, r.title) for r in records]


NONE = [SelectChoice("", "—")]


def optional_code(value) -> str:
    """An optional choice: a stored NULL is the empty choice, not the text "None"."""
    return "" if value is None else str(value)


# The phases of the two guided reflection structures (not from the seeds: Korthagen's ALACT
# cycle and the STARR method are the common ones in Dutch social-work education).
REFLECTION_STRUCTURES = {
    "korthagen": (
        ("action", _l("1. Action: what did you do, want, think and feel?")),
        ("looking_back", _l("2. Looking back: what happened, for you and for the other?")),
        ("awareness", _l("3. Awareness: what is essential here, what does it mean to you?")),
        ("alternatives", _l("4. Alternatives: what could you do differently?")),
        ("trial", _l("5. Trial: what will you try next time?")),
    ),
    "starr": (
        ("situation", _l("Situation")),
        ("task", _l("Task")),
        ("action", _l("Action")),
        ("result", _l("Result")),
        ("reflection", _l("Reflection")),
    ),
}
# Which columns of the entry each kind uses, besides title, dates, hours and tags.
KIND_FIELDS = {
    "reflection": ("structure", "body", "dilemma_category", "level", "art3_requirement"),
    "training": ("provider", "accreditations", "body", "level", "art3_requirement"),
    "peer_review": (
        "form",
        "facilitator",
        "facilitator_registration",
        "method",
        "external_participants",
        "case_description",
        "learning_points",
        "level",
        "art3_requirement",
    ),
    "other": ("activity_type", "body", "level", "art3_requirement"),
    "work": ("employer", "role_title", "hours_per_week", "in_profession"),
}


# The kinds that take an evidence file, and what the file is called there.
EVIDENCE_LABELS = {
    "training": _l("Certificate (PDF, PNG, JPEG, DOCX or ODT)"),
    "peer_review": _l("Signed attendance list or other evidence (PDF, PNG, JPEG, DOCX or ODT)"),
    "other": _l("Evidence, for example a publication (PDF, PNG, JPEG, DOCX or ODT)"),
}


class EntryForm(Form):
    """Every field an entry can have; the template shows those of its kind."""

    form_token = form_token_field()
    version = HiddenField()  # the version shown: a stale save is refused

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    occurred_on = DateField(_l("Date"), validators=[InputRequired()])
    end_on = DateField(_l("End date (optional)"), validators=[Optional()])
    hours = DutchNumberField(
        _l("Net hours"),
        maximum=MAX_HOURS_PER_ENTRY,
        description=_l("Without breaks, travel and reception. 1 hour = 1 point."),
    )
    structure = RadioField(
        _l("Structure"),
        default="free",
        choices=[
            SelectChoice("korthagen", _l("Korthagen's five phases")),
            SelectChoice("starr", _l("STARR")),
            SelectChoice("free", _l("Free")),
        ],
    )
    body = TextAreaField(_l("Text"), validators=[Length(max=20000)])
    dilemma_category = SelectField(
        _l("Ethical dilemma (optional)"),
        choices=NONE + _tags(competencies.DILEMMA_CATEGORIES),
        default="",
        filters=[optional_code],
    )
    level = SelectField(
        _l("Level (optional)"),
        default="",
        filters=[optional_code],
        choices=NONE + _tags(competencies.SOCIAL_WORK_LEVELS),
    )
    provider = StringField(_l("Provider"), validators=[Length(max=200)])
    art3_requirement = SelectField(
        _l("Evidence of this part of Beroepscode art. 3 (optional)"),
        default="",
        filters=[optional_code],
        choices=NONE + _tags(competencies.ART3_REQUIREMENTS),
        description=_l(
            "An entry shows the parts of art. 3 that fit its kind; link it here to one more "
            "part it is evidence of."
        ),
    )
    # One row per register (REGISTERS), added below: accreditation_<register code>.
    unknown_register = SelectField(
        _l("Which register issued this id?"),
        default="",
        filters=[optional_code],
        choices=NONE + [SelectChoice(r.code, r.title) for r in competencies.REGISTERS],
        description=_l(
            "This id was recorded before the portfolio asked for the register. Until you say "
            "which register issued it, the training counts as accredited nowhere."
        ),
    )
    certificate = FileField(_l("Certificate (PDF, PNG, JPEG, DOCX or ODT)"))
    # A certificate photographed and read before the form was shown (worker/capture.py): kept
    # as the worker's pending file, attached when the training is saved.
    pending_file_id = HiddenField()
    form = SelectField(
        _l("Form"), choices=_tags(competencies.REFLECTION_FORMS), validate_choice=False
    )
    facilitator = StringField(
        _l("Facilitator"),
        validators=[Length(max=200)],
        description=_l("For supervisie: the registered supervisor who led it (required)."),
    )
    facilitator_registration = StringField(
        _l("Facilitator's register and number"),
        validators=[Length(max=100)],
        description=_l("For example LVSC 12345. Required for supervisie."),
    )
    method = StringField(_l("Method"), validators=[Length(max=200)])
    external_participants = StringField(
        _l("Other participants (names)"), validators=[Length(max=1000)]
    )
    case_description = TextAreaField(
        _l("Case (anonymised)"),
        validators=[Length(max=20000)],
        description=_l("Describe the case without anything that identifies a client."),
    )
    learning_points = TextAreaField(_l("Learning points"), validators=[Length(max=20000)])
    activity_type = SelectField(
        _l("Type"), choices=_tags(competencies.OTHER_ACTIVITY_TYPES), validate_choice=False
    )
    employer = StringField(_l("Employer"), validators=[Length(max=200)])
    role_title = StringField(_l("Role"), validators=[Length(max=200)])
    hours_per_week = DutchNumberField(_l("Hours per week"), maximum=MAX_HOURS_PER_WEEK)
    in_profession = BooleanField(
        _l("Work in the registered profession"),
        default=True,
        description=_l(
            "SKJ, for example, asks on average 8 of the 16 hours a week as jeugd- en "
            "gezinsprofessional."
        ),
    )
    competency_codes = MultiCheckboxField(
        _l("Competencies"),
        choices=[SelectChoice(c.code, f"{c.number}. {c.title}") for c in competencies.COMPETENCIES],
        validate_choice=False,
    )
    article_numbers = MultiCheckboxField(
        _l("Beroepscode articles"),
        coerce=int,
        validate_choice=False,
        choices=[SelectChoice(a.number, f"{a.number}. {a.title}") for a in competencies.ARTICLES],
    )
    knowledge_areas = MultiCheckboxField(
        _l("Knowledge areas"), choices=_tags(competencies.KNOWLEDGE_AREAS), validate_choice=False
    )
    participant_ids = MultiCheckboxField(
        _l("Colleagues from your team who took part"), coerce=int, validate_choice=False
    )
    participant_emails = StringField(
        _l("Other colleagues (e-mail addresses, separated by commas)"),
        validators=[Length(max=2000)],
        description=_l("They are asked to confirm that they took part."),
    )
    privacy_confirmed = privacy_confirmation()


def accreditation_field(register: str) -> str:
    """The form field of one register's accreditation id."""
    return f"accreditation_{register}"


for _register in competencies.REGISTERS:
    setattr(
        EntryForm,
        accreditation_field(_register.code),
        StringField(
            _l("Accreditation id at %(register)s (optional)", register=_register.title),
            validators=[Length(max=60)],
            render_kw={"autocomplete": "off"},
        ),
    )


def fill_accreditations(form: EntryForm, entry) -> None:
    """Put a saved training's accreditations into the register rows."""
    for register, code in entry.accreditation_list:
        if register is not None and accreditation_field(register) in form:
            form[accreditation_field(register)].data = code


def unknown_register_ids(entry) -> list[str]:
    """Ids of a saved training whose register is not known yet (from before issue 14)."""
    if entry is None:
        return []
    return [code for register, code in entry.accreditation_list if register is None]


def accreditations_from(form: EntryForm, entry) -> list[tuple[str | None, str]]:
    """(register, id) of every filled register row; an old id without a register is kept
    as it is until the worker picks its register."""
    found: list[tuple[str | None, str]] = []
    for register in competencies.REGISTERS:
        code = (form[accreditation_field(register.code)].data or "").strip()
        if code:
            found.append((register.code, code))
    named = {register for register, _code in found}
    for code in unknown_register_ids(entry):
        chosen = form.unknown_register.data or None
        if chosen and chosen not in named:
            found.append((chosen, code))
            named.add(chosen)
        elif not chosen:
            found.append((None, code))
    return found


def phase_field(structure: str, phase: str) -> str:
    """The form field that holds one phase of a guided reflection."""
    return f"{structure}_{phase}"


for _structure, _phases in REFLECTION_STRUCTURES.items():
    for _phase, _label in _phases:
        setattr(
            EntryForm,
            phase_field(_structure, _phase),
            TextAreaField(_label, validators=[Length(max=5000)]),
        )


class CaptureForm(Form):
    """The start page's "Certificaat fotograferen": one picture or PDF, read on the server."""

    photo = FileField(_l("Photograph a certificate"))
