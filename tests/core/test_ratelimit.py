"""The one rate limiter: a fixed window per scope and key in the shared cache."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core import ratelimit


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_counts_per_scope_and_key():
    assert [ratelimit.exceeded("s", "1.2.3.4", 2, 60) for _ in range(4)] == [
        False,
        False,
        True,
        True,
    ]
    assert ratelimit.hits("s", "1.2.3.4", 60) == 4
    assert ratelimit.exceeded("s", "5.6.7.8", 2, 60) is False
    assert ratelimit.exceeded("other", "1.2.3.4", 2, 60) is False


def test_limit_zero_switches_off():
    assert not any(ratelimit.exceeded("s", "k", 0, 60) for _ in range(5))
    assert ratelimit.hits("s", "k", 60) == 0


def test_client_ip():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    assert ratelimit.client_ip(request) == "10.0.0.9"
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    assert ratelimit.client_ip(request) == "unknown"
