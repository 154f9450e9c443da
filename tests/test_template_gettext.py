"""Templates' `_()`: the same text as Jinja's newstyle gettext, without its wrapper calls."""

from __future__ import annotations

from flask import render_template_string


def _render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return render_template_string(source, **context)


def test_a_plain_string_is_translated(app):
    assert _render(app, "{{ _('Previous') }}") == "Vorige"


def test_placeholders_are_filled_and_their_values_escaped(app):
    html = _render(
        app,
        "{{ _('You see only what %(name)s shared with you or submitted for sign-off. "
        "Your visit is recorded in the audit log.', name=who) }}",
        who="<b>Ann</b>",
    )
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html
    assert "<b>" not in html


def test_a_percent_sign_written_twice_is_one_without_placeholders_too(app):
    assert _render(app, "{{ _('100%% klaar') }}") == "100% klaar"
    assert _render(app, "{{ gettext('%(n)d%% klaar', n=5) }}") == "5% klaar"


def test_trans_blocks_still_work(app):
    assert _render(app, "{% trans %}Previous{% endtrans %}") == "Vorige"


def test_the_date_filter_gives_a_datetime_its_local_day_as_flask_babel_does(app):
    from datetime import UTC, datetime

    from flask_babel import format_date

    def _date_filter(moment) -> str:
        return render_template_string("{{ moment|date }}", moment=moment)

    moments = [
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # already 29 March in Amsterdam
        datetime(2026, 7, 1, 21, 59, tzinfo=UTC),  # summer time: still 1 July
        datetime(2026, 12, 31, 23, 0),  # naive: taken as UTC, 1 January in Amsterdam
    ]
    for language in ("nl", "en"):
        with app.test_request_context(f"/?lang={language}"):
            from flask import session

            session["lang"] = language
            for moment in moments:
                assert _date_filter(moment) == format_date(moment, "medium")
    with app.test_request_context("/"):
        assert _date_filter(moments[0]) == "29 mrt 2026"


def test_the_datetime_filter_writes_what_flask_babel_writes(app):
    from datetime import UTC, datetime

    from flask_babel import format_datetime

    def _datetime_filter(moment) -> str:
        return render_template_string("{{ moment|datetime }}", moment=moment)

    moments = [
        datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC),  # 01:59 before the clocks move
        datetime(2026, 3, 29, 1, 0, 1, tzinfo=UTC),  # 03:00 summer time
        datetime(2026, 10, 25, 0, 30, 30, tzinfo=UTC),  # 02:30 the first time
        datetime(2026, 10, 25, 1, 30, 30, tzinfo=UTC),  # 02:30 the second time
        datetime(2026, 12, 31, 23, 0, 42),  # naive: taken as UTC, 1 January in Amsterdam
    ]
    for language in ("nl", "en"):
        with app.test_request_context("/"):
            from flask import session

            session["lang"] = language
            for moment in moments:
                assert _datetime_filter(moment) == format_datetime(moment, "short"), moment
    with app.test_request_context("/"):
        assert _datetime_filter(moments[4]) == "01-01-2027, 00:00"


def test_a_kept_fragment_is_rendered_once_per_language(app, client, db):
    """The header's texts for offline.js are kept per language, and each page gets its own."""
    from flask import template_rendered

    from tests.conftest import login
    from tests.factories import PASSWORD, make_organisation, make_user

    organisation = make_organisation(db)
    dutch = make_user(db, organisation, locale="nl")
    english = make_user(db, organisation, locale="en")
    rendered = []

    def seen(_sender, template, context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(seen, app)
    try:
        login(client, dutch.email, PASSWORD)
        for _ in range(2):
            assert 'data-title="Nog niet verzonden"' in client.get("/account").get_data(True)
        client.post("/logout", data={})
        english_client = app.test_client()
        login(english_client, english.email, PASSWORD)
        for _ in range(2):
            assert 'data-title="Not sent yet"' in english_client.get("/account").get_data(True)
    finally:
        template_rendered.disconnect(seen, app)
    assert rendered.count("_unsent.html") == 2


def test_the_menu_is_kept_per_role_page_and_language(app, db):
    """Each role sees its own menu, with the page it is on marked, in its language; rendered
    once per role, page and language."""
    from flask import template_rendered

    from portfolio.models import Role
    from tests.conftest import login
    from tests.factories import PASSWORD, make_organisation, make_team, make_user

    organisation = make_organisation(db)
    team = make_team(db, organisation)
    worker = make_user(db, organisation, team=team, locale="nl")
    supervisor = make_user(db, organisation, role=Role.SUPERVISOR, leads=team, locale="en")
    rendered = []

    def seen(_sender, template, context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(seen, app)
    try:
        as_worker, as_supervisor = app.test_client(), app.test_client()
        login(as_worker, worker.email, PASSWORD)
        login(as_supervisor, supervisor.email, PASSWORD)
        rendered.clear()
        for _ in range(2):
            entries = as_worker.get("/portfolio/entries").get_data(True)
            development = as_worker.get("/portfolio/development").get_data(True)
            team_page = as_supervisor.get("/team/").get_data(True)
    finally:
        template_rendered.disconnect(seen, app)
    assert 'aria-current="page">Activiteiten</a>' in entries
    assert 'aria-current="page">Mijn ontwikkeling</a>' in development
    assert 'aria-current="page">Activiteiten</a>' not in development
    assert 'aria-current="page">My team</a>' in team_page
    assert ">Activiteiten<" not in team_page and ">Entries<" not in team_page
    assert rendered.count("_main_menu.html") == 3
    assert rendered.count("_static_links.html") <= 2  # per language, if not kept already
    assert 'rel="stylesheet" href="/assets/css/app.' in entries
