"""Links in notifications and mail: a service names a route, the web layer turns it into a URL.

Services never write a URL path. They describe where a message leads as a `Link` (a route name
and its values); `portfolio.web.links.init_app` registers how a route becomes a path (the app's
URL map, the same one `url_for` uses), so a renamed route cannot leave a broken link behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import current_app

BUILDER = "link_builder"


@dataclass(frozen=True)
class Link:
    """Where a message leads: a route (endpoint) and the values of its URL."""

    endpoint: str
    values: Mapping[str, object] = field(default_factory=dict)


def path(link: Link | None) -> str | None:
    """The path of `link` ("/sessions/7"), or None for no link."""
    if link is None:
        return None
    build: Callable[[str, dict], str] = current_app.extensions[BUILDER]
    return build(link.endpoint, dict(link.values))


def external(link: Link, *, base_url: str) -> str:
    """The absolute URL of `link` under the configured public base URL."""
    return base_url.rstrip("/") + path(link)
