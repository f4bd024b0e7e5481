"""XLSForms that pyxform accepts import: a plain question named ``<q>_other``, ``rank … or_other``,
two notes of the same name, ODK's regex syntax, a plain label column beside ``label::French``,
numeric choice codes."""

import pytest
from django.utils import translation

from surveys import structure
from surveys.services import interchange
from tests.surveys.test_xlsform import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _import(process, survey_rows, choices_rows=None, settings_rows=None):
    data = workbook(survey_rows, choices_rows, settings_rows)
    report = interchange.survey_import(user=None, process=process, data=data)
    survey = report.survey
    questions = {
        q["code"]: q
        for s in structure.build(survey.current_version).definition()
        for q in s["questions"]
    }
    warnings = [w.message for w in report.warnings]
    return questions, warnings


def test_a_plain_question_named_like_an_other_text_stays_a_question(process):
    questions, _w = _import(
        process,
        [
            ("type", "name", "label"),
            ("select_one origin", "origin", "Herkunft"),
            ("text", "origin_other", "Weitere Herkunft (freiwillig)"),
            ("integer", "members", "Mitglieder"),
        ],
        [("list_name", "name", "label"), ("origin", "eu", "EU"), ("origin", "non_eu", "Nicht-EU")],
    )
    assert list(questions) == ["origin", "origin_other", "members"]
    assert questions["origin"]["allow_other"] is False
    assert questions["origin_other"]["type"] == "text"


def test_a_real_or_other_companion_is_still_folded(process):
    questions, _w = _import(
        process,
        [
            ("type", "name", "label"),
            ("select_one origin or_other", "origin", "Herkunft"),
            ("text", "origin_other", "Welche?"),
        ],
        [("list_name", "name", "label"), ("origin", "eu", "EU")],
    )
    assert list(questions) == ["origin"] and questions["origin"]["allow_other"] is True


def test_rank_or_other(process):
    questions, warnings = _import(
        process,
        [("type", "name", "label"), ("rank needs or_other", "needs", "Was ist wichtig?")],
        [("list_name", "name", "label"), ("needs", "work", "Arbeit"), ("needs", "flat", "Wohnung")],
    )
    assert [c["code"] for c in questions["needs"]["choices"]] == ["work", "flat", "other"]
    assert questions["needs_other"]["type"] == "text"
    assert any("needs_other" in w for w in warnings)


def test_two_notes_with_the_same_name_get_unique_codes(process):
    questions, warnings = _import(
        process,
        [
            ("type", "name", "label"),
            ("begin_group", "a", "Teil A"),
            ("note", "info", "Hinweis A"),
            ("text", "qa", "Frage A"),
            ("end_group", "", ""),
            ("begin_group", "b", "Teil B"),
            ("note", "info", "Hinweis B"),
            ("text", "qb", "Frage B"),
            ("end_group", "", ""),
        ],
    )
    assert {"info", "info_2"} <= set(questions)
    assert questions["info_2"]["text"]["de"] == "Hinweis B"
    assert any("info_2" in w for w in warnings)


def test_odk_regex_is_translated(process):
    questions, warnings = _import(
        process,
        [
            ("type", "name", "label", "constraint"),
            ("text", "mail", "E-Mail", r"regex(., '^[\w-\.]+@[\w-]+\.[a-z]{2,}$')"),
            ("text", "odd", "Code", r"regex(., '(?<!x')"),
        ],
    )
    assert questions["mail"]["pattern"] == r"^[\w\-\.]+@[\w\-]+\.[a-z]{2,}$"
    assert questions["odd"].get("pattern", "") == "" and questions["odd"]["constraint"] == ""
    assert any("cannot be checked" in w for w in warnings)


def test_plain_label_beside_a_language_column_keeps_its_texts(process):
    questions, warnings = _import(
        process,
        [
            ("type", "name", "label", "label::French"),
            ("text", "city", "Wohnort", "Ville"),
        ],
    )
    assert questions["city"]["text"] == {"de": "Wohnort", "fr": "Ville"}
    assert any("without a language" in w for w in warnings)


def test_numeric_choice_codes_stay(process):
    questions, warnings = _import(
        process,
        [
            ("type", "name", "label", "relevant"),
            ("select_one yn", "ok", "Zufrieden?", ""),
            ("text", "why", "Warum nicht?", "${ok} = '2'"),
        ],
        [("list_name", "name", "label"), ("yn", "1", "Ja"), ("yn", "2", "Nein")],
    )
    assert [c["code"] for c in questions["ok"]["choices"]] == ["1", "2"]
    assert questions["why"]["relevant"] == "${ok} = '2'"
    assert not any("renamed" in w for w in warnings)
