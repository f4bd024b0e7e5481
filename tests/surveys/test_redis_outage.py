"""All of Redis unreachable (the usual single-Redis deployment losing Redis): the rate limits
fall back to a per-process count and say so in the log, the public survey keeps accepting
responses, /healthz names what is down, and the API keeps its JSON error shape."""

import logging
import uuid

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from kombu.exceptions import OperationalError

from config import api as api_errors
from core import ratelimit
from core.cache import redis_unreachable
from surveys.models import Response
from surveys.results import tasks
from surveys.results.models import ResultPending
from tests.surveys.test_api import WHOLE, submit
from tests.surveys.test_respond import P1, P2, page_url, start

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": CLOSED}}
    settings.REDIS_URL = CLOSED

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.drain_results, "apply_async", refuse)
    yield
    cache.clear()


def test_rate_limit_counts_per_process_while_redis_is_down(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        results = [ratelimit.exceeded("s", "1.2.3.4", 2, 60) for _ in range(4)]
    assert results == [False, False, True, True]
    assert ratelimit.hits("s", "1.2.3.4", 60) == 4
    assert redis_unreachable()
    warnings = [r for r in caplog.records if "Redis is unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not once per request


def test_cache_tries_redis_again_after_the_pause(redis_down):
    cache.set("k", 1)
    assert redis_unreachable()
    cache._down_until = 0  # the pause is over: the next call asks Redis again (and fails)
    assert not redis_unreachable()
    assert cache.get("k") == 1  # answered by the fallback after the new failure
    assert redis_unreachable()


@pytest.mark.django_db(transaction=True)
def test_public_survey_accepts_pages_while_redis_is_down(client, survey, redis_down):
    start(client, survey)
    client.post(page_url(survey, "p1"), P1)
    client.post(page_url(survey, "p2"), P2)
    last = client.post(page_url(survey, "p3"), {"uk_help": "yes"}, follow=True)
    assert last.status_code == 200
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE
    assert ResultPending.objects.filter(response=response).exists()


@pytest.mark.django_db(transaction=True)
def test_api_submit_is_accepted_and_throttled_per_process_while_redis_is_down(
    api_client, survey, redis_down, settings
):
    reply = submit(api_client, survey, WHOLE, client_id=str(uuid.uuid4()))
    assert reply.status_code == 201, reply.content
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_healthz_names_broker_and_cache_when_redis_is_down(client, redis_down):
    reply = client.get("/healthz")
    assert reply.status_code == 503
    body = reply.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("fail") and body["checks"]["cache"].startswith(
        "fail"
    )
    assert body["down"] == ["broker", "cache"]
    assert body["results_outbox"] == {"pending": 0, "oldest_seconds": 0}


@pytest.mark.django_db
def test_healthz_reports_the_results_backlog(client, survey):
    from tests.surveys.results_helpers import submit_random

    submit_random(survey, 2, seed=1)  # the test transaction never commits: both wait
    body = client.get("/healthz").json()
    assert body["results_outbox"]["pending"] == 2
    # With REDIS_URL set (CI) the broker and the cache are checked too; all must be up.
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"].values()) == {"ok"} and body["down"] == []


@pytest.mark.django_db
def test_unexpected_api_error_keeps_the_json_shape(api_client, survey, monkeypatch):
    from surveys.services import responses

    def broken(**kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(responses, "response_submit", broken)
    api_client.raise_request_exception = False
    reply = submit(api_client, survey, WHOLE)
    assert reply.status_code == 500
    assert reply["Content-Type"] == "application/json"
    body = reply.json()
    assert body["detail"] and body["errors"][0]["code"] == "server_error"
    assert "127.0.0.1" not in reply.content.decode()  # no internals to the client


def test_last_resort_handlers_answer_json_under_api_only():
    factory = RequestFactory()
    api = api_errors.handler500(factory.get("/api/v1/surveys/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    page = api_errors.handler500(factory.get("/surveys/"))
    assert page.status_code == 500 and "text/html" in page["Content-Type"]


@pytest.mark.django_db
def test_unknown_api_address_answers_json(client):
    reply = client.get("/api/v1/no-such-thing/")
    assert reply.status_code == 404
    assert reply.json()["errors"][0]["code"] == "not_found"
