"""Rendered page content, cached per process, for pages whose content a key fully decides.

The worker dashboard is keyed by (person, portfolio revision, day, language, catalogue
version): the revision changes in the same transaction as anything the dashboard shows
(services.portfolio_revision), so a cached page is never older than its data; the age limit
only bounds what a write that bypassed the session could leave behind. The catalogue page is
keyed by (language, catalogue version). DASHBOARD_CACHE_SIZE = 0 switches caching off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup


class PageCache:
    """At most `size` rendered pages, each for at most `seconds`; safe across threads."""

    def __init__(self, *, size: int, seconds: float) -> None:
        self.size, self.seconds = size, seconds
        self._pages: OrderedDict[Hashable, tuple[float, Markup]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        """The cached page for `key`, else `render()`'s, kept for next time."""
        if self.size <= 0:
            return render()
        now = time.monotonic()
        with self._lock:
            found = self._pages.get(key)
            if found is not None and now - found[0] < self.seconds:
                self._pages.move_to_end(key)
                return found[1]
        page = render()  # outside the lock: two threads may render the same page once
        with self._lock:
            self._pages[key] = (now, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def page_cache(name: str) -> PageCache:
    """This app's cache of the pages called `name` (made on first use from
    DASHBOARD_CACHE_SIZE / DASHBOARD_CACHE_SECONDS)."""
    caches = current_app.extensions.setdefault("page_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(
            name,
            PageCache(
                size=current_app.config["DASHBOARD_CACHE_SIZE"],
                seconds=current_app.config["DASHBOARD_CACHE_SECONDS"],
            ),
        )
    return cache
