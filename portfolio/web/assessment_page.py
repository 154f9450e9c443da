"""The assessment form and the radar, as the worker and the supervisor both render them."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import competencies
from portfolio.charts.progress import svg_data_uri
from portfolio.charts.radar import radar_rows, radar_svg
from portfolio.services.development import development
from portfolio.web.development_forms import AssessmentForm, level_field, motivation_field

MESSAGES = {
    "missing": _l("Choose a level for this competency."),
    "unknown_level": _l("Choose one of the four levels."),
    "unknown_competency": _l("Choose a competency from the list."),
    "target_below_current": _l("The target level cannot be below the current level."),
    "unknown_status": _l("Choose one of the options in the list."),
}


def radar(now, before=None, supervisor=None) -> dict | None:
    """The radar's image and its numbers as a table, or None without any assessment."""
    named = [
        ("now", _("Self-assessment %(date)s"), now),
        ("before", _("Self-assessment %(date)s"), before),
        ("supervisor", _("Supervisor %(date)s"), supervisor),
    ]
    series = [
        {
            "key": key,
            "label": label % {"date": a.assessed_on.isoformat()},
            "values": [a.rank(code) for code in development.COMPETENCY_CODES],
        }
        for key, label, a in named
        if a is not None
    ]
    if not series:
        return None
    data = {
        "axes": [str(c.number) for c in competencies.COMPETENCIES],
        "names": [f"{c.number}. {c.title}" for c in competencies.COMPETENCIES],
        "levels": [level.title for level in competencies.PROFICIENCY_LEVELS],
        "series": series,
    }
    return {"image": svg_data_uri(radar_svg(data)), "series": series, "rows": radar_rows(data)}


def fill_assessment(form: AssessmentForm, assessment) -> None:
    """Pre-fill the form with an earlier assessment (the usual start of a new one)."""
    for code, level in assessment.levels.items():
        form[level_field(code)].data = level
        form[motivation_field(code)].data = assessment.motivations.get(code, "")


def rating_errors(form: AssessmentForm, errors: dict[str, str]) -> None:
    """Put the service's per-competency problems on the form's fields."""
    for code, problem in errors.items():
        if level_field(code) in form:
            form[level_field(code)].errors.append(str(MESSAGES[problem]))


def assessment_context(
    form: AssessmentForm, *, heading: str, cancel_url: str, subject=None, findings=None
):
    """What the assessment form template needs; `findings` by competency code."""
    labels = {motivation_field(c.code): f"{c.number}. {c.title}" for c in competencies.COMPETENCIES}
    return {
        "form": form,
        "catalogue": competencies,
        "level_field": level_field,
        "motivation_field": motivation_field,
        "heading": heading,
        "cancel_url": cancel_url,
        "subject": subject,
        "privacy_labels": labels,
        "findings": {motivation_field(code): found for code, found in (findings or {}).items()},
    }
