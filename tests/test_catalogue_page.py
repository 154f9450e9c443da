"""The catalogue page: the whole development model, with sources and unconfirmed thresholds."""

from __future__ import annotations

import competencies
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_user


def test_catalogue_shows_every_competency_article_and_norm_with_sources(client, db):
    login(client, make_user(db, make_organisation(db)).email, PASSWORD)
    html = client.get("/catalogue").get_data(as_text=True)
    for record in competencies.COMPETENCIES:
        assert record.title in html
    for article in competencies.ARTICLES:
        assert article.title in html
    for norm in competencies.all_norms():
        assert norm.title in html
    assert html.count("004_29a24e411e76179a.txt") >= len(competencies.COMPETENCIES)


def test_unconfirmed_thresholds_are_marked_te_verifieren(client, db):
    login(client, make_user(db, make_organisation(db)).email, PASSWORD)
    html = client.get("/catalogue").get_data(as_text=True)
    registerplein = html.split(competencies.load_norm("registerplein-sociaal-werker").title, 1)[1]
    registerplein = registerplein.split("</article>")[0]
    assert "te verifiëren" in registerplein
    skj = html.split(competencies.load_norm("skj-jeugd-gezinsprofessional").title, 1)[1]
    skj = skj.split("</article>")[0]
    assert "60" in skj


def test_catalogue_summaries_follow_the_language(client, db):
    login(client, make_user(db, make_organisation(db)).email, PASSWORD)
    first = competencies.COMPETENCIES[0]
    assert first.summary in client.get("/catalogue").get_data(as_text=True)
    from tests.conftest import post_form

    post_form(client, "/language", {"lang": "en"}, token_from="/catalogue")
    assert first.summary_en in client.get("/catalogue").get_data(as_text=True)
