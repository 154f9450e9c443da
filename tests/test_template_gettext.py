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
