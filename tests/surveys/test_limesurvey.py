"""LimeSurvey structure files (.lss): both layouts, type mapping, relevance translation, the
import report, and files that are not surveys."""

from pathlib import Path

import pytest
from django.utils import translation

from surveys import structure
from surveys.interchange import NotASurvey, limesurvey
from surveys.models import Survey
from surveys.services import interchange


@pytest.fixture(autouse=True)
def english():
    """The messages checked here are the English source strings."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"
OLD = FIXTURES / "limesurvey_v3_inline.lss"
NEW = FIXTURES / "limesurvey_v6_l10ns.lss"


@pytest.mark.django_db
@pytest.mark.parametrize("path", [OLD, NEW], ids=["inline-texts", "l10ns-tables"])
def test_both_formats_import_the_same_survey(process, path):
    report = interchange.survey_import(user=None, process=process, data=path.read_bytes())
    survey = report.survey
    assert report.format == "limesurvey"
    assert survey.title == {"de": "Bürgerbefragung 2025", "en": "Citizen survey 2025"}
    assert survey.languages == ["de", "en"] and survey.default_language == "de"
    assert survey.anonymised is True
    assert survey.thank_you == {"de": "Danke!", "en": "Thank you!"}
    assert survey.description["de"] == "Ihre Meinung zählt.\n\nWillkommen!"
    sections = structure.build(survey.current_version).definition()
    assert [s["code"] for s in sections] == ["g1", "g2"]
    assert sections[1]["relevant"] == "${lang} = 'A2' or selected(${topics}, 'SQ001')"
    questions = {q["code"]: q for s in sections for q in s["questions"]}
    types = {code: q["type"] for code, q in questions.items()}
    assert types == {
        "intro": "display",
        "lang": "single",
        "since": "integer",
        "topics": "multiple",
        "kids": "yes_no",
        "kidsn": "decimal",
        "sat": "rating",
        "grid": "matrix",
        "rank": "ranking",
        "comment": "long_text",
        "arrived": "date",
        "arr5": "matrix",
        "gender": "single",
        "zip": "text",
        "country": "single",
    }
    assert questions["intro"]["text"] == {"de": "Willkommen & danke!", "en": "Welcome & thanks!"}
    lang = questions["lang"]
    assert lang["required"] and lang["allow_other"]
    assert lang["hint"] == {"de": "Bitte eine wählen", "en": "Pick one"}
    assert [(c["code"], c["label"]["en"]) for c in lang["choices"]] == [
        ("A1", "German"),
        ("A2", "Ukrainian"),
    ]
    assert (questions["since"]["min_value"], questions["since"]["max_value"]) == (1950, 2025)
    assert questions["since"]["relevant"] == "${lang} = 'A2'"
    assert questions["topics"]["randomize_choices"]
    assert [c["label"]["de"] for c in questions["topics"]["choices"]] == ["Arbeit", "Schule"]
    assert questions["kidsn"]["relevant"] == "${kids} = 'yes' and not(${since} = '')"
    assert (questions["sat"]["scale_min"], questions["sat"]["scale_max"]) == (1, 5)
    assert [r["code"] for r in questions["grid"]["rows"]] == ["r1", "r2"]
    assert [c["code"] for c in questions["grid"]["choices"]] == ["g", "b"]
    assert [c["code"] for c in questions["rank"]["choices"]] == ["1", "2"]
    assert len(questions["arr5"]["choices"]) == 5
    assert questions["gender"]["choices"][0]["label"]["de"] == "Weiblich"
    assert questions["zip"]["max_length"] == 5
    assert questions["zip"]["relevant"] == "${sat} > 3 and ${gender} = 'F'"
    assert questions["country"]["widget"] == "dropdown"
    assert questions["country"]["relevant"] == "${lang} = 'other'"
    assert questions["comment"]["relevant"] == ""

    messages = {}
    for warning in report.warnings:
        messages.setdefault(warning.question, []).append(warning.message)
    # Numeric choice codes (the ranking's 1, 2) stay as they are: nothing to report for them.
    assert set(messages) == {"kids", "comment", "upload", "amounts", "zip", "score", "g3"}
    assert "count()" in messages["comment"][0]
    assert "file upload" in messages["upload"][0]
    assert (report.questions, report.sections) == (15, 2)


RELEVANCE_CASES = [
    ('Q1 == "A1"', "${Q1} = 'A1'"),
    ("Q1.NAOK == 'A1'", "${Q1} = 'A1'"),
    ('Q1 eq "A1" or Q1 ne "A2"', "${Q1} = 'A1' or ${Q1} != 'A2'"),
    ("N1 > 3 && N1 <= 10", "${N1} > 3 and ${N1} <= 10"),
    ("3 < N1", "${N1} > 3"),
    ("is_empty(Q1)", "${Q1} = ''"),
    ("!is_empty(Q1)", "not(${Q1} = '')"),
    (
        "not (Q1 == 'A1' || N1 >= 2) and Y1 == 'N'",
        "not((${Q1} = 'A1' or ${N1} >= 2)) and ${Y1} = 'no'",
    ),
    ("M1_SQ001 == 'Y'", "selected(${M1}, 'SQ001')"),
    ("M1_SQ002.NAOK != 'Y'", "not(selected(${M1}, 'SQ002'))"),
    ("is_empty(M1_SQ001)", "not(selected(${M1}, 'SQ001'))"),
    ("M1_SQ001", "selected(${M1}, 'SQ001')"),
    ("{N1 >= 18}", "${N1} >= 18"),
    ("1", ""),
    ("", ""),
]
UNTRANSLATABLE = [
    "count(M1_SQ001, M1_SQ002) > 1",
    "Q9 == 'A1'",
    "12345X1X2 == 'A1'",
    "Q1.shown == 'x'",
    "N1 + 1 > 3",
    "Q1 = 'A1'",
    "regexMatch('/x/', Q1)",
    "(Q1 == 'A1'",
]


@pytest.fixture
def context():
    ctx = limesurvey._Context()
    ctx.add({"code": "Q1", "type": "single", "choices": []})
    ctx.add({"code": "N1", "type": "integer"})
    ctx.add({"code": "Y1", "type": "yes_no"})
    ctx.add({"code": "M1", "type": "multiple", "choices": [{"code": "SQ001"}, {"code": "SQ002"}]})
    return ctx


@pytest.mark.parametrize(("source", "expected"), RELEVANCE_CASES)
def test_relevance_translation(context, source, expected):
    assert limesurvey.translate(source, context) == expected


@pytest.mark.parametrize("source", UNTRANSLATABLE)
def test_untranslatable_relevance_says_why(context, source):
    with pytest.raises(limesurvey.Untranslatable) as info:
        limesurvey.translate(source, context)
    assert str(info.value)


BROKEN = [
    (b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType><questions>", "well-formed"),
    (b"<?xml version='1.0'?><html><body>hello</body></html>", "LimeSurveyDocType"),
    (
        b"<document><LimeSurveyDocType>Question</LimeSurveyDocType></document>",
        "Question export",
    ),
    (
        b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType><languages>"
        b"<language>de</language></languages></document>",
        "no questions",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<document><LimeSurveyDocType>&x;</LimeSurveyDocType></document>",
        "XML",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "reason"), BROKEN)
def test_broken_or_foreign_xml_is_not_a_survey(process, data, reason):
    with pytest.raises(NotASurvey) as info:
        interchange.survey_import(user=None, process=process, data=data)
    assert reason in info.value.message
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_survey_whose_questions_all_fail_is_not_imported(process):
    data = NEW.read_bytes()
    # Only unsupported question types left: a clear error, nothing written.
    for qtype in ("X", "L", "N", "M", "Y", "5", "F", "R", "T", "D", "A", "G", "S", "!"):
        data = data.replace(
            f"<type><![CDATA[{qtype}]]></type>".encode(), b"<type><![CDATA[|]]></type>"
        )
    with pytest.raises(NotASurvey):
        interchange.survey_import(user=None, process=process, data=data)
    assert not Survey.objects.exists()
