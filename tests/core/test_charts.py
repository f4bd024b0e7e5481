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


def test_responsive_line_chart_is_laid_out_for_the_phone():
    lines = [
        charts.ChartLine(
            "Kreis: Eingewanderte und ihre Nachkommen",
            [(y, 10.0 - y % 7) for y in range(2010, 2025)],
        ),
        charts.ChartLine("Land", [(y, 6.0) for y in range(2010, 2025)], reference=True),
    ]
    html = charts.responsive_line_chart(lines, title="W2", chart_id="c1", unit="%")
    assert html.count("<svg") == 2 and 'id="c1-t"' in html and 'id="c1-narrow-t"' in html
    narrow = html[html.index('class="chart-narrow"') :]
    assert 'viewBox="0 0 340 ' in narrow
    assert 'font-size="15"' in narrow and 'font-size="12"' not in narrow
    # on 340 units, 15 years do not all get a label, and labels never touch
    import re

    xs = [
        float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle"', narrow)
    ]
    assert 2 <= len(xs) < 15 and all(b - a >= 40 for a, b in zip(xs, xs[1:], strict=False))
    assert ">2024<" in narrow  # the latest year keeps its label


def test_line_chart_draws_a_target():
    svg = charts.line_chart(
        [charts.ChartLine("Alle", [(2020, 10.0), (2021, 9.0)])],
        title="T",
        targets=[charts.ChartTarget("Ziel Alle 2030: 6,0", 2030, 6.0, line_label="Alle")],
    )
    assert 'class="target-marker"' in svg and "Ziel Alle 2030: 6,0" in svg and ">2030<" in svg


def test_stacked_bar_chart_shows_every_answer_of_every_row():
    svg = charts.stacked_bar_chart(
        ["gut", "<schlecht>", "weiß nicht"],
        [("Ämter", [50.0, 30.0, 20.0]), ("Schulen", [60.0, None, 10.0]), ("Kitas", [None] * 3)],
        title="Zufriedenheit",
        fmt=lambda v: f"{v:.0f}",
        suffix=" %",
        hidden_text="fewer than 5",
    )
    assert svg.startswith('<svg class="chart stacked-bar-chart"') and svg.endswith("</svg>")
    assert "&lt;schlecht&gt;" in svg and "<schlecht>" not in svg
    # Legend (three swatches), a frame per shown row, its known segments: 3 + 2 + 3 + 2.
    assert svg.count("<rect") == 10
    assert "<title>gut: 50 %</title>" in svg and "<title>weiß nicht: 20 %</title>" in svg
    # The whole distribution as text, the withheld share and the withheld row named.
    assert (
        "<desc>Ämter: gut 50 %, &lt;schlecht&gt; 30 %, weiß nicht 20 %; "
        "Schulen: gut 60 %, &lt;schlecht&gt; fewer than 5, weiß nicht 10 %; "
        "Kitas: fewer than 5</desc>"
    ) in svg
    # The first row's segments fill the bar: 50 % of 360 and 30 % after it.
    assert 'x="0.0" y="' in svg and 'width="180.0"' in svg and 'x="180.0"' in svg
    assert charts.stacked_bar_chart([], [("a", [])], title="x") == ""
