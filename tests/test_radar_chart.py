"""The competency radar: a polar matplotlib Figure (never pyplot), SVG, cached by content."""

from __future__ import annotations

import subprocess
import sys

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
    assert [t.get_text() for t in axes.get_yticklabels()] == LEVELS
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
