"""Texts built around other texts are Dutch in Dutch (issue 17): a gettext call inside an
f-string or inside another call's arguments is never extracted, so it stayed English."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale

from portfolio.hr.exports import _pdf_introduction
from portfolio.services.entries.signoff import _texts
from portfolio.services.evaluations.evaluation_export import Selection


def test_a_returned_entry_notification_says_opmerking_in_dutch(app):
    with app.test_request_context(), force_locale("nl"):
        _title, body = _texts("returned", "Huisbezoek", "Ingrid", "Vul de uren aan.")

    assert "Opmerking: Vul de uren aan." in body
    assert "Comment" not in body


def test_the_evaluation_pdf_introduction_is_dutch(app, db):
    from tests.factories import make_organisation

    organisation = make_organisation(db)
    selection = Selection(organisation_id=organisation.id, year=2025, team_id=None, status=None)
    with app.test_request_context(), force_locale("nl"):
        lines = _pdf_introduction(selection, date(2025, 6, 1))

    assert lines[0] == "Team: alle teams"
    assert lines[1] == "Status: alle statussen"
