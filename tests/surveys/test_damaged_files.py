"""Damaged and oversized survey files: a damaged .xlsx or .xls says it is damaged (on the import
page, on the command line, in the service), and a form with too many rows is refused before it
is parsed; nothing is written."""

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from core.spreadsheets import WorkbookError, check_workbook
from monitoring import parsing
from surveys.interchange import NotASurvey, xlsform
from surveys.models import Survey
from surveys.services import interchange

pytestmark = pytest.mark.django_db


def _xlsx(rows: int) -> bytes:
    book = Workbook(write_only=True)
    survey = book.create_sheet("survey")
    survey.append(["type", "name", "label"])
    for i in range(rows):
        survey.append(["text", f"q{i}", f"Frage {i}"])
    book.create_sheet("settings").append(["form_title"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = _xlsx(3)
DAMAGED = {
    "truncated.xlsx": GOOD[: len(GOOD) // 2],
    "junk.xlsx": b"PK\x03\x04" + b"\x00junk" * 200,
    "junk.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    "truncated.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 20,
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_service_says_damaged(process, name):
    with translation.override("en"), pytest.raises(NotASurvey) as caught:
        interchange.survey_import(user=None, process=process, data=DAMAGED[name])
    assert "damaged" in caught.value.message
    assert not Survey.objects.exists()


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_import_page_says_damaged_in_german(client, staff_user, process, name):
    client.force_login(staff_user)
    upload = SimpleUploadedFile(name, DAMAGED[name])
    reply = client.post(reverse("surveys:survey_import"), {"process": process.pk, "file": upload})
    assert reply.status_code == 400
    assert "Die Datei ist beschädigt" in reply.content.decode()
    assert not Survey.objects.exists()


def test_command_line_says_damaged_without_traceback(process, tmp_path):
    path = tmp_path / "form.xls"
    path.write_bytes(DAMAGED["junk.xls"])
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import_survey", str(path), "--process", str(process.pk), stdout=StringIO())
    assert "damaged" in str(caught.value)


def test_a_good_workbook_still_imports(process):
    check_workbook(GOOD, sheet="survey", max_rows=10)
    report = interchange.survey_import(user=None, process=process, data=GOOD)
    assert report.questions == 3


def test_too_many_questions_are_refused_before_parsing(process, monkeypatch):
    monkeypatch.setattr(interchange, "MAX_IMPORT_ROWS", 50)

    def never(data):
        raise AssertionError("the form was parsed")

    monkeypatch.setattr(xlsform, "parse", never)
    with translation.override("en"), pytest.raises(NotASurvey) as caught:
        interchange.survey_import(user=None, process=process, data=_xlsx(200))
    assert "at most 50 questions" in caught.value.message
    assert not Survey.objects.exists()


def test_row_count_stops_early_and_names_the_sheet():
    with pytest.raises(WorkbookError) as caught:
        check_workbook(_xlsx(300), sheet="survey", max_rows=100)
    assert caught.value.code == "too_many_rows" and 100 < caught.value.rows <= 302


def test_too_many_rows_in_a_csv_xlsform(process, monkeypatch):
    monkeypatch.setattr(interchange, "MAX_IMPORT_ROWS", 20)
    lines = ["survey,type,name,label"] + [f",text,q{i},Q{i}" for i in range(100)]
    with translation.override("en"), pytest.raises(NotASurvey) as caught:
        interchange.survey_import(user=None, process=process, data="\n".join(lines).encode())
    assert "at most 20 questions" in caught.value.message


@pytest.mark.parametrize("name", ["truncated.xlsx", "junk.xlsx"])
def test_monitoring_workbook_says_damaged(name):
    with pytest.raises(parsing.ParseError) as caught:
        parsing.parse_xlsx(DAMAGED[name], known_series=set())
    assert "damaged" in str(caught.value)
