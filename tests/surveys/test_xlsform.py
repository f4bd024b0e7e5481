"""XLSForm import and export: round trip of every question type, mapping of real-world forms,
the import report, not-a-survey files, the web pages and their permissions."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pyxform.xls2xform import convert

from participation.models import TargetGroup
from surveys import structure
from surveys.interchange import NotASurvey, xlsform
from surveys.models import Question, Survey
from surveys.services import interchange
from tests.surveys.conftest import all_types_definition


@pytest.fixture(autouse=True)
def english():
    """The messages checked here are the English source strings."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def workbook(survey_rows, choices_rows=None, settings_rows=None, extra_sheets=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey_rows:
        sheet.append(list(row))
    if choices_rows is not None:
        choices = book.create_sheet("choices")
        for row in choices_rows:
            choices.append(list(row))
    if settings_rows is not None:
        settings = book.create_sheet("settings")
        for row in settings_rows:
            settings.append(list(row))
    for name, rows in extra_sheets:
        extra = book.create_sheet(name)
        for row in rows:
            extra.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_workbook(*sheets) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def definition_of(survey: Survey) -> list[dict]:
    return structure.build(survey.current_version).definition()


def test_every_question_type_round_trips(survey, process):
    data = interchange.survey_xlsform(survey=survey)
    # pyxform, the reference implementation, converts the export to an XForm.
    warnings: list[str] = []
    result = convert(io.BytesIO(data), warnings=warnings, file_type=".xlsx")
    assert "<h:html" in result.xform
    assert '/p1/uk_since"' in result.xform
    report = interchange.survey_import(user=None, process=process, data=data)
    assert report.warnings == []
    again = report.survey
    assert definition_of(again) == definition_of(survey)
    assert {q["type"] for s in definition_of(again) for q in s["questions"]} == set(
        Question.Type.values
    )
    for name in ("title", "languages", "default_language", "access_mode", "anonymised"):
        assert getattr(again, name) == getattr(survey, name), name
    assert again.privacy_notice == survey.privacy_notice
    assert again.status == Survey.Status.DRAFT
    assert (report.questions, report.sections) == (16, 3)


def test_round_trip_keeps_target_groups(process):
    group = TargetGroup.objects.first() or TargetGroup.objects.create(code="tg", label="TG")
    definition = all_types_definition()
    definition["sections"][0]["questions"][1]["is_target_group_question"] = True
    definition["sections"][0]["questions"][1]["choices"][0]["target_group"] = group.code
    from surveys.services import definition as defs

    survey = defs.survey_create_from_definition(user=None, process=process, definition=definition)
    report = interchange.survey_import(
        user=None, process=process, data=interchange.survey_xlsform(survey=survey)
    )
    assert definition_of(report.survey) == definition_of(survey)


KOBO_SURVEY = [
    (
        "type",
        "name",
        "label::Deutsch (de)",
        "label::English (en)",
        "hint::English (en)",
        "relevant",
        "constraint",
        "constraint_message::English (en)",
        "required",
        "appearance",
        "calculation",
    ),
    ("start", "start", None, None, None, None, None, None, None, None, None),
    (
        "text",
        "name",
        "Ihr Name",
        "Your name",
        "First name",
        None,
        "regex(., '^[A-Z].*')",
        "Capital first",
        "yes",
        None,
        None,
    ),
    (
        "begin group",
        "about",
        "Über Sie",
        "About you",
        None,
        None,
        None,
        None,
        None,
        "field-list",
        None,
    ),
    (
        "integer",
        "age",
        "Alter",
        "Age",
        None,
        None,
        ". >= 0 and . <= 120",
        "0-120",
        "true",
        None,
        None,
    ),
    (
        "select_one yn",
        "has_kids",
        "Kinder?",
        "Children?",
        None,
        "${age} >= 18",
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "begin group",
        "kids",
        "Kinder",
        "Children",
        None,
        "${has_kids} = 'yes'",
        None,
        None,
        None,
        None,
        None,
    ),
    ("integer", "kids_n", "Wie viele?", "How many?", None, None, None, None, None, None, None),
    ("end group", None, None, None, None, None, None, None, None, None, None),
    (
        "select_multiple topics",
        "topics",
        "Themen",
        "Topics",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "text",
        "topics_other",
        "Andere",
        "Other",
        None,
        "selected(${topics}, 'other')",
        None,
        None,
        None,
        None,
        None,
    ),
    ("end group", None, None, None, None, None, None, None, None, None, None),
    ("geopoint", "where", "Wo?", "Where?", None, None, None, None, None, None, None),
    ("calculate", "score", None, None, None, None, None, None, None, None, "${age} * 2"),
    ("select_one lvl", "level", "Niveau", "Level", None, None, None, None, None, "minimal", None),
    (
        "select_one five",
        "happy",
        "Glücklich?",
        "Happy?",
        None,
        None,
        None,
        None,
        None,
        "likert",
        None,
    ),
    (
        "text",
        "comment",
        "Kommentar",
        "Comment",
        None,
        "string-length(${name}) > 3",
        None,
        None,
        None,
        "multiline",
        None,
    ),
    ("note", "bye", "Danke", "Thanks", None, "${level} = '2'", None, None, None, None, None),
    ("date", "when", "Wann?", "When?", None, None, ". <= today()", None, None, None, None),
    ("begin repeat", "members", "Mitglieder", "Members", None, None, None, None, None, None, None),
    ("text", "member_name", "Name", "Name", None, None, None, None, None, None, None),
    ("end repeat", None, None, None, None, None, None, None, None, None, None),
    ("decimal", "income", "Einkommen", "Income", None, None, None, None, "maybe", None, None),
]
KOBO_CHOICES = [
    ("list_name", "name", "label::Deutsch (de)", "label::English (en)", "label::Klingon (tlh)"),
    ("yn", "yes", "Ja", "Yes", "HIja'"),
    ("yn", "no", "Nein", "No", "ghobe'"),
    ("topics", "work", "Arbeit", "Work", None),
    ("topics", "school", "Schule", "School", None),
    ("topics", "other", "Anderes", "Other", None),
    ("lvl", "1", "Anfänger", "Beginner", None),
    ("lvl", "2", "Fortgeschritten", "Advanced", None),
    ("five", "1", "gar nicht", "not at all", None),
    ("five", "2", "2", "2", None),
    ("five", "3", "3", "3", None),
    ("five", "4", "4", "4", None),
    ("five", "5", "sehr", "very", None),
]
KOBO_SETTINGS = [("form_title", "form_id", "default_language"), ("Haushalte", "hh", "Deutsch (de)")]


def kobo_form() -> bytes:
    return workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)


def test_import_maps_a_real_world_form_and_reports_the_rest(process):
    report = interchange.survey_import(user=None, process=process, data=kobo_form())
    survey = report.survey
    assert survey.title == {"de": "Haushalte"}
    assert survey.languages == ["de", "en"]
    sections = definition_of(survey)
    assert [s["code"] for s in sections] == ["page1", "about", "page3"]
    assert sections[1]["title"] == {"de": "Über Sie", "en": "About you"}
    questions = {q["code"]: q for s in sections for q in s["questions"]}
    assert list(questions) == [
        "name", "age", "has_kids", "kids_n", "topics", "level", "happy", "comment", "bye", "when",
        "member_name", "income",
    ]  # fmt: skip
    name = questions["name"]
    assert name["text"] == {"de": "Ihr Name", "en": "Your name"}
    assert name["hint"] == {"en": "First name"}
    assert name["required"] is True
    assert name["pattern"] == "^[A-Z].*" and name["constraint"] == ""
    assert name["validation_message"] == {"en": "Capital first"}
    assert questions["age"]["constraint"] == ". >= 0 and . <= 120"
    assert questions["has_kids"]["relevant"] == "${age} >= 18"
    assert questions["has_kids"]["type"] == "single"
    # The nested group's condition is kept on its question.
    assert questions["kids_n"]["relevant"] == "${has_kids} = 'yes'"
    # "other" choice + topics_other text became "other, please specify".
    assert questions["topics"]["allow_other"] is True
    assert [c["code"] for c in questions["topics"]["choices"]] == ["work", "school"]
    assert questions["level"]["widget"] == "dropdown"
    # Numeric choice codes stay as they are: data collected with the form still matches.
    assert [c["code"] for c in questions["level"]["choices"]] == ["1", "2"]
    assert questions["bye"]["relevant"] == "${level} = '2'"
    assert questions["happy"]["type"] == "rating"
    assert (questions["happy"]["scale_min"], questions["happy"]["scale_max"]) == (1, 5)
    assert questions["happy"]["scale_max_label"] == {"de": "sehr", "en": "very"}
    assert questions["comment"]["type"] == "long_text"
    assert questions["comment"]["relevant"] == ""
    assert questions["when"]["constraint"] == ""
    assert questions["income"]["required"] is False

    warnings = {(w.question, w.message.split(" ")[0]) for w in report.warnings}
    by_question = {}
    for w in report.warnings:
        by_question.setdefault(w.question, []).append(w.message)
    # "level" has numeric choice codes, which stay as they are: nothing to report for it.
    for code in ("where", "score", "comment", "when", "members", "kids", "income", "member_name"):
        assert code in by_question, (code, warnings)
    # start, end, today are what every response records: no warning for them
    assert "start" not in by_question
    assert any("Klingon" in m for m in by_question[""])
    assert by_question["score"] == [
        "The question type calculate is not supported; the question was skipped."
    ]
    assert any("string-length" in m for m in by_question["comment"])
    assert any("today" in m for m in by_question["when"])
    assert any("maybe" in m for m in by_question["income"])


def test_form_without_groups_or_languages(process):
    data = workbook(
        [
            ("type", "name", "label", "required"),
            ("select_one yes_no", "good_day", "have you had a good day today?", "yes"),
            ("text", "why", "Why?", None),
        ],
        [("list name", "name", "label"), ("yes_or_no", "yes", "yes")],
    )
    report = interchange.survey_import(user=None, process=process, data=data)
    # The choice list name does not match: that question is skipped and reported; the
    # language of the texts was assumed, and that is reported too.
    assert [w.question for w in report.warnings] == ["", "good_day"]
    assert "German" in report.warnings[0].message
    assert report.questions == 1
    assert report.survey.languages == ["de"]
    assert definition_of(report.survey)[0]["questions"][0]["text"] == {"de": "Why?"}


CSV_FORM = (
    "survey,,,,\n"
    ",type,name,label::English (en),relevant\n"
    ",select one from yn or specify other,kids,Children?,\n"
    ",q int,kids_n,How many?,${kids} = 'yes'\n"
    ",add note prompt,bye,Thanks!,\n"
    "choices,,,,\n"
    ",list name,name,label::English (en),\n"
    ",yn,yes,Yes,\n"
    ",yn,no,No,\n"
)


def test_xlsform_saved_as_csv_and_type_aliases(process):
    report = interchange.survey_import(user=None, process=process, data=CSV_FORM.encode())
    assert report.warnings == []
    questions = definition_of(report.survey)[0]["questions"]
    assert [(q["code"], q["type"]) for q in questions] == [
        ("kids", "single"),
        ("kids_n", "integer"),
        ("bye", "display"),
    ]
    assert questions[0]["allow_other"] is True
    assert questions[1]["relevant"] == "${kids} = 'yes'"
    assert report.survey.languages == ["en"]


def test_rejects_an_invalid_survey_with_nothing_written(process):
    # Two questions with one name: the definition service refuses it, naming the question.
    data = workbook(
        [
            ("type", "name", "label"),
            ("text", "a", "A"),
            ("text", "a", "A again"),
        ]
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        interchange.survey_import(user=None, process=process, data=data)
    assert "questions.a.code" in info.value.message_dict
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02 random bytes \xff\xfe" * 20, "neither"),
        (b"name,email\nAda,ada@example.org\n", "neither"),
        (b"", "empty"),
        (
            plain_workbook(("Daten", [("type", "name"), ("text", "a")]), ("Mehr", [("x",)])),
            "no sheet named 'survey'",
        ),
        (workbook([("question", "label"), ("q1", "Q1")]), "'type' and 'name'"),
        (workbook([("type", "name", "label")]), "no questions"),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_not_a_survey_gives_a_clear_error_and_writes_nothing(process, data, reason):
    with pytest.raises(NotASurvey) as info:
        interchange.survey_import(user=None, process=process, data=data)
    assert reason in info.value.message
    assert not Survey.objects.exists()


def test_xlsform_reader_is_pure(survey):
    """The reader needs no database: a parsed export equals the structure definition."""
    data = interchange.survey_xlsform(survey=survey)
    parsed = xlsform.parse(data)
    assert parsed.format == "xlsform"
    assert [s["code"] for s in parsed.definition["sections"]] == ["p1", "p2", "p3"]


# --- web pages ------------------------------------------------------------------------------


def test_upload_page_shows_the_report(client, staff_user, process):
    client.force_login(staff_user)
    url = reverse("surveys:survey_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("kobo.xlsx", kobo_form())
    response = client.post(url, {"process": process.pk, "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    survey = Survey.objects.get()
    assert reverse("surveys:designer", args=[survey.pk]) in body
    assert "geopoint" in body and "where" in body  # the report lists the skipped question


def test_upload_page_rejects_a_non_survey(client, staff_user, process):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("people.csv", b"name,email\nAda,ada@example.org\n")
    response = client.post(
        reverse("surveys:survey_import"), {"process": process.pk, "file": upload}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert "LimeSurvey" in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("who", ["facilitator_user", "expert_user", "outsider", "anonymous"])
def test_import_and_export_are_refused_to_non_staff(client, request, process, survey, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    upload = SimpleUploadedFile("kobo.xlsx", kobo_form())
    response = client.post(
        reverse("surveys:survey_import"), {"process": process.pk, "file": upload}
    )
    export = client.get(reverse("surveys:survey_export", args=[survey.pk]))
    if who == "anonymous":
        assert response.status_code == 302 and export.status_code == 302
    else:
        assert response.status_code in (400, 403)
        assert export.status_code == 403
    assert Survey.objects.count() == 1


def test_export_download(client, staff_user, survey):
    client.force_login(staff_user)
    response = client.get(reverse("surveys:survey_export", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "testbefragung-v1.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in next(book["survey"].iter_rows(max_row=1))]
    assert "label::Deutsch (de)" in header and "label::English (en)" in header
    assert "label::العربية (ar)" in header
