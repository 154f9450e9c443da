"""The competency radar: the ten competencies around a circle, levels 1–4 outward.

Up to three series: the latest self-assessment, an earlier one for comparison, and the
supervisor's. Plain values in, a matplotlib `Figure` out (never pyplot); the page writes the
same numbers as a table for screen readers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from portfolio.charts import cached_svg, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NAME = "competency-radar"
INK, MUTED, LINE = "#1d2330", "#4f5868", "#c9d0db"
STYLES = {
    "now": {"color": "#0b5c7a", "linestyle": "-", "fill": True},
    "before": {"color": "#4f5868", "linestyle": ":", "fill": False},
    "supervisor": {"color": "#8a5300", "linestyle": "--", "fill": False},
}


def radar_figure(data: dict[str, Any]) -> Figure:
    """`data` = {"axes": [short labels], "names": [full names, for the text alternative],
    "levels": [4 level titles],
    "series": [{"key": "now"|"before"|"supervisor", "label", "values": [rank or None]}]}."""
    labels = data["axes"]
    angles = [math.pi / 2 - 2 * math.pi * i / len(labels) for i in range(len(labels))]
    figure = new_figure(figsize=(6.4, 6.4), dpi=100)
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(0)
    axes.set_ylim(0, len(data["levels"]))
    axes.set_yticks(range(1, len(data["levels"]) + 1), data["levels"], color=MUTED, fontsize=8)
    axes.set_xticks(angles, labels, color=INK, fontsize=9)
    axes.grid(color=LINE, linewidth=0.6)
    for series in data["series"]:
        style = STYLES[series["key"]]
        points = [(a, v) for a, v in zip(angles, series["values"], strict=True) if v is not None]
        if not points:
            continue
        xs = [a for a, _v in points] + [points[0][0]]
        ys = [v for _a, v in points] + [points[0][1]]
        axes.plot(
            xs,
            ys,
            color=style["color"],
            linestyle=style["linestyle"],
            linewidth=2,
            marker="o",
            markersize=4,
            label=series["label"],
        )
        if style["fill"]:
            axes.fill(xs, ys, color=style["color"], alpha=0.15)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, frameon=False, fontsize=9)
    return figure


def radar_svg(data: dict[str, Any]) -> str:
    """The radar as SVG text, rendered once per distinct `data` (cached by content)."""
    _key, svg = cached_svg(NAME, data, radar_figure)
    return svg


def radar_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The text alternative: per axis its name and, per series, the level title (None: not
    rated) — the same numbers the figure draws, for a table screen readers can read."""
    names = data.get("names") or data["axes"]
    levels = data["levels"]
    return [
        {
            "name": name,
            "levels": [
                levels[s["values"][i] - 1] if s["values"][i] else None for s in data["series"]
            ],
        }
        for i, name in enumerate(names)
    ]
