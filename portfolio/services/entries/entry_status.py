"""The word an entry's status is shown with (issue 14 point 6: status words tell the truth).

An entry of a kind the organisation does not sign off is complete once saved: it is
"recorded", never a "draft" waiting for something. Only kinds that go to the supervisor
(peer review always, Beroepscode art. 24; more where the organisation chose them) are a draft
until they are submitted. The stored status stays "draft" for both (nothing to migrate).
"""

from __future__ import annotations

from collections.abc import Collection

from portfolio.models import EntryStatus

RECORDED = "recorded"


def shown_status(status: str, kind: str, signoff_kinds: Collection[str]) -> str:
    """The status to show: "recorded" for a saved entry that needs no sign-off."""
    if status == EntryStatus.DRAFT.value and kind not in signoff_kinds:
        return RECORDED
    return status
