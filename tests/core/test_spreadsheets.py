"""Spreadsheet cells: formulas neutralised in CSV and XLSX, numbers left alone."""

import io

import pytest
from django.http import Http404
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import spreadsheets


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x")',
        "+49 521 1234",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\tTab",
        "\rReturn",
    ],
)
def test_formula_starts_are_neutralised(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-1,5", "-1.234,5", "+3", "-12 %", "-0.25", "Gütersloh"])
def test_numbers_and_plain_text_stay(value):
    assert spreadsheets.safe_cell(value) == value


def test_none_lazy_text_and_numbers():
    assert spreadsheets.safe_cell(None) == ""
    assert spreadsheets.safe_cell(None, empty=None) is None
    lazy = gettext_lazy("Value")
    cell = spreadsheets.safe_cell(lazy)
    assert type(cell) is str and cell == str(lazy)
    assert spreadsheets.safe_cell(-3) == -3


def test_csv_bytes_has_bom_and_neutralises():
    data = spreadsheets.csv_bytes(["a", "b"], [["=1+1", 2], [None, "x"]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["a;b", "'=1+1;2", ";x"]


def test_csv_writer_neutralises_every_row():
    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer, delimiter=",")
    writer.writerow(["@cmd", None, 1.5])
    assert buffer.getvalue().strip() == "'@cmd,,1.5"


def test_xlsx_bytes_writes_text_not_formulas():
    data = spreadsheets.xlsx_bytes(["Text"], [["=1+1"], ["ok"]], title="T" * 40)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "T" * 31
    assert [c.value for c in sheet["A"]] == ["Text", "'=1+1", "ok"]
    assert sheet["A2"].data_type == "s"


def test_download_formats():
    response = spreadsheets.download(fmt="csv", filename="x", headers=["h"], rows=[["v"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    response = spreadsheets.download(fmt="xlsx", filename="x", headers=["h"], rows=[["v"]])
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    with pytest.raises(Http404):
        spreadsheets.download(fmt="pdf", filename="x", headers=[], rows=[])


def test_streamed_xlsx_keeps_cell_types_and_neutralises_formulas(tmp_path):
    from openpyxl import load_workbook

    from core.spreadsheets import write_xlsx_rows

    path = tmp_path / "out.xlsx"
    rows = [
        ["nr", "text", "number", "flag"],
        [1, "=SUM(A1)", 2.5, True],
        [2, " leading & <tagged>", None, False],
        [3, "bell\x07", float("nan"), None],
        [4, "https://example.org", 10**12, None],
    ]
    write_xlsx_rows(path, "Antworten & mehr", rows)
    sheet = load_workbook(path).active
    assert sheet.title == "Antworten & mehr"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["nr", "text", "number", "flag"],
        [1, "'=SUM(A1)", 2.5, True],
        [2, " leading & <tagged>", None, False],
        [3, "bell_x0007_", "nan", None],
        [4, "https://example.org", 10**12, None],
    ]
    assert sheet["B5"].data_type == "s" and sheet["B5"].hyperlink is None
    assert sheet["C2"].data_type == "n"


def test_streamed_xlsx_texts_read_back_exactly_as_excel_decodes_them(tmp_path):
    """Excel decodes ``_xHHHH_`` in a text cell: control characters are written that way, and
    a text that merely looks like such an escape keeps its own underscore escaped."""
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    from core.spreadsheets import write_xlsx_rows

    path = tmp_path / "out.xlsx"
    texts = ["_x0041_", "a_x00e4_b_X", "bell\x07", "_x005F_", "plain_x_"]
    write_xlsx_rows(path, "Export", [["text"], *([t] for t in texts)])
    values = [row[0] for row in load_workbook(path).active.iter_rows(min_row=2, values_only=True)]
    assert [unescape(v) for v in values] == texts
