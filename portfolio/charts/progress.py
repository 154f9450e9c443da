"""The progress chart of one registration: a horizontal bar per requirement.

Bars are drawn as a percentage of the requirement, so points and work hours share one axis;
the numbers themselves are written beside each bar. The forecast (where the pace since the
period started leads by the deadline) is a hollow marker on the same row; a requirement
without a confirmed number shows its count and "te verifiëren" instead of a bar that would
pretend. Plain values in, a matplotlib `Figure` out (never pyplot).
"""

from __future__ import annotations

import base64
import textwrap
from typing import Any

from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from portfolio.charts import cached_png, cached_svg

NAME = "registration-progress"
INK, MUTED, LINE = "#1d2330", "#4f5868", "#c9d0db"
BRAND, OK, WARN = "#0b5c7a", "#1b6e3a", "#8a5300"
PNG_DPI = 150  # sharp enough for print
AXIS_LIMIT = 150.0  # percent; beyond this a bar is clipped (its number still says it all)
FONT = 12  # every text; see `progress_figure` for why
WIDTH_IN, BAR_IN, GAP_IN, AXIS_IN = 3.9, 0.24, 0.22, 0.62
LABEL_CHARS = 26
TEXT_BOX = {
    "facecolor": "white",
    "edgecolor": "none",
    "pad": 1,
}  # a name wraps here, leaving room for its numbers on the right


def _percent(value: float, required: float) -> float:
    return min(100.0 * value / required, AXIS_LIMIT) if required else AXIS_LIMIT


def progress_figure(data: dict[str, Any]) -> Figure:
    """Bars: counted as % of required per row; hollow diamond: forecast at the deadline.

    `data` = {"rows": [{"label", "counted", "required" (None when unknown), "projected",
    "met", "text" (the numbers written beside the bar, already localised)}],
    "axis": the x-axis label}.

    Narrow enough for a phone: each requirement's name (wrapped) and numbers stand on their
    own line above its bar, so the figure is about 300 units wide and its text, at 12 units,
    shows at 11 px or more when a 360 px screen draws it 300 px wide.
    """
    rows = data["rows"]
    line = FONT * 1.3 / 72  # inches per line of text
    labels = [textwrap.wrap(row["label"], width=LABEL_CHARS) or [""] for row in rows]
    heights = [len(lines) * line + BAR_IN + GAP_IN for lines in labels]
    total = sum(heights)
    figure = Figure(figsize=(WIDTH_IN, total + AXIS_IN), dpi=100)
    axes = figure.add_axes((0, AXIS_IN / (total + AXIS_IN), 1, total / (total + AXIS_IN)))
    axes.set_xlim(0, AXIS_LIMIT + 5)
    axes.set_ylim(0, total)
    # Texts in axes-x and inch-y: x 0 is the left edge, 1 the right edge.
    text_at = blended_transform_factory(axes.transAxes, axes.transData)
    top = total
    for row, lines, height in zip(rows, labels, heights, strict=True):
        for x, text, align in ((0, "\n".join(lines), "left"), (1, row["text"], "right")):
            axes.text(
                x,
                top,
                text,
                transform=text_at,
                ha=align,
                va="top",
                fontsize=FONT,
                color=INK,
                bbox=TEXT_BOX,  # the 100% line passes behind the text, not through it
            )
        y = top - len(lines) * line - 0.04 - BAR_IN / 2
        required = row["required"]
        if required is not None:
            colour = OK if row["met"] else BRAND
            axes.barh(y, _percent(row["counted"], required), height=BAR_IN, color=colour)
            axes.plot(
                _percent(row["projected"], required),
                y,
                marker="D",
                markersize=8,
                markerfacecolor="white",
                markeredgecolor=WARN,
                markeredgewidth=2,
                linestyle="",
                clip_on=False,
            )
        top -= height
    axes.axvline(100, color=INK, linewidth=1.5, linestyle="--")
    axes.set_yticks([])
    axes.set_xticks([0, 50, 100, 150], ["0%", "50%", "100%", "150%"])
    axes.set_xlabel(data["axis"], color=MUTED, fontsize=FONT)
    axes.tick_params(axis="x", colors=MUTED, labelsize=FONT)
    axes.grid(axis="x", color=LINE, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


def progress_svg(data: dict[str, Any]) -> str:
    """The progress chart as SVG text, rendered once per distinct `data` (cached by content)."""
    _key, svg = cached_svg(NAME, data, progress_figure)
    return svg


def progress_png(data: dict[str, Any]) -> bytes:
    """The progress chart as PNG for the registration PDF, rendered once per distinct `data`."""
    return cached_png(NAME, data, progress_figure, dpi=PNG_DPI)


def svg_data_uri(svg: str) -> str:
    """An SVG as a data: URI for an <img>: the page's CSP forbids the inline styles that an
    inlined matplotlib SVG carries, and a URI needs no second request to a process that may
    not hold the cached chart."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
