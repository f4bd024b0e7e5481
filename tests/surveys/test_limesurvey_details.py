"""LimeSurvey's details: Expression Manager code inside texts never reaches respondents raw,
quotas and default answers that are not imported are named in the report, a UTF-16 .lss
imports."""

from pathlib import Path

import pytest
from django.utils import translation

from surveys import structure
from surveys.services import interchange

pytestmark = pytest.mark.django_db

NEW = Path(__file__).parent / "fixtures" / "limesurvey_v6_l10ns.lss"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _with(extra_tables: str = "", replace: tuple[str, str] | None = None) -> str:
    text = NEW.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    return text.replace("</document>", extra_tables + "</document>")


def _import(process, data: bytes):
    report = interchange.survey_import(user=None, process=process, data=data)
    questions = {
        q["code"]: q
        for s in structure.build(report.survey.current_version).definition()
        for q in s["questions"]
    }
    return report, questions


def test_expression_manager_code_is_never_shown_raw(process):
    text = _with(
        replace=(
            "<question><![CDATA[Seit welchem Jahr?]]>",
            "<question><![CDATA[Seit welchem Jahr leben Sie in {OLD_CODE1.shown}, "
            "{TOKEN:FIRSTNAME}? Umfrage: {SURVEYNAME}. Menge { in Klammern }]]>",
        )
    )
    report, questions = _import(process, text.encode("utf-8"))
    shown = questions["since"]["text"]["de"]
    assert "{OLD_CODE1" not in shown and "{TOKEN" not in shown and "SURVEYNAME" not in shown
    assert "{ in Klammern }" in shown  # a brace with a space is plain text in LimeSurvey
    title = report.survey.title["de"] if isinstance(report.survey.title, dict) else ""
    assert not title or title in shown
    messages = [(w.question, w.message) for w in report.warnings]
    assert any(q == "since" and "{OLD_CODE1.shown}" in m for q, m in messages)
    assert any(q == "since" and "{TOKEN:FIRSTNAME}" in m for q, m in messages)


def test_quotas_and_default_answers_are_named_in_the_report(process):
    tables = (
        " <quota><fields><fieldname>id</fieldname><fieldname>name</fieldname></fields><rows>"
        "<row><id><![CDATA[1]]></id><name><![CDATA[Frauen 50]]></name></row>"
        "<row><id><![CDATA[2]]></id><name><![CDATA[Männer 50]]></name></row>"
        "</rows></quota>\n"
        " <defaultvalues><fields><fieldname>qid</fieldname></fields><rows>"
        "<row><qid><![CDATA[12]]></qid><defaultvalue><![CDATA[2015]]></defaultvalue></row>"
        "</rows></defaultvalues>\n"
    )
    report, _q = _import(process, _with(tables).encode("utf-8"))
    messages = [(w.question, w.message) for w in report.warnings]
    assert any("quotas" in m and "Frauen 50" in m and "Männer 50" in m for _q, m in messages)
    assert any(q == "since" and "default answer" in m for q, m in messages)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_lss_imports(process, encoding):
    text = NEW.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff".encode(encoding)) + data
    report, questions = _import(process, data)
    assert report.questions == len(questions) and "since" in questions
    assert questions["since"]["text"]["de"] == "Seit welchem Jahr?"
