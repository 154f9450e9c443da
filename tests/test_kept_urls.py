"""Templates' `url_for` keeps the URLs it built with values (web/links.py): the same URL for
the same endpoint, values and script root, whichever request asks; built anew otherwise."""

from __future__ import annotations

from portfolio.web import links


def test_a_url_with_values_is_built_once_and_the_same_every_time(app):
    with app.test_request_context("/"):
        first = links.template_url_for("hr.evaluations", year=2026, team=0, status="signed")
        kept = dict(app.extensions[links.KEPT_URLS])
        again = links.template_url_for("hr.evaluations", year=2026, team=0, status="signed")
        other = links.template_url_for("hr.evaluations", year=2026, team=0, status="")
    assert first == again == "/hr/evaluations?year=2026&team=0&status=signed"
    assert other == "/hr/evaluations?year=2026&team=0&status="
    assert len(kept) == 1 and len(app.extensions[links.KEPT_URLS]) == 2


def test_each_script_root_and_value_type_has_its_own_url(app):
    with app.test_request_context("/"):
        page_one = links.template_url_for("notifications.notification_list", page=1)
        page_true = links.template_url_for("notifications.notification_list", page=True)
    with app.test_request_context("/", base_url="http://localhost/vakbekwaam"):
        below = links.template_url_for("notifications.notification_list", page=1)
    assert page_one == "/notifications?page=1" and page_true == "/notifications?page=True"
    assert below == "/vakbekwaam/notifications?page=1"


def test_external_and_unhashable_values_are_built_each_time(app):
    with app.test_request_context("/", base_url="https://vakbekwaam.example"):
        external = links.template_url_for("notifications.notification_list", _external=True)
        listed = links.template_url_for("notifications.notification_list", kind=["a", "b"])
    assert external == "https://vakbekwaam.example/notifications"
    assert listed == "/notifications?kind=a&kind=b"
    assert not app.extensions.get(links.KEPT_URLS)


def test_the_kept_urls_are_bounded(app, monkeypatch):
    monkeypatch.setattr(links, "KEPT_URLS_MAX", 3)
    with app.test_request_context("/"):
        urls = [
            links.template_url_for("notifications.notification_list", page=n) for n in range(1, 8)
        ]
    assert urls[-1] == "/notifications?page=7"
    assert len(app.extensions[links.KEPT_URLS]) <= 3
