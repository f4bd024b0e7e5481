import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from surveys import structure
from surveys.models import Choice, Question, Response, Section, Survey
from surveys.services import definition as defs
from surveys.services import responses as resp
from tests.surveys.conftest import PRIVACY_NOTICE, all_types_definition

pytestmark = pytest.mark.django_db


def test_definition_creates_every_question_type(survey):
    version = survey.current_version
    types = set(Question.objects.filter(version=version).values_list("type", flat=True))
    assert types == set(Question.Type.values)
    assert Section.objects.filter(version=version).count() == 3
    assert Choice.objects.filter(question__code="grid", kind="row").count() == 2
    assert survey.status == Survey.Status.OPEN
    # The structure round-trips through the definition format.
    sections = structure.get(version).definition()
    assert [s["code"] for s in sections] == ["p1", "p2", "p3"]
    again = defs.survey_create_from_definition(
        user=None,
        process=survey.process,
        definition={**all_types_definition(), "sections": sections},
    )
    assert structure.get(again.current_version).definition() == sections


def test_malformed_condition_is_refused_at_design_time(process):
    definition = all_types_definition()
    definition["sections"][0]["questions"][2]["relevant"] = "${lang} == 'uk'"
    with pytest.raises(ValidationError) as info:
        defs.survey_create_from_definition(user=None, process=process, definition=definition)
    assert "questions.uk_since.relevant" in info.value.message_dict
    assert not Survey.objects.exists()


def test_condition_on_later_question_is_refused(survey, staff_user):
    question = Question.objects.get(version=survey.current_version, code="lang")
    with pytest.raises(ValidationError) as info:
        defs.question_update(question=question, user=staff_user, relevant="${satisfaction} > 2")
    assert "questions.lang.relevant" in info.value.message_dict
    assert "${satisfaction}" in str(info.value)


def test_moving_question_before_its_condition_source_is_refused(survey, staff_user):
    question = Question.objects.get(version=survey.current_version, code="uk_since")
    with pytest.raises(ValidationError):
        defs.question_move(question=question, user=staff_user, position=0)


def test_permission_is_checked(survey, facilitator_user, outsider):
    question = Question.objects.get(version=survey.current_version, code="lang")
    for user in (facilitator_user, outsider):
        with pytest.raises(PermissionDenied):
            defs.question_update(question=question, user=user, required=False)


def test_changes_after_real_responses_create_a_new_version(survey, staff_user):
    old_version = survey.current_version
    old_question = Question.objects.get(version=old_version, code="lang")
    # Editing before any response changes in place.
    same = defs.question_update(question=old_question, user=staff_user, hint={"de": "Hinweis"})
    assert same.pk == old_question.pk
    resp.response_submit(
        survey=survey,
        client_id="6f1c8a4e-9d7b-4c1a-8e2f-000000000001",
        answers={"lang": "de", "satisfaction": 4},
        language="de",
    )
    new_question = defs.question_update(
        question=old_question, user=staff_user, text={"de": "Welche Sprache sprechen Sie?"}
    )
    survey.refresh_from_db()
    assert new_question.pk != old_question.pk
    assert survey.current_version.number == 2
    old_question.refresh_from_db()
    assert old_question.text["de"] == "Sprache?"  # nothing answered is re-labelled
    assert Response.objects.get().version == old_version
    # Further edits stay in version 2 until it has responses of its own.
    defs.choice_create(question=new_question, user=staff_user, code="ar", label="Arabisch")
    survey.refresh_from_db()
    assert survey.current_version.number == 2
    assert Choice.objects.filter(question__version=old_version, question__code="lang").count() == 2


def test_duplicate_move_and_delete(survey, staff_user):
    section = Section.objects.get(version=survey.current_version, code="p2")
    question = Question.objects.get(version=survey.current_version, code="rank")
    copy = defs.question_duplicate(question=question, user=staff_user)
    assert copy.code == "rank_copy" and copy.choices.count() == 2
    codes = list(section.questions.order_by("order").values_list("code", flat=True))
    assert codes.index("rank_copy") == codes.index("rank") + 1
    defs.question_move(question=copy, user=staff_user, position=0)
    assert section.questions.order_by("order").first().code == "rank_copy"
    choice = copy.choices.get(code="a")
    dup = defs.choice_duplicate(choice=choice, user=staff_user)
    assert dup.code == "a_copy"
    defs.choice_move(choice=dup, user=staff_user, position=0)
    assert copy.choices.order_by("order").first().code == "a_copy"
    defs.question_delete(question=copy, user=staff_user)
    assert not Question.objects.filter(code="rank_copy").exists()
    lang = Question.objects.get(version=survey.current_version, code="lang")
    with pytest.raises(ValidationError):  # uk_since and page p3 depend on it
        defs.question_delete(question=lang, user=staff_user)


def test_opening_requires_choices(process, staff_user):
    survey = defs.survey_create(
        user=staff_user,
        process=process,
        title="Leer",
        languages=["de"],
        privacy_notice=PRIVACY_NOTICE,
    )
    with pytest.raises(ValidationError):
        defs.survey_transition(survey=survey, user=staff_user, to="open")
    section = defs.section_create(survey=survey, user=staff_user, code="s1", title="Seite")
    question = defs.question_create(
        section=section, user=staff_user, code="q1", type="single", text="Frage?"
    )
    with pytest.raises(ValidationError) as info:
        defs.survey_transition(survey=survey, user=staff_user, to="open")
    assert "questions.q1.choices" in info.value.message_dict
    defs.choice_create(question=question, user=staff_user, code="a", label="A")
    assert defs.survey_transition(survey=survey, user=staff_user, to="open").status == "open"
    with pytest.raises(ValidationError):
        defs.survey_transition(survey=survey, user=staff_user, to="draft")


def test_bad_survey_settings(process, staff_user):
    with pytest.raises(ValidationError) as info:
        defs.survey_create(user=staff_user, process=process, title="X", languages=["xx"])
    assert "languages" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        defs.survey_create(
            user=staff_user, process=process, title={"en": "Only English"}, languages=["de", "en"]
        )
    assert "title" in info.value.message_dict
    with pytest.raises(ValidationError):
        defs.survey_create(
            user=staff_user,
            process=process,
            title="X",
            languages=["de"],
            default_language="de",
            bogus=1,
        )


def test_anonymised_cannot_change_after_responses(survey, staff_user):
    resp.response_submit(
        survey=survey,
        client_id="6f1c8a4e-9d7b-4c1a-8e2f-000000000002",
        answers={"lang": "de", "satisfaction": 2},
    )
    with pytest.raises(ValidationError) as info:
        defs.survey_update(survey=survey, user=staff_user, anonymised=False)
    assert "anonymised" in info.value.message_dict


def test_bad_code_and_pattern(survey, staff_user):
    section = Section.objects.get(version=survey.current_version, code="p1")
    with pytest.raises(ValidationError) as info:
        defs.question_create(section=section, user=staff_user, code="1 bad", type="text", text="x")
    assert "code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        defs.question_create(
            section=section, user=staff_user, code="ok", type="text", text="x", pattern="(["
        )
    assert "pattern" in info.value.message_dict
