"""Results pages: who sees what, stable addresses, suppression for non-staff, public page,
free texts and tagging."""

import html

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from participation.models import FieldOfAction
from surveys.models import Answer
from surveys.results import aggregation
from surveys.results.models import FreeTextTag, ResultsPublication
from tests.surveys.results_helpers import submit_random


@pytest.fixture
def counted(survey):
    for response in submit_random(survey, 30, seed=2):
        aggregation.results_add_response(response_id=response.pk)
    aggregation.results_refresh_funnel(version_id=survey.current_version_id)
    return survey


def dashboard_url(survey, by=""):
    url = reverse("surveys:results_dashboard", args=[survey.pk, survey.current_version.number])
    return f"{url}?by={by}" if by else url


def _cross_tables(value):
    """Every cross table in a results context (questions, and matrix rows)."""
    if isinstance(value, dict):
        if "chi2_applicable" in value:
            yield value
        for item in value.values():
            yield from _cross_tables(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cross_tables(item)


@pytest.mark.django_db
def test_staff_sees_exact_results(client, counted, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    response = client.get(reverse("surveys:results", args=[counted.pk]))
    assert response.status_code == 302
    with django_assert_max_num_queries(60):
        response = client.get(dashboard_url(counted))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'class="results-question"' in body
    assert response.context["suppress"] is False
    response = client.get(dashboard_url(counted, "q:lang"))
    assert response.status_code == 200
    # Every cross table states its chi-square test: the figures where it applies, else why not.
    crosses = list(_cross_tables(response.context["results"]))
    assert crosses
    body = html.unescape(response.content.decode())
    applicable = [c for c in crosses if c["chi2_applicable"]]
    assert body.count("χ² = ") == len(applicable)
    with translation.override("de"):
        not_applicable = gettext(
            "Chi-square test: not applicable (expected counts below 5, hidden cells or too few "
            "groups)."
        )
    assert body.count(not_applicable) == len(crosses) - len(applicable)


@pytest.mark.django_db
def test_facilitator_sees_suppressed_results(client, counted, facilitator_user):
    client.force_login(facilitator_user)
    response = client.get(dashboard_url(counted, "q:lang"))
    assert response.status_code == 200
    assert response.context["suppress"] is True
    # Free texts and exports need the raw-data right.
    version = counted.current_version.number
    url = reverse("surveys:results_free_texts", args=[counted.pk, version, "comment"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("surveys:results_exports", args=[counted.pk])).status_code == 403


@pytest.mark.django_db
def test_refusals(client, counted, outsider, expert_user):
    url = dashboard_url(counted)
    assert client.get(url).status_code == 302  # to the login
    for user in (outsider, expert_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(reverse("surveys:results_rebuild", args=[counted.pk])).status_code == 403
        assert (
            client.post(reverse("surveys:results_publication", args=[counted.pk]), {"public": "1"})
        ).status_code == 403


@pytest.mark.django_db
def test_question_address_and_bad_input(client, counted, staff_user):
    client.force_login(staff_user)
    version = counted.current_version.number
    url = reverse("surveys:results_question", args=[counted.pk, version, "satisfaction"])
    response = client.get(url + "?by=q:lang")
    assert response.status_code == 200
    assert response.context["result"]["groups"]
    assert client.get(url + "?by=nonsense").status_code == 404
    bad = reverse("surveys:results_question", args=[counted.pk, version, "nope"])
    assert client.get(bad).status_code == 404
    assert (
        client.get(reverse("surveys:results_dashboard", args=[counted.pk, 99])).status_code == 404
    )


@pytest.mark.django_db
def test_public_page_only_when_enabled_and_suppressed(client, counted, staff_user):
    url = reverse("surveys:results_public", args=[counted.public_id])
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    response = client.post(
        reverse("surveys:results_publication", args=[counted.pk]), {"public": "1"}
    )
    assert response.status_code == 302
    assert ResultsPublication.objects.get(survey=counted).public is True
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["suppress"] is True
    for result in response.context["results"]:
        for choice in result.get("choices", []):
            assert choice["count"] is None or choice["count"] == 0 or choice["count"] >= 5


@pytest.mark.django_db
def test_free_texts_list_filter_and_tag(client, counted, staff_user):
    client.force_login(staff_user)
    field = FieldOfAction.objects.create(code="test-results-field", name="Testfeld")
    version = counted.current_version.number
    url = reverse("surveys:results_free_texts", args=[counted.pk, version, "comment"])
    response = client.get(url + "?q=kurse")
    assert response.status_code == 200
    texts = [a.value_text for a in response.context["page"]]
    assert texts and all("Kurse" in t for t in texts)
    answer = Answer.objects.filter(question__code="comment").first()
    tag_url = reverse("surveys:results_tag", args=[counted.pk, answer.pk])
    response = client.post(tag_url, {f"a{answer.pk}-fields_of_action": [field.pk], "next": url})
    assert response.status_code == 302 and response["Location"] == url
    # A "next" that leaves the site (//host is scheme-relative) falls back to the list.
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            tag_url, {f"a{answer.pk}-fields_of_action": [field.pk], "next": evil}
        )
        assert response["Location"] == url, evil
    tag = FreeTextTag.objects.get(answer=answer)
    assert list(tag.fields_of_action.all()) == [field]
    response = client.get(url + f"?field={field.code}")
    assert [a.pk for a in response.context["page"]] == [answer.pk]
    # Bad input: an unknown field of action writes nothing.
    client.post(tag_url, {f"a{answer.pk}-fields_of_action": [99999], "next": url})
    assert list(tag.fields_of_action.all()) == [field]


@pytest.mark.django_db
def test_free_texts_of_small_groups_are_never_shown(client, counted, staff_user):
    client.force_login(staff_user)
    version = counted.current_version.number
    url = reverse("surveys:results_free_texts", args=[counted.pk, version, "comment"])
    response = client.get(url + "?by=q:lang&group=zz")
    assert response.context["small_group"] is True
    assert list(response.context["page"]) == []


def test_tag_and_statement_are_saved_together_or_not_at_all(
    client, counted, staff_user, monkeypatch
):
    from django.core.exceptions import ValidationError

    from surveys.results import services as results_services

    def refuse(**kwargs):
        raise ValidationError("The input pool refuses this text.")

    monkeypatch.setattr(results_services, "statement_create", refuse)
    client.force_login(staff_user)
    field = FieldOfAction.objects.create(code="test-results-field", name="Testfeld")
    answer = Answer.objects.filter(question__code="comment").first()
    tag_url = reverse("surveys:results_tag", args=[counted.pk, answer.pk])
    response = client.post(
        tag_url,
        {f"a{answer.pk}-fields_of_action": [field.pk], f"a{answer.pk}-to_statement": "on"},
        follow=True,
    )
    assert "The input pool refuses this text." in response.content.decode()
    assert not FreeTextTag.objects.filter(answer=answer).exists()


@pytest.mark.django_db
def test_free_text_to_statement(counted, staff_user):
    from participation.models import Statement
    from surveys.results.services import free_text_to_statement

    answer = Answer.objects.filter(question__code="comment").first()
    statement_id = free_text_to_statement(answer=answer, user=staff_user, kind="need")
    assert FreeTextTag.objects.get(answer=answer).statement_id == statement_id
    assert free_text_to_statement(answer=answer, user=staff_user) == statement_id
    statement = Statement.objects.get(pk=statement_id)
    assert statement.kind == "need" and statement.text == answer.value_text
    assert statement.source == answer and answer.question.code in statement.source_label
    assert statement.author == staff_user
