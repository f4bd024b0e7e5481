"""A Statement made of a free-text answer links back to that answer."""

import pytest
from django.urls import reverse

from surveys.models import Answer
from tests.surveys.test_results_views import counted  # noqa: F401  (fixture)


@pytest.mark.django_db
def test_statement_source_leads_to_the_answer(client, counted, staff_user):  # noqa: F811
    from surveys.results.services import free_text_to_statement

    answers = Answer.objects.filter(question__code="comment").exclude(value_text="")
    answer = answers.first()
    statement_id = free_text_to_statement(answer=answer, user=staff_user, kind="need")
    client.force_login(staff_user)
    response = client.get(reverse("participation:statement_source", args=[statement_id]))
    assert response.status_code == 302
    target = response["Location"]
    assert f"?answer={answer.pk}#answer-{answer.pk}" in target
    page = client.get(target).content.decode()
    assert f'id="answer-{answer.pk}"' in page
    others = [a for a in answers if a.pk != answer.pk and a.value_text not in answer.value_text]
    assert others and f'id="answer-{others[0].pk}"' not in page  # narrowed to the one answer
