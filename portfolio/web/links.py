"""How a route becomes a URL outside a request (mail, notifications, the scheduler)."""

from __future__ import annotations

from flask import Flask

from portfolio.infra.links import BUILDER


def init_app(app: Flask) -> None:
    """Register the link builder: the app's URL map, as `url_for` uses it, with no request."""

    def build(endpoint: str, values: dict) -> str:
        adapter = app.url_map.bind("localhost", script_name=app.config["APPLICATION_ROOT"])
        return adapter.build(endpoint, values)

    app.extensions[BUILDER] = build
