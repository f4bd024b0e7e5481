"""Survey files as written in the field: XLSForm cascading selects and metadata, LimeSurvey
duplicate codes, ranking and dual-scale arrays."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from surveys import choice_filters
from surveys.interchange import limesurvey
from surveys.models import Answer, Response
from surveys.services import interchange
from tests.surveys.test_xlsform import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def cascading_form() -> bytes:
    """The pyxform cascading-select pattern: state → county → city, with a county name
    ("king") that exists in two states (allow_choice_duplicates)."""
    return workbook(
        [
            ("type", "name", "label", "choice_filter"),
            ("start", "start", "", ""),
            ("end", "end", "", ""),
            ("today", "today", "", ""),
            ("select_one states", "state", "State", ""),
            ("select_one counties", "county", "County", "state=${state}"),
            ("select_one cities", "city", "City", "state=${state} and county=${county}"),
        ],
        [
            ("list_name", "name", "label", "state", "county"),
            ("states", "texas", "Texas", "", ""),
            ("states", "washington", "Washington", "", ""),
            ("counties", "brewster", "Brewster", "texas", ""),
            ("counties", "king", "King", "texas", ""),
            ("counties", "king", "King", "washington", ""),
            ("counties", "pierce", "Pierce", "washington", ""),
            ("cities", "dumont", "Dumont", "texas", "king"),
            ("cities", "finney", "Finney", "texas", "king"),
            ("cities", "brewster", "Brewster", "texas", "brewster"),
            ("cities", "seattle", "Seattle", "washington", "king"),
            ("cities", "tacoma", "Tacoma", "washington", "pierce"),
        ],
        settings_rows=[
            ("form_title", "default_language", "allow_choice_duplicates"),
            ("Cascade", "English (en)", "yes"),
        ],
    )


def test_cascading_selects_import_with_duplicate_names(process):
    report = interchange.survey_import(user=None, process=process, data=cascading_form())
    survey = report.survey
    questions = {q.code: q for q in survey.current_version.questions.all()}
    assert set(questions) == {"state", "county", "city"}  # start, end, today are no questions
    assert not any("start" in str(w) or "metadata" in str(w) for w in report.warnings)
    county = questions["county"]
    assert county.choice_filter == "state=${state}"
    king = county.choices.get(code="king")
    assert king.filter_values == [{"state": "texas"}, {"state": "washington"}]
    assert questions["city"].choices.get(code="seattle").filter_values == [
        {"state": "washington", "county": "king"}
    ]


def test_choice_filter_parsing():
    assert choice_filters.parse("state=${state} and county = ${county}") == [
        ("state", "question", "state"),
        ("county", "question", "county"),
    ]
    assert choice_filters.parse("${state} = state") == [("state", "question", "state")]
    assert choice_filters.parse("kind='city'") == [("kind", "literal", "city")]
    with pytest.raises(ValueError):
        choice_filters.parse("selected(${a}, b) or c > 2")
    conditions = choice_filters.parse("state=${state}")
    assert choice_filters.matches([{"state": "texas"}], conditions, {"state": "texas"})
    assert not choice_filters.matches([{"state": "texas"}], conditions, {"state": "washington"})
    assert choice_filters.matches([{"state": "texas"}], conditions, {})  # not answered yet


def _open(survey):
    from surveys.services import definition as defs

    defs.survey_transition(survey=survey, user=None, to="open")
    survey.refresh_from_db()
    return survey


def _page_options(body: str, name: str) -> dict[str, bool]:
    """Option code → visible, for the select or radios named ``name``."""
    found = {}
    for match in re.finditer(r'<(?:option|label)[^>]*data-filter="[^"]*"[^>]*>', body):
        tag = match.group(0)
        rest = body[match.end() : match.end() + 400]
        value = re.search(r'value="([^"]+)"', tag) or re.search(
            r'name="' + name + r'" value="([^"]+)"', rest
        )
        if value and (f'name="{name}"' in rest or tag.startswith("<option")):
            found[value.group(1)] = " hidden" not in tag
    return found


def test_answering_without_javascript_offers_the_fitting_choices(client, process):
    report = interchange.survey_import(user=None, process=process, data=cascading_form())
    survey = report.survey
    survey.access_mode = "public"
    survey.save()
    survey = _open(survey)
    start = reverse("surveys:respond_public", args=[survey.public_id])
    client.post(start, {"consent": "yes"})
    page = reverse(
        "surveys:respond_page",
        args=[survey.public_id, survey.current_version.sections.first().code],
    )
    body = client.get(page).content.decode()
    assert 'data-choice-filter="' in body
    # a city of the wrong county is refused with a message, nothing is stored
    refused = client.post(page, {"state": "washington", "county": "pierce", "city": "seattle"})
    assert refused.status_code in (200, 400)
    text = refused.content.decode()
    assert "does not fit the earlier answer" in text
    assert not Answer.objects.filter(question__code="city").exists()
    # the page now hides, without JavaScript, what does not fit the answers given
    assert re.search(r'<label class="choice" for="[^"]+" data-filter="[^"]*"[^>]*hidden', text)
    done = client.post(page, {"state": "washington", "county": "king", "city": "seattle"})
    assert done.status_code == 302
    response = Response.objects.get()
    assert {a.question.code for a in Answer.objects.filter(response=response)} >= {
        "state",
        "county",
        "city",
    }


def test_repeat_questions_get_a_message_each(process):
    data = workbook(
        [
            ("type", "name", "label"),
            ("begin repeat", "children", "Children"),
            ("text", "child_name", "Name"),
            ("integer", "child_age", "Age"),
            ("end repeat", "", ""),
            ("text", "after", "After"),
        ]
    )
    report = interchange.survey_import(user=None, process=process, data=data)
    messages = {w["question"]: w["message"] for w in [w.as_dict() for w in report.warnings]}
    assert "repeat children" in messages["child_name"] and "asked once" in messages["child_age"]
    assert "after" not in messages


# --- LimeSurvey -------------------------------------------------------------------------------

LSS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>366</DBVersion>
<languages><language>de</language><language>sv</language></languages>
<surveys><rows><row><sid>1</sid><language>de</language>
<additional_languages>sv</additional_languages><anonymized>N</anonymized></row></rows></surveys>
<surveys_languagesettings><rows>
<row><surveyls_survey_id>1</surveyls_survey_id><surveyls_language>de</surveyls_language>
<surveyls_title>Test</surveyls_title></row>
<row><surveyls_survey_id>1</surveyls_survey_id><surveyls_language>sv</surveyls_language>
<surveyls_title>Test sv</surveyls_title></row>
</rows></surveys_languagesettings>
<groups><rows><row><gid>1</gid><sid>1</sid><group_order>0</group_order><language>de</language>
<group_name>Seite</group_name></row></rows></groups>
"""


def lss(questions: str, subquestions: str = "", answers: str = "", attributes: str = "") -> bytes:
    return (
        LSS_HEAD
        + f"<questions><rows>{questions}</rows></questions>"
        + f"<subquestions><rows>{subquestions}</rows></subquestions>"
        + f"<answers><rows>{answers}</rows></answers>"
        + f"<question_attributes><rows>{attributes}</rows></question_attributes>"
        + "</document>"
    ).encode()


def q(qid, title, kind, text, order=1, parent=0, scale=0, language="de"):
    return (
        f"<row><qid>{qid}</qid><parent_qid>{parent}</parent_qid><sid>1</sid><gid>1</gid>"
        f"<type>{kind}</type><title>{title}</title><question>{text}</question>"
        f"<mandatory>N</mandatory><question_order>{order}</question_order>"
        f"<scale_id>{scale}</scale_id><language>{language}</language></row>"
    )


def a(qid, code, text, order=1, scale=0, language="de"):
    return (
        f"<row><qid>{qid}</qid><code>{code}</code><answer>{text}</answer>"
        f"<sortorder>{order}</sortorder><scale_id>{scale}</scale_id><language>{language}</language></row>"
    )


def test_duplicate_question_codes_are_made_unique_with_a_warning():
    data = lss(q(1, "age", "N", "Alter", 1) + q(2, "age", "N", "Alter des Kindes", 2))
    parsed = limesurvey.parse(data)
    codes = [x["code"] for x in parsed.definition["sections"][0]["questions"]]
    assert codes == ["age", "age_2"]
    assert any(
        "age" in w.message and "age_2" in w.message and w.question == "age_2"
        for w in parsed.warnings
    )


def test_ranking_classic_and_with_items_as_subquestions():
    data = lss(
        q(1, "rank1", "R", "Ordnen Sie", 1) + q(2, "rank2", "R", "Ordnen Sie auch", 2),
        subquestions=q(21, "x1", "T", "Sprache", 1, parent=2)
        + q(22, "x2", "T", "Arbeit", 2, parent=2),
        answers=a(1, "A1", "Wohnen", 1) + a(1, "A2", "Schule", 2),
    )
    parsed = limesurvey.parse(data)
    questions = parsed.definition["sections"][0]["questions"]
    assert [(x["code"], x["type"]) for x in questions] == [
        ("rank1", "ranking"),
        ("rank2", "ranking"),
    ]
    assert [c["code"] for c in questions[1]["choices"]] == ["x1", "x2"]


def test_dual_scale_array_keeps_both_scales():
    data = lss(
        q(1, "dual", "1", "Wie wichtig, wie zufrieden?", 1),
        subquestions=q(11, "r1", "T", "Kita", 1, parent=1)
        + q(12, "r2", "T", "Schule", 2, parent=1),
        answers=a(1, "i1", "wichtig", 1, 0)
        + a(1, "i2", "unwichtig", 2, 0)
        + a(1, "z1", "zufrieden", 1, 1)
        + a(1, "z2", "unzufrieden", 2, 1),
        attributes=(
            "<row><qid>1</qid><attribute>dualscale_headerA</attribute><value>Wichtigkeit</value></row>"
            "<row><qid>1</qid><attribute>dualscale_headerB</attribute><value>Zufriedenheit</value></row>"
        ),
    )
    parsed = limesurvey.parse(data)
    first, second = parsed.definition["sections"][0]["questions"]
    assert (first["code"], second["code"]) == ("dual", "dual_2")
    assert [c["code"] for c in first["choices"]] == ["i1", "i2"]
    assert [c["code"] for c in second["choices"]] == ["z1", "z2"]
    assert first["rows"] == second["rows"]
    assert "Wichtigkeit" in first["text"]["de"] and "Zufriedenheit" in second["text"]["de"]


def test_limesurvey_texts_in_swedish_are_kept():
    data = lss(q(1, "name", "S", "Name", 1) + q(1, "name", "S", "Namn", 1, language="sv"))
    parsed = limesurvey.parse(data)
    assert parsed.definition["languages"] == ["de", "sv"]
    question = parsed.definition["sections"][0]["questions"][0]
    assert question["text"] == {"de": "Name", "sv": "Namn"}


def test_cascading_selects_survive_an_xlsform_round_trip(process):
    from pyxform.xls2xform import convert

    first = interchange.survey_import(user=None, process=process, data=cascading_form()).survey
    exported = interchange.survey_xlsform(survey=first)
    import io

    result = convert(io.BytesIO(exported), warnings=[], file_type=".xlsx")
    assert "<itemset" in result.xform and "/data/page1/state" in result.xform
    again = interchange.survey_import(user=None, process=process, data=exported).survey
    county = again.current_version.questions.get(code="county")
    assert county.choice_filter == "state=${state}"
    assert county.choices.get(code="king").filter_values == [
        {"state": "texas"},
        {"state": "washington"},
    ]
