"""Rendered page content, cached through Flask-Caching, for pages whose content a key decides.

Per process (SimpleCache) by default, so the embedded `make run` needs nothing; shared by every
worker and machine in Redis when CACHE_REDIS_URL is set. The worker dashboard is keyed by
(person, portfolio revision, day, language, catalogue version): the revision changes in the
same transaction as anything the dashboard shows (infra.portfolio_revision), so a cached page is
never older than its data, whichever process or machine wrote the change; the age limit
(DASHBOARD_CACHE_SECONDS) only bounds what a write that bypassed the session could leave behind,
and lets Redis forget old revisions. The catalogue page is keyed by (language, catalogue
version). DASHBOARD_CACHE_SIZE = 0 (or DASHBOARD_CACHE_SECONDS = 0) switches caching off.
HR's organisation overview (counts only) is kept for OVERVIEW_CACHE_SECONDS, and so are the
evaluations page's organisation-wide counts per status, its team filter's teams and its check
for workers without a supervisor (those two are forgotten whenever HR or an admin changes
something in the HR area, so HR sees their own change at once): the caches here that may be
older than their data, by at most that long (README, production).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from flask import current_app
from flask_caching import Cache
from markupsafe import Markup


def _config(settings) -> dict | None:
    """Flask-Caching's settings, or None when caching is off."""
    size, seconds = settings["DASHBOARD_CACHE_SIZE"], settings["DASHBOARD_CACHE_SECONDS"]
    if size <= 0 or seconds <= 0:
        return None
    common = {
        "CACHE_DEFAULT_TIMEOUT": seconds,
        "CACHE_KEY_PREFIX": settings.get("CACHE_KEY_PREFIX", "vakbekwaam:"),
    }
    if settings.get("CACHE_REDIS_URL"):
        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings["CACHE_REDIS_URL"],
        }
    return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": size}


class PageCache:
    """Rendered pages called `name` in the app's Flask-Caching cache."""

    def __init__(self, name: str, cache: Cache | None) -> None:
        self.name, self.cache = name, cache

    def _key(self, key: Hashable) -> str:
        # Keys are tuples of ids, dates and short strings: their repr is stable across
        # processes; hashed to keep Redis keys short and free of spaces.
        return f"page:{self.name}:{hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()}"

    def get_or_render(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        """The cached page for `key`, else `render()`'s, kept for next time."""
        if self.cache is None:
            return render()
        cache_key = self._key(key)
        try:
            found = self.cache.get(cache_key)
        except Exception:
            current_app.logger.exception("page cache unavailable")
            return render()
        if found is not None:
            return Markup(found)  # noqa: S704  # nosec B704
        page = render()  # two workers may render the same page once each
        try:
            self.cache.set(cache_key, str(page))
        except Exception:
            current_app.logger.exception("page cache unavailable")
        return page

    def get_or_compute(self, key: Hashable, compute: Callable[[], object], *, seconds: int):
        """A picklable value kept for `seconds` (0: computed every time)."""
        if self.cache is None or seconds <= 0:
            return compute()
        cache_key = self._key(key)
        try:
            found = self.cache.get(cache_key)
        except Exception:
            current_app.logger.exception("page cache unavailable")
            return compute()
        if found is not None:
            return found
        value = compute()
        try:
            self.cache.set(cache_key, value, timeout=seconds)
        except Exception:
            current_app.logger.exception("page cache unavailable")
        return value

    def forget(self, key: Hashable) -> None:
        """Drop the value kept for `key` (the next reader computes it again)."""
        if self.cache is None:
            return
        try:
            self.cache.delete(self._key(key))
        except Exception:
            current_app.logger.exception("page cache unavailable")

    def clear(self) -> None:
        if self.cache is not None:
            self.cache.clear()


def _cache() -> Cache | None:
    """The app's cache (None: off), made on first use from the settings (a test or the bench
    may switch caching off by changing them and dropping app.extensions["page_caches"])."""
    caches = current_app.extensions.setdefault("page_caches", {})
    if "" not in caches:
        config = _config(current_app.config)
        cache = None
        if config is not None:
            cache = Cache()
            cache.init_app(current_app, config=config)
        caches.setdefault("", cache)
    return caches[""]


def page_cache(name: str) -> PageCache:
    """This app's cache of the pages called `name`."""
    return PageCache(name, _cache())


def redis_ping() -> None:
    """Raise unless the configured Redis answers (for /readyz)."""
    import redis

    client = redis.Redis.from_url(
        current_app.config["CACHE_REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()
