"""The SVG charts: escaped text, withheld figures drawn as text, empty input."""

from core import charts


def test_bar_chart_labels_left_and_withheld_values():
    svg = charts.bar_chart(
        [("<b>A</b>", 50.0), ("B", None)],
        title="T & U",
        fmt=lambda v: f"{v:.1f}",
        suffix=" %",
        hidden_text="fewer than 5",
    )
    assert svg.startswith('<svg class="chart"') and svg.endswith("</svg>")
    assert "<title>T &amp; U</title>" in svg
    assert "&lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    assert "50.0 %" in svg and "fewer than 5" in svg
    assert svg.count("<rect") == 1


def test_bar_chart_labels_above_for_phones():
    svg = charts.bar_chart(
        [("Wohnen", 12), ("Arbeit", 0)], title="Codes", fmt=str, labels_above=True
    )
    assert svg.startswith('<svg class="bar-chart"') and 'aria-label="Codes"' in svg
    assert 'class="bar-label">Wohnen</text>' in svg and ">12</text>" in svg
    assert 'width="0"' in svg  # a zero draws no bar
    assert charts.bar_chart([], title="x", labels_above=True) == ""


def test_column_and_line_charts():
    svg = charts.column_chart([("2026-01-01", 3), ("2026-01-02", None)], title="Days")
    assert svg.count("<rect") == 1 and "2026-01-02" in svg
    line = charts.line_chart(
        [charts.ChartLine("Kreis", [(2020, 1.5), (2021, None), (2022, 2.5)])], title="L"
    )
    assert line.count("<polyline") == 2  # the gap splits the line
    assert "1,5" in line or "2,0" in line  # German tick labels
    assert charts.sparkline([(2020, 1.0)]) == ""
    assert "<polyline" in charts.sparkline([(2020, 1.0), (2021, 2.0)])
