"""The competency radar: the ten competencies around a circle, levels 1–4 outward.

Up to three series: the latest self-assessment, an earlier one for comparison, and the
supervisor's — told apart by line style and marker as well as colour, with a legend. The axes
start at the top and go clockwise over the full circle; each rating sits on its level's ring
(rank 1 on the innermost ring, not at the centre). The rings are numbered once, along the
spoke between the two bottom competencies, and a key under the legend names the levels.
Sized to be read on a phone: the figure is small and its text large, so at 300 px wide text
still shows at 11 px or more.
Plain values in, a matplotlib `Figure` out (never pyplot); the page writes the same numbers as a
table for screen readers.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from matplotlib.figure import Figure

from portfolio.charts import cached_svg

NAME = "competency-radar"
INK, MUTED, LINE = "#1d2330", "#4f5868", "#c9d0db"
STYLES = {
    "now": {"color": "#0b5c7a", "linestyle": "-", "marker": "o", "fill": True},
    "before": {"color": "#4f5868", "linestyle": ":", "marker": "s", "fill": False},
    "supervisor": {"color": "#8a5300", "linestyle": "--", "marker": "^", "fill": False},
}
SIZE_IN = 2.8  # the polar plot itself; labels and legend come around it
# One size for all text: the SVG comes out about 400 units wide, and a phone shows it about
# 320 px wide, so 14 units show as 11 px or more (tests/test_radar_chart.py checks it).
FONT = 14
FONT_AXIS = FONT_RING = FONT_LEGEND = FONT
# The centre stays empty: rank r sits at radius r, rank 1 on the first ring.
INNER = 0


def axis_angles(count: int) -> list[float]:
    """Angles (radians, matplotlib's polar convention after our offset and direction) of the
    `count` axes: evenly over the full circle."""
    return [2 * math.pi * i / count for i in range(count)]


def _label(text: str) -> str:
    """The number on its own line and the name wrapped at spaces: narrow labels at the sides."""
    number, _space, name = text.partition(" ")
    lines = textwrap.wrap(name, width=12, break_long_words=False, break_on_hyphens=False)
    return "\n".join([number, *lines]) if number.isdigit() else _wrap(text)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=12, break_long_words=False))


def radar_figure(data: dict[str, Any]) -> Figure:
    """`data` = {"axes": [short labels], "names": [full names, for the text alternative],
    "levels": [4 level titles],
    "series": [{"key": "now"|"before"|"supervisor", "label", "values": [rank or None]}]}."""
    labels = data["axes"]
    levels = data["levels"]
    angles = axis_angles(len(labels))
    figure = Figure(figsize=(SIZE_IN, SIZE_IN), dpi=100)
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)  # the first competency at the top
    axes.set_theta_direction(-1)  # clockwise, as a clock is read
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
            marker=style["marker"],
            markersize=6,
            label=series["label"],
            clip_on=False,
        )
        if style["fill"]:
            axes.fill(xs, ys, color=style["color"], alpha=0.12)
    # Limits after plotting, so nothing autoscales them: the full circle, rings 1..4.
    axes.set_thetalim(0, 2 * math.pi)
    axes.set_rorigin(INNER)
    axes.set_ylim(0, len(levels))
    # The rings carry their number, once, along the spoke halfway between the two bottom axes
    # (5 and 6 of ten); the key under the legend names each level.
    axes.set_yticks(range(1, len(levels) + 1), [str(n) for n in range(1, len(levels) + 1)])
    axes.set_rlabel_position(180 - 180 / len(labels) if len(labels) % 2 == 0 else 180)
    axes.tick_params(axis="y", labelsize=FONT_RING, labelcolor=INK)
    for text in axes.get_yticklabels():
        text.set_horizontalalignment("center")
        text.set_verticalalignment("center")
        text.set_fontweight("bold")
        text.set_bbox({"facecolor": "white", "edgecolor": LINE, "boxstyle": "circle", "pad": 0.2})
    axes.set_xticks(angles, [_label(label) for label in labels])
    axes.tick_params(axis="x", labelsize=FONT_AXIS, labelcolor=INK, pad=6)
    for angle, text in zip(angles, axes.get_xticklabels(), strict=True):
        # Away from the circle: left-aligned on the right, right-aligned on the left.
        side = math.sin(angle)
        text.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1 else "center")
    axes.grid(color=LINE, linewidth=0.8)
    axes.spines["polar"].set_color(LINE)
    legend = axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=1,
        frameon=False,
        fontsize=FONT_LEGEND,
        handlelength=3,
    )
    key = "\n".join(f"{n}  {level}" for n, level in enumerate(levels, start=1))
    axes.annotate(  # under the legend, wherever its last line ends
        key,
        xy=(0.5, 0),
        xycoords=legend,
        xytext=(0, -2),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=FONT_LEGEND,
        color=INK,
        linespacing=1.4,
        gid="radar-levels",
    )
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
