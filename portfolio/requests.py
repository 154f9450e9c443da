"""Small helpers for reading request arguments safely."""

from __future__ import annotations

from flask import request


def page_number() -> int:
    """The `page` query argument as a positive integer (1 when absent or invalid)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def search_text(limit: int = 100) -> str:
    """The `q` query argument, trimmed and bounded."""
    return request.args.get("q", "").strip()[:limit]
