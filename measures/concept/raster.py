"""The line chart as PNG for Word, which cannot show SVG: drawn with Pillow from the same
lines, colours and axis steps as the SVG chart of the monitoring."""

from __future__ import annotations

import io
import math
from functools import lru_cache

from core.charts import PALETTE, REFERENCE, _nice_range
from core.numbers import german

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


def line_chart_png(
    lines, *, unit: str = "", decimals: int = 1, title: str = "", scale: int = 2
) -> bytes:
    """``lines``: [(label, [(year, value | None)], reference)]. Empty bytes if nothing to draw."""
    from PIL import Image, ImageDraw

    years = sorted({year for _l, points, _r in lines for year, _v in points})
    values = [v for _l, points, _r in lines for _y, v in points if v is not None]
    if not years or not values:
        return b""
    width, height = 640 * scale, 300 * scale
    legend_rows = math.ceil(len(lines) / 2)
    total = height + (legend_rows * 20 + 10) * scale
    image = Image.new("RGB", (width, total), "white")
    draw = ImageDraw.Draw(image)
    small = _font(11 * scale)
    left, right, top, bottom = 60 * scale, 16 * scale, 20 * scale, 36 * scale
    lo = min(0.0, min(values)) if 0 <= min(values) < max(values) / 3 else min(values)
    low, high, step = _nice_range(lo, max(values))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + years.index(year) / (len(years) - 1) * plot_w

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    tick_decimals = 0 if step >= 1 else min(3, max(0, -math.floor(math.log10(step))))
    tick = low
    while tick <= high + step / 2:
        ty = y(tick)
        draw.line([(left, ty), (width - right, ty)], fill=(224, 224, 224), width=scale)
        draw.text(
            (left - 6 * scale, ty),
            german(tick, decimals=tick_decimals),
            fill=(51, 51, 51),
            font=small,
            anchor="rm",
        )
        tick += step
    every = max(1, math.ceil(len(years) / 10))
    for i, year in enumerate(years):
        if i % every == 0 or i == len(years) - 1:
            draw.text(
                (x(year), height - bottom + 8 * scale),
                str(year),
                fill=(51, 51, 51),
                font=small,
                anchor="mt",
            )
    if unit:
        draw.text((4 * scale, 4 * scale), unit, fill=(51, 51, 51), font=small)
    own = ref = 0
    for index, (label, points, reference) in enumerate(lines):
        if reference:
            color = _hex(REFERENCE[ref % len(REFERENCE)])
            ref += 1
        else:
            color = _hex(PALETTE[own % len(PALETTE)])
            own += 1
        segment: list[tuple[float, float]] = []
        segments = []
        for year, value in sorted(points):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append((x(year), y(value)))
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                if reference:
                    for (x0, y0), (x1, y1) in zip(seg, seg[1:], strict=False):
                        _dashed(draw, x0, y0, x1, y1, color, 2 * scale)
                else:
                    draw.line(seg, fill=color, width=3 * scale)
            for px, py in seg:
                r = 3 * scale
                draw.ellipse([px - r, py - r, px + r, py + r], fill=color)
        lx = 8 * scale + (index % 2) * (width / 2)
        ly = height + 4 * scale + (index // 2) * 20 * scale
        draw.line(
            [(lx, ly + 7 * scale), (lx + 24 * scale, ly + 7 * scale)], fill=color, width=3 * scale
        )
        draw.text((lx + 30 * scale, ly), label[:55], fill=(27, 27, 27), font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _dashed(draw, x0, y0, x1, y1, color, width, dash=12, gap=8) -> None:
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    pos = 0.0
    while pos < length:
        end = min(length, pos + dash)
        draw.line(
            [(x0 + dx * pos, y0 + dy * pos), (x0 + dx * end, y0 + dy * end)],
            fill=color,
            width=width,
        )
        pos = end + gap
