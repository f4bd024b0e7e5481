"""The survey designer pages: create, edit, reorder, duplicate, translations, preview,
expression checks at design time, versioning and permission refusals."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from surveys import structure
from surveys.models import Choice, Question, Response, Section, Survey
from surveys.services import definition as defs
from surveys.services import responses as resp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    # Messages are checked in English, the source language.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield client
    # The locale middleware leaves the request's language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def draft(make_survey):
    return make_survey(status="draft")


def q(survey, code):
    survey.refresh_from_db()
    return Question.objects.get(version=survey.current_version, code=code)


def codes(section):
    return list(section.questions.order_by("order", "id").values_list("code", flat=True))


def test_staff_creates_survey_with_page_and_questions(staff_client, process):
    response = staff_client.post(
        reverse("surveys:survey_create"),
        {
            "process": process.pk,
            "title": "Bürgerbefragung",
            "languages": ["de", "en"],
            "default_language": "de",
            "access_mode": "public",
            "anonymised": "on",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:designer", args=[survey.pk])
    assert survey.languages == ["de", "en"] and survey.anonymised
    assert survey.title == {"de": "Bürgerbefragung"}

    response = staff_client.post(
        reverse("surveys:section_add", args=[survey.pk]),
        {"code": "p1", "title__de": "Start", "title__en": "Start", "relevant": ""},
    )
    assert response.status_code == 302
    section = Section.objects.get(version=survey.current_version)
    assert section.title == {"de": "Start", "en": "Start"}

    response = staff_client.post(
        reverse("surveys:question_add", args=[survey.pk, section.pk]),
        {"code": "age", "type": "integer", "text": "Wie alt sind Sie?", "choices": ""},
    )
    assert response.status_code == 302
    response = staff_client.post(
        reverse("surveys:question_add", args=[survey.pk, section.pk]),
        {
            "code": "lang",
            "type": "single",
            "text": "Sprache?",
            "choices": "de=Deutsch\nuk=Українська\nar",
        },
    )
    lang = q(survey, "lang")
    assert list(lang.choices.values_list("code", "label")) == [
        ("de", {"de": "Deutsch"}),
        ("uk", {"de": "Українська"}),
        ("ar", {"de": "ar"}),
    ]
    page = staff_client.get(reverse("surveys:designer", args=[survey.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Wie alt sind Sie?" in body and "lang" in body
    assert "version 1" in body.lower()


def test_question_edit_saves_translations_side_by_side(staff_client, draft):
    question = q(draft, "lang")
    url = reverse("surveys:question_edit", args=[draft.pk, question.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    # One input per language, each labelled.
    for code in ("de", "en", "ar"):
        assert f'name="text__{code}"' in body
    assert 'dir="rtl"' in body  # the Arabic column is right-to-left
    data = {
        "code": "lang",
        "type": "single",
        "section": "p1",
        "widget": "dropdown",
        "required": "on",
        "allow_other": "on",
        "text__de": "Welche Sprache?",
        "text__en": "Which language?",
        "text__ar": "أي لغة؟",
        "hint__en": "Pick one",
        "relevant": "",
        "constraint": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = q(draft, "lang")
    assert question.text == {"de": "Welche Sprache?", "en": "Which language?", "ar": "أي لغة؟"}
    assert question.hint == {"en": "Pick one"}
    assert question.widget == "dropdown"


@pytest.mark.parametrize(
    ("field", "source", "expected"),
    [
        ("relevant", "${lang} == 'uk'", "="),
        ("relevant", "${lang} = 'uk' and", "end of the condition"),
        ("relevant", "eval('x')", "Unknown function"),
        ("constraint", ". >= ", "Expected a value"),
        ("relevant", "${satisfaction} > 2", "${satisfaction}"),  # a later question
        ("relevant", "${nowhere} = 1", "${nowhere}"),  # an unknown question
    ],
)
def test_malformed_expressions_are_refused_at_design_time(
    staff_client, draft, field, source, expected
):
    question = q(draft, "uk_since")
    before = (question.relevant, question.constraint, draft.current_version.revision)
    url = reverse("surveys:question_edit", args=[draft.pk, question.pk])
    data = {
        "code": "uk_since",
        "type": "integer",
        "section": "p1",
        "widget": "radio",
        "text__de": "Seit wann?",
        "relevant": "${lang} = 'uk'",
        "constraint": "",
        field: source,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body
    assert expected in body.replace("&#x27;", "'").replace("&quot;", '"')
    question = q(draft, "uk_since")
    draft.current_version.refresh_from_db()
    assert (question.relevant, question.constraint, draft.current_version.revision) == before


def test_section_condition_is_checked(staff_client, draft):
    section = Section.objects.get(version=draft.current_version, code="p2")
    response = staff_client.post(
        reverse("surveys:section_edit", args=[draft.pk, section.pk]),
        {"code": "p2", "title__de": "Meinung", "relevant": "${grid} = 'x' or"},
    )
    assert response.status_code == 400
    assert Section.objects.get(pk=section.pk).relevant == ""


def test_reorder_duplicate_and_delete_questions(staff_client, draft):
    section = Section.objects.get(version=draft.current_version, code="p2")
    assert codes(section)[:2] == ["satisfaction", "grid"]
    action = lambda code: reverse("surveys:question_action", args=[draft.pk, q(draft, code).pk])  # noqa: E731
    assert staff_client.post(action("grid"), {"action": "up"}).status_code == 302
    assert codes(section)[:2] == ["grid", "satisfaction"]
    staff_client.post(action("grid"), {"action": "down"})
    assert codes(section)[:2] == ["satisfaction", "grid"]
    staff_client.post(action("rank"), {"action": "duplicate"})
    assert codes(section)[2:4] == ["rank", "rank_copy"]
    copy = q(draft, "rank_copy")
    assert list(copy.choices.values_list("code", flat=True)) == ["a", "b"]
    staff_client.post(action("rank_copy"), {"action": "delete", "confirmed": "yes"})
    assert "rank_copy" not in codes(section)


def test_deleting_a_question_used_in_a_condition_is_refused_with_a_message(staff_client, draft):
    url = reverse("surveys:question_action", args=[draft.pk, q(draft, "lang").pk])
    response = staff_client.post(url, {"action": "delete", "confirmed": "yes"}, follow=True)
    assert Question.objects.filter(version=draft.current_version, code="lang").exists()
    # The message names the condition that uses the question, and the question it refers to.
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert "questions.uk_since.relevant" in shown[0] and "${lang}" in shown[0]
    assert "sections.p3.relevant" in shown[0]
    assert shown[0] in html.unescape(response.content.decode())


def test_reorder_pages(staff_client, draft):
    p3 = Section.objects.get(version=draft.current_version, code="p3")
    url = reverse("surveys:section_action", args=[draft.pk, p3.pk])
    staff_client.post(url, {"action": "up"})
    order = list(
        Section.objects.filter(version=draft.current_version)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert order == ["p1", "p3", "p2"]


def test_choices_edit_add_reorder_duplicate_delete(staff_client, draft):
    question = q(draft, "topics")
    url = reverse("surveys:question_choices", args=[draft.pk, question.pk])
    choices = {c.code: c for c in question.choices.all()}
    data = {f"c{c.pk}-code": c.code for c in choices.values()} | {
        f"c{c.pk}-label-de": c.label.get("de", "") for c in choices.values()
    }
    data[f"c{choices['work'].pk}-label-en"] = "Work"
    data |= {"new-code": "health", "new-label-de": "Gesundheit", "new-label-en": "Health"}
    response = staff_client.post(url, data | {"action": "add-option"})
    assert response.status_code == 302
    question = q(draft, "topics")
    assert list(question.choices.order_by("order").values_list("code", flat=True)) == [
        "work",
        "school",
        "housing",
        "health",
    ]
    assert question.choices.get(code="work").label == {"de": "Arbeit", "en": "Work"}
    health = question.choices.get(code="health")
    staff_client.post(url, {"action": f"up:{health.pk}"})
    assert list(question.choices.order_by("order").values_list("code", flat=True))[2:] == [
        "health",
        "housing",
    ]
    staff_client.post(url, {"action": f"duplicate:{health.pk}"})
    assert question.choices.filter(code="health_copy").exists()
    staff_client.post(url, {"action": f"delete:{health.pk}"})
    assert not question.choices.filter(code="health").exists()
    # A duplicate choice code is refused with a message and changes nothing.
    school = question.choices.get(code="school")
    response = staff_client.post(
        url, {f"c{school.pk}-code": "work", f"c{school.pk}-label-de": "Schule"}, follow=True
    )
    assert question.choices.filter(code="school").exists()
    assert "Another choice of this question has this code." in response.content.decode()


def test_matrix_rows_can_be_added(staff_client, draft):
    grid = q(draft, "grid")
    url = reverse("surveys:question_choices", args=[draft.pk, grid.pk])
    staff_client.post(url, {"action": "add-row", "new-row-code": "r3", "new-row-label-de": "Ärzte"})
    assert grid.choices.filter(kind=Choice.Kind.ROW, code="r3").exists()
    assert not grid.choices.filter(kind=Choice.Kind.OPTION, code="r3").exists()


def test_settings_texts_per_language(staff_client, draft):
    url = reverse("surveys:survey_settings", args=[draft.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "languages": ["de", "en", "ar"],
            "default_language": "de",
            "access_mode": "public",
            "anonymised": "on",
            "title__de": "Neue Befragung",
            "title__en": "New survey",
            "title__ar": "استطلاع",
            "thank_you__en": "Thanks",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == {"de": "Neue Befragung", "en": "New survey", "ar": "استطلاع"}
    assert draft.thank_you == {"en": "Thanks"}
    # The default-language title is needed.
    response = staff_client.post(
        url,
        {
            "languages": ["de"],
            "default_language": "de",
            "access_mode": "public",
            "anonymised": "on",
            "title__de": "",
        },
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.title["de"] == "Neue Befragung"


def _hidden(body: str, code: str) -> bool:
    tag = re.search(r"<[^>]*data-code=\"" + code + r"\"[^>]*>", body)
    assert tag, code
    return " hidden" in tag.group(0)


def test_preview_in_any_language_stores_nothing_and_applies_conditions(staff_client, survey):
    url = reverse("surveys:preview", args=[survey.pk])
    page = staff_client.get(url, {"p:lang": "en", "p:section": "p1"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Language?" in body and "Sprache?" not in body
    # The respondents' question template is used: uk_since is there but hidden (shown live
    # with JavaScript) until its condition holds.
    assert _hidden(body, "uk_since")
    assert 'data-relevant="${lang} = &#x27;uk&#x27;"' in body
    # Answers use the respondents' field names (the question codes).
    body = staff_client.get(url, {"p:lang": "en", "p:section": "p1", "lang": "uk"}).content.decode()
    assert not _hidden(body, "uk_since")
    body = staff_client.get(url, {"p:lang": "ar", "p:section": "p1"}).content.decode()
    assert 'dir="rtl"' in body and "اللغة؟" in body
    # Next carries the answers of page 1 as hidden fields.
    page = staff_client.get(url, {"p:lang": "en", "p:section": "p1", "lang": "uk", "p:go": "next"})
    body = page.content.decode()
    assert page.context["section"].code == "p2"
    assert 'type="hidden" name="lang" value="uk"' in body
    # Page 3 is shown only if lang = 'uk'.
    page = staff_client.get(url, {"p:lang": "en", "p:section": "p3"})
    assert "respondents skip this page" in page.content.decode()
    page = staff_client.get(url, {"p:lang": "en", "p:section": "p3", "lang": "uk"})
    assert "respondents skip this page" not in page.content.decode()
    assert not _hidden(page.content.decode(), "uk_help")
    assert not Response.objects.exists()


def test_designer_pages_render_for_every_question_type(staff_client, survey):
    section = Section.objects.get(version=survey.current_version, code="p1")
    for url, field in [
        (reverse("surveys:survey_create"), "id_title"),
        (reverse("surveys:survey_import"), "id_file"),
        (reverse("surveys:survey_settings", args=[survey.pk]), "id_title__ar"),
        (reverse("surveys:section_add", args=[survey.pk]), "id_code"),
        (reverse("surveys:section_edit", args=[survey.pk, section.pk]), "id_title__en"),
        (reverse("surveys:question_add", args=[survey.pk, section.pk]), "id_code"),
    ]:
        page = staff_client.get(url)
        assert page.status_code == 200
        assert f'id="{field}"' in page.content.decode(), url
    for question in Question.objects.filter(version=survey.current_version):
        url = reverse("surveys:question_edit", args=[survey.pk, question.pk])
        assert staff_client.get(url).status_code == 200, question.type
    for section in Section.objects.filter(version=survey.current_version):
        page = staff_client.get(
            reverse("surveys:preview", args=[survey.pk]), {"section": section.code}
        )
        assert page.status_code == 200


def test_designer_page_query_count(staff_client, survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert staff_client.get(reverse("surveys:designer", args=[survey.pk])).status_code == 200


# --- versioning through the designer ------------------------------------------------------


def _real_response(survey):
    structure_ = structure.get(survey.current_version)
    response, _code = resp.response_start(survey=survey, language="de")
    resp.response_save_page(
        response=response, section_code="p1", data={"lang": "de", "resident": "yes"}, require=False
    )
    return response, structure_


def test_edit_after_a_real_response_creates_a_new_version(staff_client, survey):
    response, _structure = _real_response(survey)
    old_version = survey.current_version
    question = q(survey, "lang")
    page = staff_client.get(reverse("surveys:question_edit", args=[survey.pk, question.pk]))
    assert "version 1" in page.content.decode().lower()
    assert "Version 1 already has 1 response." in page.content.decode()
    url = reverse("surveys:question_choices", args=[survey.pk, question.pk])
    de = question.choices.get(code="de")
    result = staff_client.post(
        url,
        {
            f"c{de.pk}-code": "de",
            f"c{de.pk}-label-de": "Hochdeutsch",
            f"c{de.pk}-label-en": "German",
        },
        follow=True,
    )
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    assert "version 2" in result.content.decode().lower()
    # The old response keeps its version and its labels.
    response.refresh_from_db()
    assert response.version_id == old_version.pk
    old_choice = Choice.objects.get(question__version=old_version, question__code="lang", code="de")
    assert old_choice.label["de"] == "Deutsch"
    new_choice = Choice.objects.get(
        question__version=survey.current_version, question__code="lang", code="de"
    )
    assert new_choice.label["de"] == "Hochdeutsch"
    assert response.answers.filter(question__version=old_version, choice="de").exists()
    # The page opened before the change (old id) now edits the new version's question.
    page = staff_client.get(reverse("surveys:question_edit", args=[survey.pk, question.pk]))
    assert page.status_code == 302
    assert page["Location"].endswith(
        reverse("surveys:question_edit", args=[survey.pk, q(survey, "lang").pk])
    )
    # A second change stays in version 2.
    staff_client.post(
        reverse("surveys:question_action", args=[survey.pk, q(survey, "country").pk]),
        {"action": "duplicate"},
    )
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    assert not Question.objects.filter(version=old_version, code="country_copy").exists()


def test_test_responses_do_not_create_versions(staff_client, survey):
    response, _code = resp.response_start(survey=survey, language="de", is_test=True)
    resp.response_save_page(
        response=response, section_code="p1", data={"lang": "de"}, require=False
    )
    staff_client.post(
        reverse("surveys:question_action", args=[survey.pk, q(survey, "country").pk]),
        {"action": "duplicate"},
    )
    survey.refresh_from_db()
    assert survey.current_version.number == 1
    assert Response.objects.filter(is_test=True).count() == 1


# --- permissions --------------------------------------------------------------------------


def _designer_requests(survey):
    question = Question.objects.get(version=survey.current_version, code="lang")
    section = question.section
    return [
        ("get", reverse("surveys:designer", args=[survey.pk]), {}),
        ("get", reverse("surveys:survey_settings", args=[survey.pk]), {}),
        ("get", reverse("surveys:preview", args=[survey.pk]), {}),
        ("get", reverse("surveys:question_edit", args=[survey.pk, question.pk]), {}),
        (
            "post",
            reverse("surveys:question_action", args=[survey.pk, question.pk]),
            {"action": "duplicate"},
        ),
        (
            "post",
            reverse("surveys:section_action", args=[survey.pk, section.pk]),
            {"action": "down"},
        ),
        ("post", reverse("surveys:section_add", args=[survey.pk]), {"code": "x", "title__de": "X"}),
        (
            "post",
            reverse("surveys:question_add", args=[survey.pk, section.pk]),
            {"code": "x", "type": "text", "text": "X"},
        ),
        (
            "post",
            reverse("surveys:question_choices", args=[survey.pk, question.pk]),
            {"action": "add-option", "new-code": "x", "new-label-de": "X"},
        ),
        ("get", reverse("surveys:survey_export", args=[survey.pk]), {}),
    ]


@pytest.mark.parametrize("who", ["facilitator_user", "expert_user", "outsider", "anonymous"])
def test_designer_is_refused_to_everyone_but_staff(client, request, draft, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    revision = draft.current_version.revision
    for method, url, data in _designer_requests(draft):
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    draft.current_version.refresh_from_db()
    assert draft.current_version.revision == revision
    assert Question.objects.filter(version=draft.current_version).count() == 16
    assert not Question.objects.filter(code__in=["x", "lang_copy"]).exists()
    assert not Section.objects.filter(code="x").exists()


@pytest.mark.parametrize("who", ["facilitator_user", "expert_user", "outsider"])
def test_creating_surveys_is_refused_to_non_staff(client, request, process, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("surveys:survey_create"),
        {
            "process": process.pk,
            "title": "X",
            "languages": ["de"],
            "default_language": "de",
            "access_mode": "public",
        },
    )
    assert response.status_code in (400, 403)
    assert not Survey.objects.exists()


def test_staff_of_another_process_cannot_design(client, draft, make_member):
    from tests.factories import ProcessFactory

    other = make_member(ProcessFactory(), "staff")
    client.force_login(other)
    assert client.get(reverse("surveys:designer", args=[draft.pk])).status_code == 403
    response = client.post(
        reverse("surveys:survey_create"),
        {
            "process": draft.process_id,
            "title": "X",
            "languages": ["de"],
            "default_language": "de",
            "access_mode": "public",
        },
    )
    assert response.status_code == 400  # the process is not offered to them
    assert Survey.objects.count() == 1


def test_survey_create_bad_input(staff_client, process):
    response = staff_client.post(
        reverse("surveys:survey_create"),
        {
            "process": process.pk,
            "title": "",
            "languages": ["xx"],
            "default_language": "de",
            "access_mode": "public",
        },
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Survey.objects.exists()


def test_question_add_bad_code(staff_client, draft):
    section = Section.objects.get(version=draft.current_version, code="p1")
    response = staff_client.post(
        reverse("surveys:question_add", args=[draft.pk, section.pk]),
        {"code": "1 bad code", "type": "text", "text": "X"},
    )
    assert response.status_code == 400
    assert "1 bad code" in response.content.decode()
    response = staff_client.post(
        reverse("surveys:question_add", args=[draft.pk, section.pk]),
        {"code": "lang", "type": "text", "text": "X"},
    )
    assert response.status_code == 400
    assert Question.objects.filter(version=draft.current_version).count() == 16
    _ = defs  # the services are what the pages call


def test_question_moves_to_another_page(staff_client, draft):
    question = q(draft, "comment")
    response = staff_client.post(
        reverse("surveys:question_edit", args=[draft.pk, question.pk]),
        {
            "code": "comment",
            "type": "long_text",
            "section": "p3",
            "widget": "radio",
            "text__de": "Kommentar",
            "relevant": "",
            "constraint": "",
        },
    )
    assert response.status_code == 302
    assert codes(Section.objects.get(version=draft.current_version, code="p3")) == [
        "uk_help",
        "comment",
    ]
    assert "comment" not in codes(Section.objects.get(version=draft.current_version, code="p2"))


def test_edit_and_move_are_saved_together_or_not_at_all(staff_client, draft):
    """Moving "lang" behind the page whose condition asks it is refused: the text edited in
    the same form is not saved either, and nothing else changed."""
    question = q(draft, "lang")
    draft.current_version.refresh_from_db()
    before = (question.text, question.section.code, draft.current_version.revision)
    data = {
        "code": "lang",
        "type": "single",
        "section": "p3",
        "widget": "dropdown",
        "required": "on",
        "allow_other": "on",
        "text__de": "Welche Sprache sprechen Sie?",
        "relevant": "",
        "constraint": "",
    }
    url = reverse("surveys:question_edit", args=[draft.pk, question.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert "Welche Sprache sprechen Sie?" in response.content.decode()  # the input is kept
    question = q(draft, "lang")
    draft.current_version.refresh_from_db()
    assert (question.text, question.section.code, draft.current_version.revision) == before


def test_choice_edits_and_action_are_saved_together_or_not_at_all(staff_client, draft):
    question = q(draft, "topics")
    first, *_rest = list(question.choices.order_by("order", "id"))
    url = reverse("surveys:question_choices", args=[draft.pk, question.pk])
    # A renamed choice and an unknown choice to delete: neither is saved.
    response = staff_client.post(
        url, {f"c{first.pk}-code": "renamed", "action": "delete:999999999"}
    )
    assert response.status_code == 404
    assert question.choices.filter(code=first.code).exists()
    assert not question.choices.filter(code="renamed").exists()
