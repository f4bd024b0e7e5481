"""Server-rendered SVG charts (no JavaScript). Pure functions; always show a table as well."""

from collections.abc import Sequence
from html import escape


def bar_chart_svg(
    rows: Sequence[tuple[str, int]], *, title: str, width: int = 640, bar_height: int = 22
) -> str:
    """A horizontal bar chart as inline SVG markup; labels above bars so 360 px phones fit."""
    if not rows:
        return ""
    maximum = max(value for _label, value in rows) or 1
    row_height = bar_height + 22
    height = row_height * len(rows) + 8
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    usable = width - 60
    for index, (label, value) in enumerate(rows):
        y = index * row_height + 4
        bar = max(2, round(usable * value / maximum)) if value else 0
        parts.append(f'<text x="0" y="{y + 14}" class="bar-label">{escape(str(label))}</text>')
        parts.append(
            f'<rect x="0" y="{y + 18}" width="{bar}" height="{bar_height}" class="bar" rx="2"/>'
        )
        parts.append(
            f'<text x="{bar + 6}" y="{y + 18 + bar_height - 6}" class="bar-value">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
