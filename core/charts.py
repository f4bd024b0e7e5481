"""Server-rendered SVG charts, pure (no Django): horizontal bars, columns over time, lines over
years and sparklines. A page shows a data table under every chart; a chart draws nothing for a
withheld figure. Titles and labels are escaped here, so callers may mark the result safe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from .numbers import german

BAR = "#2f6f9f"
MUTED = "#9aa5b1"
PALETTE = ["#0b5394", "#a4161a", "#1e6b34", "#7a4b00", "#5b2a86", "#00707a", "#444444"]
REFERENCE = ["#6d6d6d", "#9a9a9a"]
# The answers of a scale in order: two blues, then brown and red, so a four-point scale reads
# from agreement to disagreement; every colour carries white text at AA contrast.
STACK = ["#0b3d6e", "#2f6f9f", "#8a4b00", "#a4161a", "#5b2a86", "#00707a", "#444444"]


def _general(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    fmt: Callable[[float], str] = _general,
    suffix: str = "",
    hidden_text: str = "–",
    width: int = 640,
    labels_above: bool = False,
    bar_height: int = 22,
) -> str:
    """Horizontal bars: ``items`` are (label, value); ``None`` = withheld (no bar, ``hidden_text``).

    Labels stand left of the bars, or above them with ``labels_above`` (long labels on 360 px
    phones; styled by the ``bar-chart`` CSS classes). An empty list draws nothing with
    ``labels_above``.
    """
    if labels_above:
        return _bars_labels_above(
            items,
            title=title,
            fmt=fmt,
            suffix=suffix,
            hidden_text=hidden_text,
            width=width,
            bar_height=bar_height,
        )
    return _bars_labels_left(
        items, title=title, fmt=fmt, suffix=suffix, hidden_text=hidden_text, width=width
    )


def _bars_labels_above(items, *, title, fmt, suffix, hidden_text, width, bar_height) -> str:
    if not items:
        return ""
    maximum = max((value for _label, value in items if value is not None), default=0) or 1
    row_height = bar_height + 22
    height = row_height * len(items) + 8
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    usable = width - 60
    for index, (label, value) in enumerate(items):
        y = index * row_height + 4
        parts.append(f'<text x="0" y="{y + 14}" class="bar-label">{escape(str(label))}</text>')
        if value is None:
            parts.append(
                f'<text x="0" y="{y + 18 + bar_height - 6}" class="bar-value">'
                f"{escape(hidden_text)}</text>"
            )
            continue
        bar = max(2, round(usable * value / maximum)) if value else 0
        parts.append(
            f'<rect x="0" y="{y + 18}" width="{bar}" height="{bar_height}" class="bar" rx="2"/>'
        )
        parts.append(
            f'<text x="{bar + 6}" y="{y + 18 + bar_height - 6}" class="bar-value">'
            f"{escape(fmt(value) + suffix)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _bars_labels_left(items, *, title, fmt, suffix, hidden_text, width) -> str:
    row_h, label_w, pad = 26, min(260, width // 2 - 20), 8
    height = max(1, len(items)) * row_h + pad * 2
    top = max((v for _l, v in items if v is not None), default=0) or 1
    bar_w = width - label_w - 90
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = pad + i * row_h
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(short)}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 17}" font-size="13" fill="{MUTED}">'
                f"{escape(hidden_text)}</text>"
            )
            continue
        w = max(0.0, bar_w * value / top)
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 17}" font-size="13">'
            f"{escape(fmt(value) + suffix)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    items: list[tuple[str, float | None]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
) -> str:
    """Vertical columns over time (e.g. responses per day); labels on the first and last."""
    pad_l, pad_b, pad_t = 36, 24, 10
    n = max(1, len(items))
    top = max((v for _l, v in items if v is not None), default=0) or 1
    col_w = (width - pad_l - 6) / n
    inner_h = height - pad_b - pad_t
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>',
        f'<text x="{pad_l - 4}" y="{pad_t + 10}" text-anchor="end" font-size="11">{top:g}</text>',
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - 6}" y2="{height - pad_b}" '
        f'stroke="{MUTED}"/>',
    ]
    for i, (_label, value) in enumerate(items):
        if value is None:
            continue
        h = inner_h * value / top
        x = pad_l + i * col_w
        parts.append(
            f'<rect x="{x + col_w * 0.1:.1f}" y="{height - pad_b - h:.1f}" '
            f'width="{max(1.0, col_w * 0.8):.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
    if items:
        parts.append(
            f'<text x="{pad_l}" y="{height - 6}" font-size="11">{escape(items[0][0])}</text>'
            f'<text x="{width - 6}" y="{height - 6}" text-anchor="end" font-size="11">'
            f"{escape(items[-1][0])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class ChartLine:
    label: str
    points: list[tuple[int, float | None]]
    reference: bool = False


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    if low == high:
        low, high = low - 1, high + 1
    span = high - low
    step = 10 ** math.floor(math.log10(span / 4))
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= 5:
            step *= factor
            break
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


@dataclass
class ChartTarget:
    """A target value for a year, drawn as a marker and a dotted line in the line's colour."""

    label: str
    year: int
    value: float
    line_label: str = ""  # the line it belongs to (its colour), blank for the first line


def line_chart(
    lines: list[ChartLine],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    decimals: int = 1,
    width: int = 640,
    height: int = 320,
    chart_id: str = "chart",
    font_size: int = 12,
    legend_columns: int | None = None,
    targets: Sequence[ChartTarget] = (),
) -> str:
    """Lines over years with a legend below. ``font_size`` and ``width`` lay the chart out for
    its screen (see ``responsive_line_chart``); ``targets`` are drawn where they are set."""
    years = sorted({year for line in lines for year, _v in line.points} | {t.year for t in targets})
    values = [v for line in lines for _y, v in line.points if v is not None]
    data_values = list(values)
    values += [t.value for t in targets]
    char_w = font_size * 0.6
    left = max(40, round(font_size * 4.4))
    # room for half a year label right of the last year
    right, top, bottom = max(16, round(char_w * 2.5)), 16 + font_size, 24 + font_size * 2
    label_limit = 60
    if legend_columns is None:
        legend_columns = 2 if all(len(line.label) <= 38 for line in lines) else 1
    else:
        label_limit = max(12, int((width / legend_columns - 40) / char_w))
    legend_items = len(lines) + len(targets)
    legend_rows = math.ceil(legend_items / legend_columns)
    row_h = round(font_size * 1.7)
    total_height = height + legend_rows * row_h + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {total_height}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    if not years or not data_values:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#555" '
            f'font-size="{font_size}">–</text>'
        )
        parts.append("</svg>")
        return "".join(parts)
    lo = (
        min(0.0, min(values)) if min(values) >= 0 and min(values) < max(values) / 3 else min(values)
    )
    low, high, step = _nice_range(lo, max(values))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(year: int) -> float:
        # proportional to time, so that a target year further away stands further away
        if len(years) == 1:
            return left + plot_w / 2
        return left + (year - years[0]) / (years[-1] - years[0]) * plot_w

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    tick = low
    while tick <= high + step / 2:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#e0e0e0"/>'
            f'<text x="{left - 6}" y="{ty + font_size / 3:.1f}" text-anchor="end" '
            f'font-size="{font_size}" fill="#333">{german(tick, decimals=_tick_decimals(step))}'
            f"</text>"
        )
        tick += step
    # as many year labels as fit side by side (the last one always): a label is skipped when it
    # would touch the one before it
    gap = char_w * 4 + font_size * 0.8
    shown: list[int] = []
    for year in reversed(years):
        if not shown or x(shown[-1]) - x(year) >= gap:
            shown.append(year)
    for year in reversed(shown):
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - bottom + font_size + 6}" '
            f'text-anchor="middle" font-size="{font_size}" fill="#333">{year}</text>'
        )
    if unit:
        parts.append(
            f'<text x="4" y="{font_size}" font-size="{font_size}" fill="#333">{escape(unit)}</text>'
        )
    own = ref = 0
    colors: dict[str, tuple[str, str]] = {}
    legend: list[tuple[str, str, str]] = []
    for line in lines:
        if line.reference:
            color, dash = REFERENCE[ref % len(REFERENCE)], ' stroke-dasharray="6 4"'
            ref += 1
        else:
            color, dash = PALETTE[own % len(PALETTE)], ""
            own += 1
        colors.setdefault(line.label, (color, dash))
        segments, current = [], []
        for year, value in sorted(line.points):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append((x(year), y(value)))
        if current:
            segments.append(current)
        for segment in segments:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2.5"{dash} '
                f'points="{points}"/>'
            )
            for px, py in segment:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>')
        legend.append((line.label, color, f'stroke-width="3"{dash}'))
    for target in targets:
        color = colors.get(target.line_label, (PALETTE[0], ""))[0]
        tx, ty = x(target.year), y(target.value)
        parts.append(
            f'<line x1="{left}" x2="{tx:.1f}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{color}" '
            f'stroke-width="1.5" stroke-dasharray="2 3" class="target"/>'
            f'<path d="M{tx:.1f},{ty - 7:.1f} l7,7 l-7,7 l-7,-7 z" fill="#fff" stroke="{color}" '
            f'stroke-width="2" class="target-marker"/>'
        )
        legend.append((target.label, color, 'stroke-width="1.5" stroke-dasharray="2 3"'))
    for index, (label, color, style) in enumerate(legend):
        lx = 8 + (index % legend_columns) * (width / legend_columns)
        ly = height + 4 + (index // legend_columns) * row_h
        text = label if len(label) <= label_limit else label[: label_limit - 1] + "…"
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{ly + font_size / 2}" y2="{ly + font_size / 2}" '
            f'stroke="{color}" {style}/>'
            f'<text x="{lx + 30}" y="{ly + font_size * 0.85:.1f}" font-size="{font_size}" '
            f'fill="#1b1b1b">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def responsive_line_chart(lines: list[ChartLine], *, chart_id: str = "chart", **options) -> str:
    """The line chart laid out twice: wide for desktops, narrow (340 units wide, 15-unit text,
    one legend column, fewer year labels) for phones; CSS shows one of them
    (``.chart-wide``/``.chart-narrow``), so the text keeps its size on a 360 px screen instead of
    shrinking with the picture. The hidden one is ``display: none``, out of the reading order."""
    wide = line_chart(lines, chart_id=chart_id, **options)
    narrow_options = {**options, "width": 340, "height": 280, "font_size": 15}
    narrow_options["legend_columns"] = 1
    narrow = line_chart(lines, chart_id=f"{chart_id}-narrow", **narrow_options)
    return (
        f'<div class="chart-responsive"><div class="chart-wide">{wide}</div>'
        f'<div class="chart-narrow">{narrow}</div></div>'
    )


def _tick_decimals(step: float) -> int:
    if step >= 1:
        return 0
    return min(3, max(0, -math.floor(math.log10(step))))


def sparkline(points: list[tuple[int, float | None]], *, width: int = 120, height: int = 32) -> str:
    values = [v for _y, v in points if v is not None]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    years = [year for year, _v in points]
    coords = []
    for year, value in points:
        if value is None:
            continue
        px = 2 + (years.index(year) / max(1, len(years) - 1)) * (width - 4)
        py = height - 2 - (value - low) / span * (height - 4)
        coords.append(f"{px:.1f},{py:.1f}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
        f'<polyline fill="none" stroke="#0b5394" stroke-width="2" points="{" ".join(coords)}"/>'
        f"</svg>"
    )


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    fmt: Callable[[float], str] = _general,
    suffix: str = "",
    hidden_text: str = "–",
    width: int = 480,
    bar_height: int = 16,
) -> str:
    """Horizontal bars grouped by category, one bar per series under each category's label
    (e.g. the answers of a question, one bar per target group), coloured from ``PALETTE``
    with a legend on top. ``series``: (label, one value per category); ``None`` = withheld.
    Labels stand above the bars, so the chart stays legible when scaled to a phone's width.
    """
    if not categories or not series:
        return ""
    values = [v for _label, line in series for v in line if v is not None]
    top = max(values, default=0) or 1
    legend_h = 20 * len(series) + 6
    block_h = 20 + len(series) * (bar_height + 4) + 10
    height = legend_h + block_h * len(categories)
    usable = width - 70
    parts = [
        f'<svg class="chart grouped-bar-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, _line) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        y = 4 + index * 20
        parts.append(
            f'<rect x="0" y="{y}" width="14" height="14" fill="{color}"/>'
            f'<text x="20" y="{y + 12}" font-size="13">{escape(str(label)[:60])}</text>'
        )
    for c_index, category in enumerate(categories):
        y0 = legend_h + c_index * block_h
        short = category if len(category) <= 60 else category[:58] + "…"
        parts.append(
            f'<text x="0" y="{y0 + 15}" font-size="13" font-weight="bold">{escape(short)}</text>'
        )
        for s_index, (_label, line) in enumerate(series):
            value = line[c_index] if c_index < len(line) else None
            y = y0 + 20 + s_index * (bar_height + 4)
            color = PALETTE[s_index % len(PALETTE)]
            if value is None:
                parts.append(
                    f'<text x="0" y="{y + bar_height - 3}" font-size="12" fill="#555">'
                    f"{escape(hidden_text)}</text>"
                )
                continue
            w = max(1.0, usable * value / top) if value else 0.0
            parts.append(
                f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}"/>'
                f'<text x="{w + 4:.1f}" y="{y + bar_height - 3}" font-size="12">'
                f"{escape(fmt(value) + suffix)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    segments: Sequence[str],
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    fmt: Callable[[float], str] = _general,
    suffix: str = "",
    hidden_text: str = "–",
    width: int = 360,
    bar_height: int = 24,
) -> str:
    """One bar per row split into its ``segments`` (e.g. the answers of a matrix row, shares
    in per cent), coloured from ``STACK`` with a legend on top and each row's label above its
    bar, so the chart stays legible when scaled to a phone's width. ``rows``: (label, one
    value per segment); ``None`` = withheld (left out, the bar keeps a gap); a row without any
    value shows ``hidden_text``. A bar is as long as 100 or its total, whichever is larger;
    segments wide enough carry their value. The ``<desc>`` lists every row's figures. The
    default width is a phone's, so the text keeps its size there."""
    if not segments or not rows:
        return ""
    legend_h = 20 * len(segments) + 8
    block_h = 20 + bar_height + 12
    height = legend_h + block_h * len(rows)
    descriptions = []
    parts = []
    for index, label in enumerate(segments):
        color = STACK[index % len(STACK)]
        y = 4 + index * 20
        parts.append(
            f'<rect x="0" y="{y}" width="14" height="14" fill="{color}"/>'
            f'<text x="20" y="{y + 12}" font-size="13">{escape(str(label)[:60])}</text>'
        )
    for r_index, (label, values) in enumerate(rows):
        y0 = legend_h + r_index * block_h
        short = label if len(label) <= 60 else label[:58] + "…"
        parts.append(
            f'<text x="0" y="{y0 + 15}" font-size="13" font-weight="bold">{escape(short)}</text>'
        )
        y = y0 + 20
        known = [v for v in values if v is not None]
        if not known:
            parts.append(
                f'<text x="0" y="{y + bar_height - 7}" font-size="12" fill="#555">'
                f"{escape(hidden_text)}</text>"
            )
            descriptions.append(f"{label}: {hidden_text}")
            continue
        scale = width / max(100.0, sum(known))
        x = 0.0
        figures = []
        parts.append(
            f'<rect x="0" y="{y}" width="{width}" height="{bar_height}" fill="none" '
            f'stroke="{MUTED}"/>'
        )
        for s_index, segment in enumerate(segments):
            value = values[s_index] if s_index < len(values) else None
            text = hidden_text if value is None else fmt(value) + suffix
            figures.append(f"{segment} {text}")
            if not value:
                continue
            w = value * scale
            color = STACK[s_index % len(STACK)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{color}"><title>{escape(f"{segment}: {text}")}</title></rect>'
            )
            if w >= 9 * len(text) + 6:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_height - 7}" font-size="12" '
                    f'fill="#fff" text-anchor="middle">{escape(text)}</text>'
                )
            x += w
        descriptions.append(f"{label}: {', '.join(figures)}")
    return (
        f'<svg class="chart stacked-bar-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape('; '.join(descriptions))}</desc>"
        + "".join(parts)
        + "</svg>"
    )
