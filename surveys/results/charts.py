"""Server-rendered SVG charts (pure; no Django). Every chart has a data table under it on the
page; the SVG is ``aria-hidden``-free but titled, and draws nothing for hidden figures."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

BAR = "#2f6f9f"
MUTED = "#9aa5b1"


def bar_chart(
    items: list[tuple[str, float | None]],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    suffix: str = "",
    hidden_text: str = "–",
    width: int = 640,
) -> str:
    """Horizontal bars: ``items`` are (label, value); ``None`` = suppressed (no bar)."""
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
