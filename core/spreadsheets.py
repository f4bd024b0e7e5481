"""Spreadsheet files (CSV and XLSX) whose cells are safe to open.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return at the start) is prefixed with ``'`` (CSV/formula injection, OWASP). Numbers stay numbers,
also when they come as text in German notation (``-1,5``): a number cannot run anything.
Every CSV and XLSX writer of the platform passes its cells through ``safe_cell`` (or, where a
workbook must keep its texts exactly, as the XLSForm interchange file does, through
``append_literal_row``, which stores them as text cells that never run). A test walks every
export with a ``=HYPERLINK(...)`` answer and checks that no file holds a live formula; another
refuses code that builds a ``csv.writer`` or an openpyxl ``Workbook`` outside this module and
the writers it knows.
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


def append_literal_row(sheet, row: Iterable) -> None:
    """Append ``row`` to an openpyxl worksheet with every text kept exactly as given.

    openpyxl stores a text starting with ``=`` as a formula; here such a cell is typed as a
    string instead, so the spreadsheet shows the text and never runs it, and a file read back
    (an XLSForm import) gets the very same text (no ``'`` prefix to strip)."""
    sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


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
    sheet.append(safe_row(str(h) for h in headers))
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


# --- reading workbooks that users upload ------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


class WorkbookError(ValueError):
    """An uploaded workbook that cannot be used. ``code``: ``damaged`` (it looks like a
    workbook but cannot be opened) or ``too_many_rows`` (``rows`` counted before parsing)."""

    def __init__(self, code: str, detail: str = "", rows: int = 0):
        self.code = code
        self.detail = detail
        self.rows = rows
        super().__init__(f"{code}: {detail}" if detail else code)


def workbook_kind(data: bytes) -> str | None:
    """``xlsx`` or ``xls`` by the file's first bytes, else ``None``."""
    if data[:4] == XLSX_MAGIC:
        return "xlsx"
    if data[:8] == XLS_MAGIC:
        return "xls"
    return None


def check_workbook(data: bytes, *, sheet: str | None = None, max_rows: int | None = None) -> None:
    """Open an uploaded ``.xlsx``/``.xls`` cheaply, before any real parsing.

    Raises ``WorkbookError("damaged")`` when it cannot be opened (truncated, corrupt, not
    really a workbook), and ``WorkbookError("too_many_rows")`` when the sheet ``sheet`` (the
    first sheet when ``None`` or not found) holds more than ``max_rows`` rows: counted by
    streaming the sheet's XML without building it, so a form with 400,000 rows is refused in
    about a second. Does nothing for other files.
    """
    kind = workbook_kind(data)
    if kind == "xlsx":
        _check_xlsx(data, sheet, max_rows)
    elif kind == "xls":
        _check_xls(data, sheet, max_rows)


def _check_xls(data: bytes, sheet: str | None, max_rows: int | None) -> None:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        names = book.sheet_names()
        if not names:
            raise WorkbookError("damaged", "no sheets")
        if max_rows is not None:
            wanted = {n.lower(): n for n in names}.get((sheet or "").lower(), names[0])
            rows = book.sheet_by_name(wanted).nrows
            if rows > max_rows:
                raise WorkbookError("too_many_rows", wanted, rows)
        book.release_resources()
    except WorkbookError:
        raise
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for broken files
        raise WorkbookError("damaged", f"{type(exc).__name__}: {exc}") from exc


def _check_xlsx(data: bytes, sheet: str | None, max_rows: int | None) -> None:
    import posixpath
    import zipfile

    from defusedxml import ElementTree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise WorkbookError("damaged", "no xl/workbook.xml")
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = [
            (el.get("name") or "", _attr(el, "id"))
            for el in book.iter()
            if el.tag.rsplit("}", 1)[-1] == "sheet"
        ]
        if not sheets:
            raise WorkbookError("damaged", "no sheets")
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for el in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter():
                if el.get("Id") and el.get("Target"):
                    rels[el.get("Id")] = el.get("Target")
        if max_rows is None:
            # Every part must be readable: a damaged file fails here, not halfway through.
            bad = archive.testzip()
            if bad:
                raise WorkbookError("damaged", f"bad part {bad}")
            return
        by_name = {name.lower(): rid for name, rid in sheets}
        rid = by_name.get((sheet or "").lower(), sheets[0][1])
        target = rels.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        if path not in names:
            raise WorkbookError("damaged", f"missing sheet part {path}")
        rows = _count_rows(archive, path, max_rows)
        if rows > max_rows:
            raise WorkbookError("too_many_rows", sheet or sheets[0][0], rows)
    except WorkbookError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile/XML raise many kinds for broken files
        raise WorkbookError("damaged", f"{type(exc).__name__}: {exc}") from exc


def _attr(element, local: str) -> str:
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1] == local and key != local:
            return value
    return element.get(local, "")


def _count_rows(archive, path: str, max_rows: int) -> int:
    """Rows of a sheet's XML, read in chunks; stops counting past ``max_rows``."""
    count = 0
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            count += sum(1 for m in _ROW_TAG.finditer(buffer) if m.end() > len(tail))
            if count > max_rows:
                return count
            tail = buffer[-32:]
    return count


# --- a streamed XLSX sheet ------------------------------------------------------------------

_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters XML 1.0 cannot hold; written as Excel's own escape _xHHHH_ (as XlsxWriter does).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A text that itself reads like that escape has its underscore escaped (_x005F_), or Excel
# would show the character it names instead of the text (ST_Xstring, ECMA-376).
_XML_ESCAPE_LIKE = re.compile("(_x[0-9A-Fa-f]{4}_)")
# Anything in a text that needs one of the above: most texts need none and are written as they are.
_XML_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x")
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
        'builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xml_text(value: str) -> str:
    if not _XML_NEEDS_ESCAPE.search(value):
        return value
    text = value.translate(_XML_ESCAPE)
    if "_x" in text:
        text = _XML_ESCAPE_LIKE.sub(r"_x005F\1", text)
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def write_xlsx_rows(path, title: str, rows: Iterable[Sequence]) -> None:
    """One sheet of ``rows`` (the first is the header) as an XLSX file at ``path``, streamed:
    each row is written out before the next is read, so memory does not grow with the rows.

    Cells pass through ``safe_cell``; ``None`` leaves the cell empty, ``int``/``float`` are
    number cells, ``bool`` a boolean cell, anything else a text cell (inline, never a
    formula, link or number). Spreadsheet libraries spend several microseconds on every
    cell (checks, styles, cell references computed per cell); here a cell is one string
    format, which keeps a 100,000-row export close to the CSV's time.
    """
    import zipfile
    from math import isfinite

    letters: list[str] = []
    sheet_name = _xml_text(str(title)[:31]).replace('"', "&quot;")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in _XLSX_PARTS.items():
            archive.writestr(name, content)
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            out: list[str] = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData>"
            ]
            for number, row in enumerate(rows, start=1):
                if len(row) > len(letters):
                    letters.extend(_column_name(i) for i in range(len(letters), len(row)))
                out.append(f'<row r="{number}">')
                for letter, value in zip(letters, row, strict=False):
                    # The common cells (empty, plain numbers, texts) take the short ways;
                    # every other value goes through ``safe_cell`` as before.
                    if value is None:
                        continue
                    kind = type(value)
                    if kind is str:
                        if value.startswith(FORMULA_START):
                            value = safe_cell(value)
                    elif kind is not int and kind is not float:
                        value = safe_cell(value, empty=None)
                        if value is None:
                            continue
                        kind = type(value)
                    if kind is str:
                        space = (
                            ' xml:space="preserve"'
                            if value[:1].isspace() or value[-1:].isspace()
                            else ""
                        )
                        out.append(
                            f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>'
                            f"{_xml_text(value)}</t></is></c>"
                        )
                    elif kind is bool:
                        out.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
                    elif kind is int or (kind is float and isfinite(value)):
                        out.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
                    else:
                        out.append(
                            f'<c r="{letter}{number}" t="inlineStr"><is><t>'
                            f"{_xml_text(str(value))}</t></is></c>"
                        )
                out.append("</row>")
                if len(out) > 4000:
                    raw.write("".join(out).encode())
                    out.clear()
            out.append("</sheetData></worksheet>")
            raw.write("".join(out).encode())
