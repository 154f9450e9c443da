"""The yearly evaluation page, as the worker and the supervisor both render it."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l

import competencies
from portfolio import clock
from portfolio.models import YearlyEvaluation
from portfolio.services.evaluations import evaluations
from portfolio.services.evaluations.evaluation_agreements import agreements_from_text
from portfolio.web.evaluation_forms import SignForm

STALE = _l(
    "Someone changed this evaluation in the meantime. Nothing was saved; what you typed is still "
    "in the form. Check the page, then save again."
)


STALE_SIGN = _l("Someone changed this evaluation in the meantime. Read it again before signing.")


def valid_year(year: int) -> None:
    """Evaluations exist from 2000 up to next year; anything else is not a page."""
    if not 2000 <= year <= clock.today().year + 1:
        abort(404)


def stamp(item: YearlyEvaluation) -> str:
    """The `updated_at` a page was opened with (empty while nothing is saved)."""
    return item.updated_at.isoformat() if item.id else ""


def page_context(session, item: YearlyEvaluation, history: list, *, known: list) -> dict:
    """What both sides show of an evaluation: facts, agreements, signers and versions."""
    return {
        "item": item,
        "year": item.year,
        "catalogue": competencies,
        "history": history,
        "facts": evaluations.facts_shown(session, evaluation=item, today=clock.today()),
        "agreements": agreements_from_text(item.agreements),
        "names": evaluations.signer_names(session, evaluations=[item, *history], known=known),
        "sign_form": SignForm(data={"expected": stamp(item)}),
    }
