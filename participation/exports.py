"""CSV and XLSX downloads of plain rows (shared by statements, coding and the conference)."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> object:
    """Neutralise spreadsheet formulas in user-entered text (CSV/formula injection)."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    # The byte order mark makes Excel read the file as UTF-8 (umlauts stay intact).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_safe(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = min(max(widths[i], len(str(v))), 80)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """A file download of ``rows`` as ``fmt`` (csv or xlsx); ``filename`` without extension."""
    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(headers, rows, title=filename),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
