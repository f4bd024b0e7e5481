"""``build_concept``: the scripted yearly run."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.measures.concept.helpers import docx_text

pytestmark = pytest.mark.django_db


def test_build_concept_writes_a_docx_and_reports_json(concept_data, tmp_path, capsys):
    out = tmp_path / "konzept.docx"
    call_command(
        "build_concept",
        "--process",
        str(concept_data.process.pk),
        "--variant",
        "full",
        "--format",
        "docx",
        "--output",
        str(out),
        "--json",
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["pages"] > 3 and summary["chapters"] == concept_data.concept.chapters.count()
    assert summary["measures"] >= 2 and summary["endnotes"] >= 2 and summary["seconds"] > 0
    paragraphs, _cells = docx_text(out.read_bytes())
    assert ("Heading 1", "Daten und Fakten") in paragraphs


def test_build_concept_report_as_html(concept_data, tmp_path, capsys):
    out = tmp_path / "bericht.html"
    call_command(
        "build_concept",
        "--process",
        str(concept_data.process.pk),
        "--variant",
        "report",
        "--year",
        "2024",
        "--format",
        "html",
        "--output",
        str(out),
        "--json",
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["variant"] == "report" and summary["pages"] >= 2
    assert "Integrationsbericht 2024" in out.read_text()


def test_build_concept_refuses_bad_arguments(concept_data, tmp_path):
    with pytest.raises(CommandError, match="--year"):
        call_command(
            "build_concept",
            "--process",
            str(concept_data.process.pk),
            "--variant",
            "report",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="no process"):
        call_command(
            "build_concept",
            "--process",
            "999999",
            "--variant",
            "full",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "build_concept",
            "--process",
            str(concept_data.process.pk),
            "--variant",
            "full",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "missing" / "x.pdf"),
        )
    assert not (tmp_path / "x.pdf").exists()
