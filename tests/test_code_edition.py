"""Issue 14 point 6: the catalogue says which Beroepscode it follows (2018, seed 000) and that
one joint code applies since 2022 (seed 001); where art. 3 is explained, so is its numbering."""

from __future__ import annotations

import competencies
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_team, make_user
from tests.test_dashboard import text_of


def test_the_catalogue_records_the_edition_and_its_successor_with_their_seeds():
    edition, successor = competencies.CODE_EDITION, competencies.CODE_SUCCESSOR
    assert (edition.code, edition.title) == ("2018", "Beroepscode voor de sociaal werker")
    assert edition.source.seed == "000_7844ec742a717a9e.txt"
    assert successor.code == "2022"
    assert successor.title == "Beroepscode voor professionals in het sociaal werk"
    assert successor.source.seed == "001_9143a63348034301.txt"
    assert "te verifiëren" in successor.summary


def test_the_catalogue_page_and_the_dashboard_name_the_edition(client, db):
    org = make_organisation(db)
    worker = make_user(db, org, team=make_team(db, org), locale="nl")
    login(client, worker.email, PASSWORD)

    page = text_of(client.get("/catalogue").get_data(as_text=True))
    assert "Welke beroepscode deze catalogus volgt" in page
    assert "Beroepscode voor de sociaal werker (2018)" in page
    assert "000_7844ec742a717a9e.txt" in page and "001_9143a63348034301.txt" in page
    assert "sinds 2022 Beroepscode voor professionals in het sociaal werk" in page
    assert "Artikel 3 zoals genummerd in de Beroepscode voor de sociaal werker (2018)." in page

    # The dashboard's art. 3 card (shown once there is an entry).
    from datetime import date

    from tests.test_norm_progress import add_entry

    add_entry(db, worker, "reflection", date(2026, 1, 5), "1")
    dashboard = text_of(client.get("/portfolio/").get_data(as_text=True))
    assert "Genummerd zoals in de Beroepscode voor de sociaal werker (2018)" in dashboard
    assert 'href="/catalogue#code-edition"' in client.get("/portfolio/").get_data(as_text=True)
