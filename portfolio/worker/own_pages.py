"""A worker's own pages, kept rendered until something they show changes (page_cache).

A page is keyed by the person and their portfolio revision, which changes in the same
transaction as everything these pages show (infra.portfolio_revision: entries, registrations,
goals, assessments of them, threshold overrides), and by what else decides it: the day, the
language, the catalogue version and the organisation's kinds to sign off (an entry's status in
words depends on them, and changing them raises no revision). `parts` add what the page's query
string chooses. What stays outside the kept content is per request: the header with its
unread count and the forms with their CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

import competencies
from portfolio import clock
from portfolio.page_cache import page_cache
from portfolio.templating import signoff_kinds_of


def own_page(name: str, render: Callable[[date], Markup], *parts: Hashable) -> Markup:
    """The logged-in worker's page `name` as `render(today)` makes it, kept for this key."""
    worker, today = current_user._get_current_object(), clock.today()
    key = (
        worker.id,
        worker.portfolio_revision,
        today,
        str(get_locale()),
        competencies.CATALOGUE_VERSION,
        tuple(signoff_kinds_of(worker.organisation_id)),
        *parts,
    )
    return page_cache(name).get_or_render(key, lambda: render(today))
