"""Downloads of published (or, for staff with the right, raw) indicator values."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.numbers import german
from core.spreadsheets import csv_writer, safe_row, with_bom

from .models import IndicatorValue

WITHHELD_NOTE = "."


def _label(value: IndicatorValue) -> str:
    return value.target_group.label if value.target_group_id else _("All")


def _shown(value: IndicatorValue, raw: bool):
    return value.value if raw else value.published_value


def _footnote() -> str:
    return _(
        '"." = withheld: a count of 1 or 2, a cell that would reveal one (secondary '
        "suppression), or a rate from too few cases."
    )


def rows(values, raw: bool) -> list[list]:
    out = []
    for v in values:
        named = "; ".join(f"{k}: {val}" for k, val in (v.dimensions or {}).items())
        out.append(
            [
                v.indicator.code,
                v.indicator.label,
                v.territory.name,
                v.territory.key,
                v.year,
                _label(v),
                v.get_sex_display(),
                v.age_group,
                named,
                _shown(v, raw),
                v.indicator.unit,
                v.get_trend_display() if v.trend else "",
            ]
        )
    return out


def header() -> list[str]:
    return [
        _("Indicator code"),
        _("Indicator"),
        _("Territory"),
        _("Key (AGS)"),
        _("Year"),
        _("Target group"),
        _("Sex"),
        _("Age group"),
        _("Other breakdown"),
        _("Value"),
        _("Unit"),
        _("Trend"),
    ]


def as_csv(values, raw: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header())
    for row, v in zip(rows(values, raw), values, strict=True):
        row[9] = german(row[9], decimals=v.indicator.decimals)
        writer.writerow(row)
    writer.writerow([])
    writer.writerow([_footnote()])
    return with_bom(buffer.getvalue())


def as_xlsx(values, raw: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Values")[:31]
    sheet.append(safe_row(header()))
    for row in rows(values, raw):
        if row[9] is None:
            row[9] = WITHHELD_NOTE
        sheet.append(safe_row(row, empty=None))
    sheet.append([])
    sheet.append(safe_row([_footnote()]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_opensdg(values, raw: bool) -> bytes:
    """Open SDG tidy CSV: Year, breakdown columns (blank = total), GeoCode, Units, Value."""
    values = list(values)
    named = sorted({k for v in values for k in (v.dimensions or {})})
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=",")
    writer.writerow(
        [
            "Year",
            "Indikator",
            "Zielgruppe",
            "Geschlecht",
            "Altersgruppe",
            *named,
            "GeoCode",
            "Units",
            "COMMENT_OBS",
            "Value",
        ]
    )
    for v in values:
        shown = _shown(v, raw)
        writer.writerow(
            [
                v.year,
                v.indicator.code,
                v.target_group.label if v.target_group_id else "",
                v.get_sex_display() if v.sex else "",
                v.age_group,
                *[(v.dimensions or {}).get(k, "") for k in named],
                v.territory.key,
                v.indicator.unit,
                "" if shown is not None or v.value is None else _footnote(),
                "" if shown is None else round(shown, max(v.indicator.decimals, 0) + 2),
            ]
        )
    return buffer.getvalue().encode("utf-8")
