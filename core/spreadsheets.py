"""Spreadsheet files (CSV and XLSX) whose cells are safe to open.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return at the start) is prefixed with ``'`` (CSV/formula injection, OWASP). Numbers stay numbers,
also when they come as text in German notation (``-1,5``): a number cannot run anything.
Every CSV and XLSX writer of the platform passes its cells through ``safe_cell``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise

FORMATS = ("csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d{1,3}([.,]\d{3})*|\d+)([.,]\d+)?([eE][+-]?\d+)?\s?%?")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value, *, empty: object = "") -> object:
    """A value ready for a spreadsheet cell: ``None`` becomes ``empty``, lazy text becomes text,
    text that would start a formula is neutralised."""
    if value is None:
        return empty
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable, *, empty: object = "") -> list:
    return [safe_cell(value, empty=empty) for value in row]


def csv_writer(buffer, *, delimiter: str = ";"):
    """A ``csv.writer`` whose ``writerow`` neutralises every cell."""
    return _SafeWriter(csv.writer(buffer, delimiter=delimiter))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def with_bom(text: str) -> bytes:
    # The byte order mark makes Excel read the file as UTF-8 (umlauts stay intact).
    return ("\ufeff" + text).encode("utf-8")


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return with_bom(buffer.getvalue())


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = safe_row(row)
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = min(max(widths[i], len(str(v))), 80)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(*, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A file download of ``rows`` as ``fmt`` (csv or xlsx); ``filename`` without extension."""
    from django.http import Http404, HttpResponse

    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(headers, rows, title=filename), content_type=XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
