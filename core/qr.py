"""QR codes rendered on the server as inline SVG (no JavaScript, no external service)."""

from html import escape

import segno


def qr_svg(data: str, *, title: str, scale: int = 6) -> str:
    """An inline ``<svg>`` of ``data`` (e.g. a join link) that scales with its container."""
    svg = segno.make(data, error="m").svg_inline(
        scale=scale, title=title, svgclass="qr-code", lineclass=None, omitsize=True
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
