"""The registration progress chart: a matplotlib Figure (never pyplot), SVG, cached by content."""

from __future__ import annotations

import base64
import subprocess
import sys

from matplotlib.figure import Figure

from portfolio import charts
from portfolio.charts.progress import progress_figure, progress_png, progress_svg, svg_data_uri


def chart_data(counted: float = 24.0) -> dict:
    return {
        "axis": "% of the requirement",
        "rows": [
            {
                "label": "Geaccrediteerde scholing",
                "counted": counted,
                "required": 60.0,
                "projected": 48.0,
                "met": False,
                "text": f"{counted:g} / 60",
            },
            {
                "label": "Reflectie",
                "counted": 70.0,
                "required": 60.0,
                "projected": 140.0,
                "met": True,
                "text": "70 / 60",
            },
            {
                "label": "Overige deskundigheidsbevordering",
                "counted": 12.0,
                "required": None,
                "projected": 20.0,
                "met": True,
                "text": "12 · te verifiëren",
            },
            {
                "label": "Work hours",
                "counted": 6000.0,
                "required": 3368.0,
                "projected": 9000.0,
                "met": True,
                "text": "6.000 / 3.368",
            },
        ],
    }


def test_the_chart_is_a_figure_with_a_bar_per_measurable_requirement():
    figure = progress_figure(chart_data())

    assert isinstance(figure, Figure)
    [axes] = figure.axes
    assert len(axes.patches) == 3  # no bar for the requirement without a confirmed number
    texts = {t.get_text() for t in axes.texts}
    assert {"Reflectie", "70 / 60", "12 · te verifiëren"} <= texts
    # Far beyond the requirement, the bar stops at the edge of the axis.
    assert max(p.get_width() for p in axes.patches) == 150


def test_rendering_produces_svg_and_the_same_data_hits_the_cache():
    data = chart_data(counted=17.25)
    before = charts.cache_info()

    first = progress_svg(data)
    second = progress_svg(data)

    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert "17.25 / 60" in first  # as text, or as the comment beside its glyph paths
    assert second is first  # served from the cache, not rendered again
    assert charts.cache_info() == min(before + 1, charts.CACHE_SIZE)
    assert progress_svg(chart_data(counted=17.5)) != first


def test_the_pdf_chart_is_a_png_from_the_same_content_cache():
    data = chart_data(counted=19.75)

    first = progress_png(data)
    second = progress_png(data)

    assert first.startswith(b"\x89PNG")
    assert second is first  # served from the cache, not rendered again
    assert progress_png(chart_data(counted=19.5)) != first


def test_the_chart_goes_into_the_page_as_a_data_uri():
    uri = svg_data_uri("<svg>é</svg>")

    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == "<svg>é</svg>"


def test_rendering_never_imports_pyplot():
    code = (
        "import sys\n"
        "from tests.test_charts import chart_data\n"
        "from portfolio.charts.progress import progress_svg\n"
        "progress_svg(chart_data())\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_progress_and_standings_charts_read_at_11_px_or_more_on_a_phone():
    from portfolio.charts.evaluation import standings_svg
    from tests.test_radar_chart import PHONE_CHART_PX, shown_font_px

    long_label = chart_data()
    long_label["rows"][0]["label"] = "Overige deskundigheidsbevordering en nog veel meer"
    standings = {
        "bars": [{"label": "SKJ — Jeugd- en gezinsprofessional", "counts": [3, 1, 0, 2, 0]}],
        "series": [
            {"key": "on_track", "label": "op koers"},
            {"key": "at_risk", "label": "risico dat de uiterste datum niet wordt gehaald"},
            {"key": "unknown", "label": "onbekend: drempels te verifiëren"},
        ],
        "axis": "Registraties",
    }
    assert shown_font_px(progress_svg(chart_data()), PHONE_CHART_PX) >= 11
    assert shown_font_px(progress_svg(long_label), PHONE_CHART_PX) >= 11
    assert shown_font_px(standings_svg(standings), PHONE_CHART_PX) >= 11
