import pytest

from surveys.models import Answer, Choice, Invitation, Question, Response, Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys_are_seeded_once(demo_db):
    from participation import demo as participation_demo
    from surveys import demo

    counts = (
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Invitation.objects.count(),
    )
    demo.seed(participation_demo.seed())
    assert (
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Invitation.objects.count(),
    ) == counts
    resident = Survey.objects.get(title__de=demo.RESIDENT_TITLE)
    expert = Survey.objects.get(title__de=demo.EXPERT_TITLE)
    assert resident.languages == ["de", "en", "uk", "ar", "tr"] and resident.anonymised
    assert resident.access_mode == "public" and expert.access_mode == "invitation"
    assert Question.objects.filter(version=resident.current_version).count() >= 28
    assert (
        Question.objects.filter(version=expert.current_version).exclude(type="display").count()
        >= 24
    )
    assert resident.responses.count() >= 300 and expert.responses.count() >= 40
    # The anonymised survey's responses keep no link; the expert ones carry attributes.
    assert not resident.responses.filter(invitation__isnull=False).exists()
    assert expert.responses.filter(invitation__isnull=False).count() == expert.responses.count()
    tg = Question.objects.get(version=resident.current_version, is_target_group_question=True)
    mapped = Choice.objects.filter(question=tg, target_group__isnull=False)
    assert set(mapped.values_list("target_group__code", flat=True)) == {
        "immigrants",
        "cse-europe",
        "protection-2015",
        "ukraine",
    }
    # Hidden questions were not stored: nobody born in Germany has an arrival year.
    born_here = Answer.objects.filter(question__code="born_abroad", choice="no").values("response")
    assert not Answer.objects.filter(question__code="arrival_year", response__in=born_here).exists()
    assert set(resident.responses.values_list("language", flat=True)) == set(resident.languages)
