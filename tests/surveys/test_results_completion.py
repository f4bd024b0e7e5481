"""A completed response is recorded for counting by an explicit call of the results service, in
the results outbox of the same transaction: through the pages and the API alike, never by a
model signal; test responses and unfinished ones are not counted."""

import pytest
from django.db.models.signals import post_save

from surveys.models import Response
from surveys.results.models import ResultPending
from surveys.services import responses as services
from tests.surveys.test_api import WHOLE, submit
from tests.surveys.test_respond import P1, P2, page_url, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued():
    """The responses waiting in the results outbox (the test transaction never commits, so
    nothing drains them here)."""
    return lambda: list(ResultPending.objects.values_list("response_id", flat=True))


def test_no_model_signal_counts_responses():
    assert not post_save.has_listeners(Response)


def test_page_completion_queues_the_count_once(client, survey, queued):
    start(client, survey)
    client.post(page_url(survey, "p1"), P1)
    client.post(page_url(survey, "p2"), P2)
    assert queued() == []  # pages in progress are not counted
    client.post(page_url(survey, "p3"), {"uk_help": "yes"})
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE and queued() == [response.pk]
    client.post(page_url(survey, "p3"), {"uk_help": "yes"})  # a double submit
    assert queued() == [response.pk]


def test_api_completion_queues_the_count_once(api_client, survey, queued):
    first = submit(api_client, survey, WHOLE, client_id="00000000-0000-4000-8000-000000000001")
    assert first.status_code == 201, first.content
    response = Response.objects.get()
    assert queued() == [response.pk]
    retry = submit(api_client, survey, WHOLE, client_id="00000000-0000-4000-8000-000000000001")
    assert retry.status_code == 200 and queued() == [response.pk]


def test_api_page_by_page_counts_on_completion(api_client, survey, queued):
    client_id = "00000000-0000-4000-8000-000000000002"
    pages = {
        "p1": ("lang", "uk_since", "topics", "topics_other", "resident"),
        "p2": ("satisfaction", "grid", "rank", "share", "zip", "arrived"),
        "p3": ("uk_help",),
    }
    statuses = []
    for section, codes in pages.items():
        reply = submit(
            api_client,
            survey,
            {code: WHOLE[code] for code in codes},
            client_id=client_id,
            section=section,
            complete=section == "p3",
        )
        statuses.append(reply.status_code)
        if section != "p3":
            assert queued() == [], section
    assert statuses == [201, 200, 200]
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE and queued() == [response.pk]


def test_test_responses_are_not_counted(survey, queued):
    response, _code = services.response_start(survey=survey, language="de", is_test=True)
    for section in ("p1", "p2", "p3"):
        services.response_save_page(
            response=response,
            section_code=section,
            data={**P1, **P2, "uk_help": "yes"},
            require=False,
        )
    services.response_complete(response=response)
    assert Response.objects.get().status == Response.Status.COMPLETE and queued() == []
