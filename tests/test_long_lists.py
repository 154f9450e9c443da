"""Long lists (HR's people, the audit log) count their rows only up to PAGE_COUNT_LIMIT.

Beyond it the page says "Pagina N" without the number of pages and still offers the next and
previous page; a page past the end shows the last one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portfolio.models import AuditEvent, Role
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_user


@pytest.fixture
def small_pages(app):
    app.config.update(PAGE_SIZE=2, PAGE_COUNT_LIMIT=3)
    return app


def _pager(html: str) -> str:
    match = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def _people(db, count: int):
    org = make_organisation(db)
    hr = make_user(db, org, role=Role.HR, name="Aa Personeelszaken")
    for n in range(count - 1):
        make_user(db, org, name=f"Werker {n:02d}")
    return org, hr


def test_more_people_than_the_limit_are_paged_without_a_count(small_pages, client, db):
    _org, hr = _people(db, 5)
    login(client, hr.email, PASSWORD)

    first = client.get("/hr/people").get_data(as_text=True)
    assert "Meer dan 3 medewerkers" in first
    pager = _pager(first)
    assert "Pagina 1<" in pager and "van" not in pager
    assert 'href="/hr/people?page=2' in pager and 'rel="prev"' not in pager

    last = client.get("/hr/people?page=3").get_data(as_text=True)
    pager = _pager(last)
    assert "Pagina 3<" in pager and 'rel="next"' not in pager and 'rel="prev"' in pager
    assert "Werker 03" in last  # the fifth person, alone on the last page

    past_the_end = client.get("/hr/people?page=9").get_data(as_text=True)
    assert "Pagina 3 van 3" in _pager(past_the_end) and "Werker 03" in past_the_end


def test_a_list_within_the_limit_is_counted(small_pages, client, db):
    _org, hr = _people(db, 3)
    login(client, hr.email, PASSWORD)

    html = client.get("/hr/people").get_data(as_text=True)
    assert "3 medewerkers" in html and "Meer dan" not in html
    assert "Pagina 1 van 2" in _pager(html)


def test_a_search_is_counted_when_it_finds_few(small_pages, client, db):
    _org, hr = _people(db, 6)
    login(client, hr.email, PASSWORD)

    html = client.get("/hr/people?q=werker 0").get_data(as_text=True)
    assert "5 medewerkers" not in html and "Meer dan 3 medewerkers" in html
    html = client.get("/hr/people?q=werker 01").get_data(as_text=True)
    assert "1 medewerker" in html and _pager(html) == ""


def test_a_search_finds_what_was_typed_literally(small_pages, client, db):
    """A % or _ typed in the search field is a character, not a wildcard."""
    org, hr = _people(db, 3)
    make_user(db, org, name="Kim 100% inzet")
    login(client, hr.email, PASSWORD)
    percent = client.get("/hr/people?q=%25").get_data(as_text=True)
    underscore = client.get("/hr/people?q=_").get_data(as_text=True)
    assert "Kim 100% inzet" in percent and "1 medewerker" in percent
    assert "Kim 100% inzet" not in underscore and "Meer dan" not in underscore


def _audit_events(db, org, admin, count: int) -> None:
    now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    db.add_all(
        AuditEvent(
            organisation_id=org.id,
            actor_id=admin.id,
            action="view_person",
            subject_user_id=admin.id,
            subject_type="user",
            detail=f"event {n}",
            at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )
    db.commit()


def test_the_audit_log_is_paged_without_counting_it_all(small_pages, client, db):
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    _audit_events(db, org, admin, 5)
    login(client, admin.email, PASSWORD)

    html = client.get("/admin/audit").get_data(as_text=True)
    pager = _pager(html)
    assert "Pagina 1<" in pager and "van" not in pager and 'rel="next"' in pager
    assert "Ingelogd" in html and "event 0" in html and "event 1" not in html  # newest first
    page_3 = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "event 3" in page_3 and "event 4" in page_3  # six events with the log-in
    assert 'rel="next"' not in _pager(page_3)


def test_the_audit_log_counts_its_events_without_looking_up_their_names(
    small_pages, client, db, count_queries
):
    """A count up to the limit is a subquery with a LIMIT, whose every column PostgreSQL
    computes: counting the page's rows with their names looked up two names per event."""
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    _audit_events(db, org, admin, 5)
    login(client, admin.email, PASSWORD)
    with count_queries() as counter:
        html = client.get("/admin/audit").get_data(as_text=True)
    counts = [sql for sql in counter.statements if "count(" in sql and "audit_event" in sql]
    assert counts and not any("user_account" in sql for sql in counts)
    assert "event 0" in html


def test_a_list_that_fits_on_its_first_page_is_not_counted(small_pages, client, db, count_queries):
    org = make_organisation(db)
    admin = make_user(db, org, role=Role.ADMIN)
    _audit_events(db, org, admin, 1)
    login(client, admin.email, PASSWORD)  # the second event
    with count_queries() as counter:
        html = client.get("/admin/audit").get_data(as_text=True)
    assert not [sql for sql in counter.statements if "count(" in sql and "audit_event" in sql]
    assert "Ingelogd" in html and "event 0" in html
    assert _pager(html) == ""  # one page: no pager


def test_a_long_list_costs_the_same_statements_as_a_short_one(
    small_pages, client, db, count_queries
):
    org, hr = _people(db, 3)
    login(client, hr.email, PASSWORD)
    with count_queries() as short:
        client.get("/hr/people")
    for n in range(4):
        make_user(db, org, name=f"Later {n}")
    with count_queries() as long:
        client.get("/hr/people")
    assert long.count == short.count


def test_the_lists_statements_are_built_once(small_pages, client, db):
    """Another visit, another page or another organisation's HR builds no statement again: only
    the parameters change (pagination keeps the paged and counting forms)."""
    from portfolio import pagination

    def kept_forms():
        return pagination._kept_bounded.cache_info(), pagination._kept_count_of.cache_info()

    _org, hr = _people(db, 5)
    _other_org, other_hr = _people(db, 4)
    login(client, hr.email, PASSWORD)
    client.get("/hr/people")
    client.get("/hr/people?page=2")
    bounded, counting = kept_forms()
    for path in ("/hr/people", "/hr/people?page=3", "/hr/people?page=2"):
        assert client.get(path).status_code == 200
    other = client.application.test_client()
    login(other, other_hr.email, PASSWORD)
    assert "Werker 02" in other.get("/hr/people?page=2").get_data(as_text=True)
    bounded_now, counting_now = kept_forms()
    assert (bounded_now.misses, counting_now.misses) == (bounded.misses, counting.misses)
    assert bounded_now.hits >= bounded.hits + 4 and counting_now.hits >= counting.hits + 4
