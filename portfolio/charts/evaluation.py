"""Charts of HR's evaluation export and organisation overview (matplotlib Figures, no pyplot).

- `requirements_figure`: one worker's registration requirements as bars in % of what is
  required (the PDF section of the yearly-evaluation export), PNG cached by content;
- `standings_figure`: per norm, the registrations on track / behind / at risk / expired /
  unknown as one stacked horizontal bar (the HR overview), SVG cached by content.

Plain values in (texts already localised); the pages and the PDF give the same numbers as text.
"""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from portfolio.charts import cached_png, cached_svg
from portfolio.charts.progress import BRAND, INK, LINE, MUTED, OK

REQUIREMENTS = "evaluation-requirements"
STANDINGS = "organisation-standings"
AXIS_LIMIT = 150.0
FONT = 12  # the standings chart (on a page): about 300 units wide, so 11 px or more on a phone
WIDTH_IN, BAR_IN, GAP_IN, AXIS_IN = 3.9, 0.3, 0.22, 0.62
# One colour per standing, told apart by lightness as well as hue (and by the table beside it).
STANDING_COLOURS = {
    "on_track": "#1b6e3a",
    "behind": "#d9a441",
    "at_risk": "#b3261e",
    "expired": "#4a1c1c",
    "unknown": "#c9d0db",
}


def requirements_figure(data: dict[str, Any]) -> Figure:
    """`data` = {"rows": [{"label", "percent" (None: no confirmed requirement), "met",
    "text"}], "axis"}: a bar per row, the numbers written beside it."""
    rows = data["rows"]
    figure = Figure(figsize=(6.4, 0.5 + 0.32 * len(rows)), dpi=100)
    axes = figure.add_subplot()
    text_at = blended_transform_factory(axes.transAxes, axes.transData)
    for y, row in zip(range(len(rows) - 1, -1, -1), rows, strict=True):
        if row["percent"] is not None:
            axes.barh(
                y, min(row["percent"], AXIS_LIMIT), height=0.6, color=OK if row["met"] else BRAND
            )
        axes.text(
            -0.02,
            y,
            row["label"],
            transform=text_at,
            ha="right",
            va="center",
            fontsize=8,
            color=INK,
        )
        axes.text(1.02, y, row["text"], transform=text_at, va="center", fontsize=8, color=INK)
    axes.axvline(100, color=INK, linewidth=1, linestyle="--")
    axes.set_xlim(0, AXIS_LIMIT + 5)
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.set_yticks([])
    axes.set_xticks([0, 50, 100, 150], ["0%", "50%", "100%", "150%"])
    axes.set_xlabel(data["axis"], color=MUTED, fontsize=7)
    axes.tick_params(axis="x", colors=MUTED, labelsize=7)
    axes.grid(axis="x", color=LINE, linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


def requirements_png(data: dict[str, Any]) -> bytes:
    """The requirements chart as PNG, rendered once per distinct `data`."""
    return cached_png(REQUIREMENTS, data, requirements_figure)


def standings_figure(data: dict[str, Any]) -> Figure:
    """`data` = {"bars": [{"label", "counts": [n per series]}], "series": [{"key", "label"}],
    "axis"}: a stacked horizontal bar per norm, its name above it, counts written inside wide
    enough segments. Narrow with large text, as the progress chart: readable on a phone."""
    bars, series = data["bars"], data["series"]
    line = FONT * 1.3 / 72
    labels = [textwrap.wrap(bar["label"], width=40) or [""] for bar in bars]
    heights = [len(lines) * line + BAR_IN + GAP_IN for lines in labels]
    total = sum(heights)
    # One column, names wrapped: a standing's name can be a whole phrase.
    names = ["\n".join(textwrap.wrap(item["label"], width=30)) or item["label"] for item in series]
    legend_in = 0.22 * sum(name.count("\n") + 1 for name in names) + 0.06 * len(series) + 0.15
    height = total + AXIS_IN + legend_in
    figure = Figure(figsize=(WIDTH_IN, height), dpi=100)
    axes = figure.add_axes((0, (AXIS_IN + legend_in) / height, 1, total / height))
    largest = max((sum(bar["counts"]) for bar in bars), default=0) or 1
    axes.set_xlim(0, largest * 1.02)
    axes.set_ylim(0, total)
    text_at = blended_transform_factory(axes.transAxes, axes.transData)
    positions = []
    top = total
    for lines, row_height in zip(labels, heights, strict=True):
        axes.text(0, top, "\n".join(lines), transform=text_at, va="top", fontsize=FONT, color=INK)
        positions.append(top - len(lines) * line - 0.04 - BAR_IN / 2)
        top -= row_height
    starts = [0] * len(bars)
    for index, item in enumerate(series):
        widths = [bar["counts"][index] for bar in bars]
        colour = STANDING_COLOURS.get(item["key"], MUTED)
        axes.barh(
            positions,
            widths,
            left=starts,
            height=BAR_IN,
            color=colour,
            label=names[index],
            edgecolor="white",
            linewidth=0.8,
        )
        dark = item["key"] in {"on_track", "at_risk", "expired"}
        for y, start, width in zip(positions, starts, widths, strict=True):
            if width and width / largest >= 0.08:
                axes.text(
                    start + width / 2,
                    y,
                    str(width),
                    ha="center",
                    va="center",
                    fontsize=FONT,
                    color="white" if dark else INK,
                )
        starts = [start + width for start, width in zip(starts, widths, strict=True)]
    axes.set_yticks([])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))  # no 0.25 of a person
    axes.set_xlabel(data["axis"], color=MUTED, fontsize=FONT)
    axes.tick_params(axis="x", colors=MUTED, labelsize=FONT)
    axes.grid(axis="x", color=LINE, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0),
        bbox_transform=figure.transFigure,
        ncol=1,
        frameon=False,
        fontsize=FONT,
    )
    return figure


def standings_svg(data: dict[str, Any]) -> str:
    """The standings chart as SVG, rendered once per distinct `data`."""
    _key, svg = cached_svg(STANDINGS, data, standings_figure)
    return svg
