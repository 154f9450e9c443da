"""The competency radar: a polar matplotlib Figure (never pyplot), SVG, cached by content."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
from matplotlib.figure import Figure

from portfolio import charts
from portfolio.charts.radar import radar_figure, radar_rows, radar_svg

LEVELS = ["Beginner", "Gevorderd beginner", "Vakbekwaam", "Vakvolwassen"]


def radar_data(first: int = 3, label: str = "Zelfbeoordeling 2026-06-01") -> dict:
    names = [f"{n}. Competentie {n}" for n in range(1, 11)]
    return {
        "axes": [str(n) for n in range(1, 11)],
        "names": names,
        "levels": LEVELS,
        "series": [
            {"key": "now", "label": label, "values": [first, 2, 3, 4, 1, 2, 3, 4, 1, 2]},
            {"key": "before", "label": "Zelfbeoordeling 2026-01-01", "values": [1] * 10},
            {
                "key": "supervisor",
                "label": "Leidinggevende 2026-05-01",
                "values": [2, None, 2, 2, 2, 2, 2, 2, 2, 2],
            },
        ],
    }


def test_the_radar_is_a_polar_figure_with_a_line_per_series_and_four_levels():
    figure = radar_figure(radar_data())

    assert isinstance(figure, Figure)
    [axes] = figure.axes
    assert axes.name == "polar"
    assert [line.get_label() for line in axes.lines] == [
        "Zelfbeoordeling 2026-06-01",
        "Zelfbeoordeling 2026-01-01",
        "Leidinggevende 2026-05-01",
    ]
    assert axes.get_ylim() == (0, 4)
    # The rings are numbered once; the key under the legend names the levels.
    assert [t.get_text() for t in axes.get_yticklabels()] == ["1", "2", "3", "4"]
    [key] = [t for t in axes.texts if t.get_gid() == "radar-levels"]
    assert key.get_text().splitlines() == [f"{n}  {level}" for n, level in enumerate(LEVELS, 1)]
    assert len(axes.get_xticks()) == 10
    # A competency the supervisor did not rate is left out, not drawn as zero.
    supervisor = axes.lines[2]
    assert 0 not in list(supervisor.get_ydata()) and len(supervisor.get_ydata()) == 10


def test_rendering_produces_svg_and_the_same_content_hits_the_cache():
    data = radar_data(first=4, label="Zelfbeoordeling 2026-07-07")
    before = charts.cache_info()

    first = radar_svg(data)
    second = radar_svg(data)

    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert "Zelfbeoordeling 2026-07-07" in first  # text stays text
    assert second is first
    assert charts.cache_info() == min(before + 1, charts.CACHE_SIZE)
    assert radar_svg(radar_data(first=1, label="Zelfbeoordeling 2026-07-07")) != first
    # Another language gives other labels, so another chart.
    assert radar_svg(radar_data(first=4, label="Self-assessment 2026-07-07")) != first


def test_the_text_alternative_gives_the_same_levels_per_competency():
    rows = radar_rows(radar_data())

    assert len(rows) == 10
    assert rows[0] == {
        "name": "1. Competentie 1",
        "levels": ["Vakbekwaam", "Beginner", "Gevorderd beginner"],
    }
    assert rows[1]["levels"] == ["Gevorderd beginner", "Beginner", None]  # not rated
    assert rows[3]["levels"][0] == "Vakvolwassen"


def test_rendering_the_radar_never_imports_pyplot():
    code = (
        "import sys\n"
        "from tests.test_radar_chart import radar_data\n"
        "from portfolio.charts.radar import radar_svg\n"
        "radar_svg(radar_data())\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def centre_and_radius(axes, theta: float, r: float) -> float:
    """Distance in display pixels from the centre of the polar axes to the point (theta, r)."""
    figure = axes.figure
    figure.draw_without_rendering()
    centre = axes.transAxes.transform((0.5, 0.5))
    point = axes.transData.transform((theta, r))
    return float(np.hypot(*(point - centre)))


def test_the_radar_spans_the_full_circle_with_ten_evenly_spaced_axes_from_the_top():
    figure = radar_figure(radar_data())
    [axes] = figure.axes

    low, high = axes.get_xlim()
    assert math.isclose(low, 0) and math.isclose(high, 2 * math.pi)  # not a partial ring
    ticks = np.asarray(axes.get_xticks())
    assert len(ticks) == 10
    assert np.allclose(np.diff(ticks), 2 * math.pi / 10)
    assert math.isclose(ticks[0], 0)
    # The first competency points straight up and the second lies clockwise from it.
    figure.draw_without_rendering()
    centre = axes.transAxes.transform((0.5, 0.5))
    first = axes.transData.transform((ticks[0], 4)) - centre
    second = axes.transData.transform((ticks[1], 4)) - centre
    assert abs(first[0]) < 1e-6 and first[1] > 0
    assert second[0] > 0
    # Short names at the axes, as given.
    assert [t.get_text().replace("\n", " ") for t in axes.get_xticklabels()] == [
        str(n) for n in range(1, 11)
    ]


def test_each_rating_sits_on_its_own_ring_and_the_rings_are_evenly_spaced():
    figure = radar_figure(radar_data())
    [axes] = figure.axes
    outer = axes.get_window_extent().width / 2  # the outermost ring is the edge of the axes

    for line in axes.lines:
        for theta, value in zip(line.get_xdata(), line.get_ydata(), strict=True):
            distance = centre_and_radius(axes, theta, value)
            # Rank 1 on the first ring (a quarter of the way out), not at the centre.
            assert math.isclose(distance, outer * value / 4, rel_tol=0.01), (theta, value)
    # The ring lines themselves are at 1, 2, 3 and 4.
    assert list(axes.get_yticks()) == [1, 2, 3, 4]


def shown_font_px(svg: str, shown_width_px: float) -> float:
    """The smallest text of an SVG in CSS pixels when the image is shown `shown_width_px` wide."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes, "the SVG keeps its text as text"
    return min(sizes) * shown_width_px / width


# What a 360 px phone leaves for a chart inside a card (main and card padding, borders).
PHONE_CHART_PX = 300


def test_the_radar_text_reads_at_11_px_or_more_on_a_phone():
    dutch = radar_svg(radar_data())
    long_labels = radar_data()
    long_labels["axes"] = [f"{n} Vraag verhelderen" for n in range(1, 11)]

    assert shown_font_px(dutch, PHONE_CHART_PX) >= 11
    assert shown_font_px(radar_svg(long_labels), PHONE_CHART_PX) >= 11
