"""The progress chart of one registration: a horizontal bar per requirement.

Bars are drawn as a percentage of the requirement, so points and work hours share one axis;
the numbers themselves are written beside each bar. The forecast (where the pace since the
period started leads by the deadline) is a hollow marker on the same row; a requirement
without a confirmed number shows its count and "te verifiëren" instead of a bar that would
pretend. Plain values in, a matplotlib `Figure` out (never pyplot).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from portfolio.charts import cached_png, cached_svg, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NAME = "registration-progress"
INK, MUTED, LINE = "#1d2330", "#4f5868", "#c9d0db"
BRAND, OK, WARN = "#0b5c7a", "#1b6e3a", "#8a5300"
PNG_DPI = 150  # sharp enough for print
AXIS_LIMIT = 150.0  # percent; beyond this a bar is clipped (its number still says it all)


def _percent(value: float, required: float) -> float:
    return min(100.0 * value / required, AXIS_LIMIT) if required else AXIS_LIMIT


def progress_figure(data: dict[str, Any]) -> Figure:
    """Bars: counted as % of required per row; hollow diamond: forecast at the deadline.

    `data` = {"rows": [{"label", "counted", "required" (None when unknown), "projected",
    "met", "text" (the numbers written beside the bar, already localised)}],
    "axis": the x-axis label}.
    """
    from matplotlib.transforms import blended_transform_factory

    rows = data["rows"]
    height = 0.9 + 0.55 * len(rows)
    figure = new_figure(figsize=(7.2, height), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]  # first row on top
    # Labels as plain texts, not tick labels: ticks cost most of a render.
    text_at = blended_transform_factory(axes.transAxes, axes.transData)
    for y, row in zip(positions, rows, strict=True):
        required = row["required"]
        if required is not None:
            colour = OK if row["met"] else BRAND
            axes.barh(y, _percent(row["counted"], required), height=0.55, color=colour)
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
        axes.text(
            -0.02,
            y,
            row["label"],
            transform=text_at,
            ha="right",
            va="center",
            fontsize=10,
            color=INK,
        )
        axes.text(1.02, y, row["text"], transform=text_at, va="center", fontsize=10, color=INK)
    axes.axvline(100, color=INK, linewidth=1.5, linestyle="--")
    axes.set_xlim(0, AXIS_LIMIT + 5)
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_yticks([])
    axes.set_xticks([0, 50, 100, 150], ["0%", "50%", "100%", "150%"])
    axes.set_xlabel(data["axis"], color=MUTED, fontsize=9)
    axes.tick_params(axis="x", colors=MUTED, labelsize=9)
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
