"""The privacy scan on every free-text form (issue 14 point 9), in one place.

Entries, goals and assessment motivations were scanned first; feedback requests and answers,
evaluation texts and sign-off comments use this helper. The same steps every time:

1. `validated(form, {field name: text})` validates the form and scans the texts
   (`competencies.scan_text`); `check` scans only.
2. When something may identify a client and the user did not tick the form's
   `privacy_confirmed` ("save anyway"), `check.blocks`: the view shows the form again with the
   text as typed, the findings in a summary and beside each field (templates/_privacy.html).
3. Saved anyway: `check.record_override(...)` writes the audit event (field names, never the
   text) in the same transaction as the save.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session
from wtforms import BooleanField

import competencies
from portfolio.models import User
from portfolio.services.privacy import audit
from portfolio.services.privacy.text_scan import scan_texts


def privacy_confirmation() -> BooleanField:
    """The explicit "save anyway" after a privacy warning (the same words on every form)."""
    return BooleanField(
        _l("Save anyway: I checked that no client can be recognised from this text.")
    )


@dataclass(frozen=True)
class PrivacyCheck:
    """The findings of a form's texts and whether the user chose to save anyway."""

    findings: dict[str, list[competencies.Finding]] = field(default_factory=dict)
    confirmed: bool = False
    valid: bool = True  # the form validated (`validated`); False: nothing to save

    @property
    def blocks(self) -> bool:
        """Something may identify a client and "save anyway" was not ticked: do not save."""
        return bool(self.findings) and not self.confirmed

    @property
    def may_save(self) -> bool:
        """A valid form whose texts are clean, or saved anyway."""
        return self.valid and not self.blocks

    def record_override(
        self,
        db: Session,
        *,
        actor: User | None,
        subject_id: int | None,
        subject_type: str,
        object_id: int | None,
        organisation_id: int | None = None,
    ) -> None:
        """Audit a save despite findings (nothing when there were none)."""
        if self.findings:
            audit.record_privacy_override(
                db,
                actor=actor,
                subject_id=subject_id,
                subject_type=subject_type,
                object_id=object_id,
                fields=self.findings,
                organisation_id=organisation_id,
            )


def check(form, texts: dict[str, str | None]) -> PrivacyCheck:
    """Scan `texts` ({form field name: text}); `form` has a `privacy_confirmed` field."""
    return PrivacyCheck(scan_texts(texts), bool(form.privacy_confirmed.data))


def validated(form, texts: dict[str, str | None]) -> PrivacyCheck:
    """`form.validate_on_submit()`, then the scan of a valid form's `texts` (`may_save`)."""
    if not form.validate_on_submit():
        return PrivacyCheck(valid=False)
    return check(form, texts)


def field_labels(form, names) -> dict[str, str]:
    """{field name: its label} for the findings summary's links."""
    return {name: str(form[name].label.text) for name in names}
