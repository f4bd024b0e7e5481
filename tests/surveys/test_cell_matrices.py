"""Matrices of cells (a number or a short text per row and column): LimeSurvey's arrays of
numbers and texts import as them, respondents fill them in on the page and through the API,
results count them per cell (incremental equals rebuild), exports name one column per cell, and
XLSForm writes and reads them back."""

import io
import random
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.interchange import limesurvey
from surveys.models import Answer, Question, Response
from surveys.question_types.base import SampleTexts
from surveys.results import aggregation
from surveys.results.reports import question_result
from surveys.services import definition as defs
from surveys.services import interchange
from surveys.services.responses import response_submit
from tests.surveys.conftest import PRIVACY_NOTICE
from tests.surveys.test_field_files import a, lss, q
from tests.surveys.test_results_aggregation import snapshot

pytestmark = pytest.mark.django_db

HOURS = {"kita": {"mo": 4, "di": "2,5"}, "schule": {"mo": 6, "di": 0}}


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def arrays_lss() -> bytes:
    return lss(
        q(1, "hours", ":", "Stunden pro Woche", 1)
        + q(2, "notes", ";", "Anmerkungen", 2)
        + q(3, "ages", "K", "Alter der Kinder", 3),
        subquestions=q(11, "kita", "T", "Kita", 1, parent=1)
        + q(12, "schule", "T", "Schule", 2, parent=1)
        + q(13, "mo", "T", "Montag", 1, parent=1, scale=1)
        + q(14, "di", "T", "Dienstag", 2, parent=1, scale=1)
        + q(21, "a", "T", "Angebot", 1, parent=2)
        + q(22, "x", "T", "Kommentar", 1, parent=2, scale=1)
        + q(23, "y", "T", "Wunsch", 2, parent=2, scale=1)
        + q(31, "k1", "T", "Erstes Kind", 1, parent=3)
        + q(32, "k2", "T", "Zweites Kind", 2, parent=3),
        answers=a(99, "unused", "nicht benutzt"),
        attributes="<row><qid>1</qid><attribute>multiflexible_max</attribute><value>60</value></row>"
        "<row><qid>1</qid><attribute>multiflexible_min</attribute><value>0</value></row>",
    )


def test_limesurvey_arrays_of_numbers_and_texts_import_as_matrices():
    parsed = limesurvey.parse(arrays_lss())
    questions = parsed.definition["sections"][0]["questions"]
    assert [(x["code"], x["type"]) for x in questions] == [
        ("hours", "matrix_number"),
        ("notes", "matrix_text"),
        ("ages_k1", "decimal"),  # the multiple numerical input stays one question per item
        ("ages_k2", "decimal"),
    ]
    hours, notes = questions[0], questions[1]
    assert [r["code"] for r in hours["rows"]] == ["kita", "schule"]
    assert [c["code"] for c in hours["choices"]] == ["mo", "di"]
    assert hours["text"]["de"] == "Stunden pro Woche"
    assert (hours["min_value"], hours["max_value"]) == (0, 60)
    assert [c["code"] for c in notes["choices"]] == ["x", "y"]
    assert not any(w.question in ("hours", "notes") for w in parsed.warnings)


def test_a_checkbox_array_becomes_numbers_zero_and_one_with_a_warning():
    data = lss(
        q(1, "days", ":", "Tage", 1),
        subquestions=q(11, "kita", "T", "Kita", 1, parent=1)
        + q(13, "mo", "T", "Montag", 1, parent=1, scale=1),
        attributes="<row><qid>1</qid><attribute>multiflexible_checkbox</attribute><value>1</value></row>",
    )
    parsed = limesurvey.parse(data)
    (days,) = parsed.definition["sections"][0]["questions"]
    assert days["type"] == "matrix_number"
    assert (days["min_value"], days["max_value"]) == (0, 1)
    assert any(w.question == "days" and "0" in w.message for w in parsed.warnings)


@pytest.fixture
def survey(process):
    definition = limesurvey.parse(arrays_lss()).definition
    definition["privacy_notice"] = PRIVACY_NOTICE
    definition["access_mode"] = "public"
    return defs.survey_create_from_definition(
        user=None, process=process, definition=definition, status="open"
    )


def _submit(survey, answers):
    return response_submit(
        survey=survey, client_id=uuid.uuid4(), answers=answers, language="de"
    ).response


def test_answers_are_stored_per_cell_and_refused_with_the_cell_named(survey):
    response = _submit(survey, {"hours": HOURS, "notes": {"a": {"x": "Mehr Plätze"}}})
    rows = set(
        Answer.objects.filter(response=response, question__code="hours").values_list(
            "row", "choice", "value_number"
        )
    )
    assert rows == {
        ("kita", "mo", 4),
        ("kita", "di", 2.5),
        ("schule", "mo", 6),
        ("schule", "di", 0),
    }
    assert Answer.objects.get(response=response, question__code="notes").value_text == "Mehr Plätze"

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _submit(survey, {"hours": {"kita": {"mo": 61}}})
    (message,) = caught.value.message_dict["answers.hours"]
    assert "Kita – Montag" in message and "60" in message
    with pytest.raises(ValidationError) as caught:
        _submit(survey, {"hours": {"kita": {"mo": "viele"}}})
    assert "Kita – Montag" in caught.value.message_dict["answers.hours"][0]
    with pytest.raises(ValidationError):
        _submit(survey, {"hours": {"hort": {"mo": 1}}})  # not a row
    assert Response.objects.filter(status="complete").count() == 1


def test_the_answering_page_shows_one_labelled_input_per_cell_and_keeps_them(client, survey):
    started = client.post(
        reverse("surveys:respond_public", args=[survey.public_id]), {"consent": "yes"}
    )
    page_url = started["Location"]
    body = client.get(page_url).content.decode()
    assert 'name="hours__kita__mo"' in body and 'name="notes__a__y"' in body
    assert 'inputmode="decimal"' in body
    assert '<label for="q-hours-r0-0">' in body  # every cell has its own label
    posted = client.post(
        page_url,
        {
            "hours__kita__mo": "3",
            "hours__kita__di": "abc",
            "notes__a__x": "Mehr Plätze",
            "shown": "hours notes ages_k1 ages_k2",
        },
    )
    body = posted.content.decode()
    assert posted.status_code == 400
    assert "Kita – Dienstag" in body  # the error names the cell
    assert 'value="abc"' in body and 'value="Mehr Plätze"' in body  # nothing typed is lost
    done = client.post(
        page_url,
        {
            "hours__kita__mo": "3",
            "hours__kita__di": "1,5",
            "notes__a__x": "Mehr Plätze",
            "shown": "hours notes ages_k1 ages_k2",
        },
    )
    assert done.status_code == 302
    stored = dict(
        Answer.objects.filter(question__code="hours").values_list("choice", "value_number")
    )
    assert stored == {"mo": 3, "di": 1.5}


def test_incremental_results_equal_a_rebuild_and_report_each_cell(survey):
    rng = random.Random(5)
    version = survey.current_version
    structure_questions = {x.code: x for x in version.questions.all()}
    assert structure_questions["hours"].type == Question.Type.MATRIX_NUMBER
    from surveys.structure import get as structure_of

    structure = structure_of(version)
    hours = structure.questions["hours"]
    notes = structure.questions["notes"]
    responses = []
    for _ in range(30):
        answers = {"hours": hours.qtype.sample_answer(hours, rng, SampleTexts())}
        if rng.random() < 0.5:
            answers["notes"] = notes.qtype.sample_answer(notes, rng, SampleTexts())
        responses.append(_submit(survey, answers))
    for response in responses:
        aggregation.results_add_response(response_id=response.pk)
    incremental = snapshot(version.pk)
    assert aggregation.results_rebuild(version_id=version.pk) == 30
    assert snapshot(version.pk) == incremental

    result = question_result(version, "hours", suppress=False)
    assert result["kind"] == "cells" and result["numeric"]
    assert [c["code"] for c in result["columns"]] == ["mo", "di"]
    kita_mo = result["cells"][0]["cells"][0]
    stored = [
        v
        for v in Answer.objects.filter(question__code="hours", row="kita", choice="mo").values_list(
            "value_number", flat=True
        )
    ]
    assert kita_mo["n"] == len(stored) == 30
    assert kita_mo["mean"] == pytest.approx(sum(stored) / len(stored))
    texts = question_result(version, "notes", suppress=False)
    assert texts["kind"] == "cells" and not texts["numeric"]
    assert (
        texts["cells"][0]["cells"][0]["n"]
        == Answer.objects.filter(question__code="notes", row="a", choice="x").count()
    )


def test_exports_have_one_column_per_cell(survey):
    from surveys.results.exports import header, layout

    _submit(survey, {"hours": HOURS})
    version = survey.current_version
    from surveys.structure import get as structure_of

    columns = header(layout(survey, structure_of(version)), labels=False)
    assert {"hours_kita_mo", "hours_kita_di", "hours_schule_mo", "hours_schule_di"} <= set(columns)
    assert "notes_a_x" in columns

    out = io.StringIO()
    from surveys.results.exports import write_csv

    write_csv(survey, out, labels=False)
    import csv

    head, row = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))[:2]
    assert row[head.index("hours_kita_di")] == "2.5"
    assert row[head.index("hours_schule_di")] == "0"


def test_xlsform_writes_a_group_that_pyxform_accepts_and_reads_it_back(survey, process):
    from pyxform.xls2xform import convert

    exported = interchange.survey_xlsform(survey=survey)
    result = convert(io.BytesIO(exported), warnings=[], file_type=".xlsx")
    assert "hours_kita_mo" in result.xform and "notes_a_y" in result.xform
    again = interchange.survey_import(user=None, process=process, data=exported).survey
    hours = again.current_version.questions.get(code="hours")
    assert hours.type == Question.Type.MATRIX_NUMBER
    assert (hours.min_value, hours.max_value) == (0, 60)
    rows = list(hours.choices.filter(kind="row").values_list("code", flat=True))
    columns = list(hours.choices.filter(kind="option").values_list("code", flat=True))
    assert (rows, columns) == (["kita", "schule"], ["mo", "di"])
    assert again.current_version.questions.get(code="notes").type == Question.Type.MATRIX_TEXT
    assert not Response.objects.filter(survey=again).exists()
