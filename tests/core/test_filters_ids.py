"""Ids in a filter's query string that no column can hold are a wrong choice, not an error."""

import pytest
from django.urls import reverse

from participation.models import ProcessMembership
from tests.factories import ProcessFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"processes": "20926564546027264143261696"},
        {"processes": ["614", "-99999999999999999999999"]},
        {"organisation": "99999999999999999999999999"},
    ],
)
def test_an_impossible_id_in_a_filter_is_refused_with_400(client, query):
    process = ProcessFactory()
    user = UserFactory()
    ProcessMembership.objects.create(process=process, user=user, role="staff")
    client.force_login(user)
    response = client.get(reverse("api:person-list"), query)
    assert response.status_code == 400
    field = next(iter(query))
    assert field in str(response.json())


@pytest.mark.django_db
def test_a_possible_id_still_filters(client):
    process = ProcessFactory()
    user = UserFactory()
    ProcessMembership.objects.create(process=process, user=user, role="staff")
    client.force_login(user)
    response = client.get(reverse("api:person-list"), {"processes": str(process.pk)})
    assert response.status_code == 200
