"""The impact/feasibility matrix as server-rendered SVG (pure function; a table goes beside it)."""

from collections.abc import Sequence
from html import escape


def matrix_svg(
    points: Sequence[tuple[str, str, float, float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    quadrants: Sequence[str],
    size: int = 480,
) -> str:
    """A 2×2 matrix: ``points`` are (number, label, impact 1–5, feasibility 1–5); impact on the
    vertical axis, feasibility on the horizontal. Points carry their number; the legend is the
    table under the chart. ``quadrants`` are the four labels: top-right, top-left, bottom-left,
    bottom-right."""
    pad = 40
    inner = size - 2 * pad

    def x(v: float) -> float:
        return pad + (v - 1) / 4 * inner

    def y(v: float) -> float:
        return size - pad - (v - 1) / 4 * inner

    mid = pad + inner / 2
    parts = [
        f'<svg class="matrix-chart" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="none" stroke="#555"/>',
        f'<line x1="{mid}" y1="{pad}" x2="{mid}" y2="{size - pad}" stroke="#999" '
        'stroke-dasharray="4 4"/>',
        f'<line x1="{pad}" y1="{mid}" x2="{size - pad}" y2="{mid}" stroke="#999" '
        'stroke-dasharray="4 4"/>',
    ]
    corners = [
        (size - pad - 6, pad + 16, "end"),
        (pad + 6, pad + 16, "start"),
        (pad + 6, size - pad - 8, "start"),
        (size - pad - 6, size - pad - 8, "end"),
    ]
    for (cx, cy, anchor), label in zip(corners, quadrants, strict=False):
        parts.append(
            f'<text x="{cx}" y="{cy}" text-anchor="{anchor}" class="quadrant" font-size="12" '
            f'fill="#555">{escape(str(label))}</text>'
        )
    parts.append(
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle" font-size="13">'
        f"{escape(x_label)} →</text>"
    )
    parts.append(
        f'<text x="14" y="{size / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 14 {size / 2})">{escape(y_label)} →</text>'
    )
    for number, label, impact, feasibility in points:
        if impact is None or feasibility is None:
            continue
        px, py = x(feasibility), y(impact)
        parts.append(
            f'<g class="point"><title>{escape(str(label))}</title>'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="11" fill="#1f5fa8"/>'
            f'<text x="{px:.1f}" y="{py + 4:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#fff">{escape(str(number))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
