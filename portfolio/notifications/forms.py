"""The e-mail preference form, one checkbox per notification kind."""

from __future__ import annotations

from sqlmodel import Session
from wtforms import BooleanField

from portfolio.services.notifications.notifications import KIND_LABELS, email_preferences
from portfolio.web.forms import Form


class PreferencesForm(Form):
    """Checkboxes are added per kind by `preferences_form`."""

    def choices_by_kind(self) -> dict[str, bool]:
        """{kind: also by e-mail}."""
        return {kind: bool(self[f"email_{kind}"].data) for kind in KIND_LABELS}


def preferences_form(db: Session, *, user_id: int) -> PreferencesForm:
    """A form with one checkbox per kind, ticked as the user chose before."""

    class Form(PreferencesForm):
        pass

    for kind, label in KIND_LABELS.items():
        setattr(Form, f"email_{kind}", BooleanField(label))
    form = Form()
    if not form.is_submitted():
        for kind, by_email in email_preferences(db, user_id=user_id).items():
            form[f"email_{kind}"].data = by_email
    return form
