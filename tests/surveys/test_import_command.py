"""``manage.py import_survey FILE [--process ID] [--json]``."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from surveys.management.commands.import_survey import Command
from surveys.models import Survey
from tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages checked here are the English source strings."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> str:
    out = StringIO()
    call_command("import_survey", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_json_report_on_the_last_line(process):
    output = run(FIXTURES / "limesurvey_v6_l10ns.lss", "--process", process.pk, "--json")
    report = json.loads(output.strip().splitlines()[-1])
    survey = Survey.objects.get()
    assert report["survey_id"] == survey.pk
    assert (report["questions"], report["sections"]) == (15, 2)
    assert report["languages"] == ["de", "en"]
    assert {"question": "upload", "message": report["warnings"][2]["message"]} in report["warnings"]
    assert all(set(w) == {"question", "message"} for w in report["warnings"])
    assert survey.process == process


def test_human_report_and_single_process_default(process, tmp_path):
    from tests.surveys.test_xlsform import kobo_form

    path = tmp_path / "kobo.xlsx"
    path.write_bytes(kobo_form())
    output = run(path)
    assert "Imported kobo.xlsx (xlsform)" in output
    assert "where:" in output and "geopoint" in output
    assert Survey.objects.get().process == process


def _exit_code(monkeypatch, argv) -> tuple[int, str]:
    # run_from_argv is what manage.py calls: it prints the error and exits 1. Keep the test's
    # database connection open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    err = StringIO()
    command = Command(stderr=err)
    with pytest.raises(SystemExit) as info:
        command.run_from_argv(["manage.py", "import_survey", *argv])
    return info.value.code, err.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n random", "neither an XLSForm"),
        (b"name;email\nAda;ada@example.org\n", "neither an XLSForm"),
        (b"<document><LimeSurveyDocType>Survey", "well-formed"),
    ],
)
def test_not_a_survey_exits_1_with_the_reason(monkeypatch, tmp_path, process, content, reason):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    code, err = _exit_code(monkeypatch, [str(path), "--json"])
    assert code == 1
    assert "is not a survey" in err and reason in err
    assert not Survey.objects.exists()


def test_xlsx_without_survey_sheet_exits_1(monkeypatch, tmp_path, process):
    from tests.surveys.test_xlsform import plain_workbook

    path = tmp_path / "data.xlsx"
    path.write_bytes(plain_workbook(("Daten", [("a", "b")]), ("Mehr", [("c",)])))
    code, err = _exit_code(monkeypatch, [str(path)])
    assert code == 1 and "survey" in err
    assert not Survey.objects.exists()


def test_process_must_be_chosen_when_there_are_several(process):
    ProcessFactory()
    with pytest.raises(CommandError, match="--process"):
        run(FIXTURES / "limesurvey_v3_inline.lss")
    with pytest.raises(CommandError, match="no process with id"):
        run(FIXTURES / "limesurvey_v3_inline.lss", "--process", 999999)
    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent.lss", "--process", process.pk)
    assert not Survey.objects.exists()


def test_refused_survey_exits_with_the_question_named(tmp_path, process):
    from tests.surveys.test_xlsform import workbook

    path = tmp_path / "dup.xlsx"
    path.write_bytes(workbook([("type", "name", "label"), ("text", "a", "A"), ("text", "a", "B")]))
    with pytest.raises(CommandError, match="questions.a.code"):
        run(path)
    assert not Survey.objects.exists()
