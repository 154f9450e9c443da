"""Charts as matplotlib Figures (never pyplot), rendered to SVG and cached by content.

A chart function takes plain values and returns a `Figure`; `cached_svg` (pages) and
`cached_png` (PDFs) render it once per distinct input. The caches are per process and bounded.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CACHE_SIZE = 256
_cache: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()
# matplotlib is not thread-safe (its font cache and text layout are shared): threaded gunicorn
# workers render one chart at a time per process. Charts are cached, so this rarely waits.
_render_lock = threading.Lock()


_configured = False


def new_figure(**options) -> Figure:
    """A matplotlib Figure; matplotlib is imported (and set up) on the first chart a process
    draws, not when the app is created: most requests never draw one."""
    global _configured
    if not _configured:
        import matplotlib

        matplotlib.use("Agg")  # no display, no GUI toolkit, safe in a server
        # Text stays text in the SVG (no glyph paths): a third of the size, and less memory.
        matplotlib.rcParams["svg.fonttype"] = "none"
        _configured = True
    from matplotlib.figure import Figure

    return Figure(**options)


def figure_to_svg(figure: Figure) -> str:
    """Render a figure to an SVG document (text)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return buffer.getvalue()


def figure_to_png(figure: Figure, dpi: int = 150) -> bytes:
    """Render a figure to PNG bytes (for PDFs, which do not take SVG)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def content_key(name: str, data: object) -> str:
    """A stable hash of a chart's name and input data."""
    payload = json.dumps([name, data], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def cached_svg(name: str, data: object, build: Callable[[object], Figure]) -> tuple[str, str]:
    """(key, svg) for `build(data)`, rendered only when this content was not seen before."""
    key = content_key(name, data)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return key, _cache[key]
    with _render_lock:
        svg = figure_to_svg(build(data))
    with _lock:
        _cache[key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return key, svg


_png_cache: OrderedDict[str, bytes] = OrderedDict()


def cached_png(name: str, data: object, build: Callable[[object], Figure], dpi: int = 100) -> bytes:
    """PNG bytes of `build(data)` (for PDFs), rendered only when this content was not seen."""
    key = content_key(name, [data, dpi])
    with _lock:
        if key in _png_cache:
            _png_cache.move_to_end(key)
            return _png_cache[key]
    with _render_lock:
        png = figure_to_png(build(data), dpi=dpi)
    with _lock:
        _png_cache[key] = png
        while len(_png_cache) > CACHE_SIZE:
            _png_cache.popitem(last=False)
    return png


def cache_info() -> int:
    """How many charts are cached in this process (SVG)."""
    return len(_cache)


def png_cache_info() -> int:
    """How many PNG charts are cached in this process."""
    return len(_png_cache)
