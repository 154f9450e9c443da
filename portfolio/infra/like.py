"""LIKE patterns that find what a person typed literally: their %, _ and \\ are no wildcards."""

from __future__ import annotations

ESCAPE = "\\"


def containing(text: str) -> str:
    """A pattern that finds `text` anywhere (use with `escape=ESCAPE`)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
