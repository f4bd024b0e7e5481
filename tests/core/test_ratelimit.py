"""The one rate limiter: a fixed window per scope and key in the shared cache."""

import os

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core import ratelimit


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    ratelimit._leases.clear()
    yield
    cache.clear()
    ratelimit._leases.clear()


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


def test_generous_limit_is_counted_in_leases_and_never_exceeded(monkeypatch):
    """A limit of 1,000 is counted in leases of 10 hits: one cache round trip per lease, and
    the 1,001st hit is refused as with an exact count."""
    calls = []
    count = ratelimit._count
    monkeypatch.setattr(ratelimit, "_count", lambda *args: calls.append(args) or count(*args))
    results = [ratelimit.exceeded("s", "1.2.3.4", 1000, 60) for _ in range(1005)]
    assert results == [False] * 1000 + [True] * 5
    assert len(calls) == 100 + 5
    assert ratelimit.hits("s", "1.2.3.4", 60) == 1050


def test_leases_of_several_processes_admit_no_more_than_the_limit():
    """Two web processes (two lease books) share one counter: together they admit at most
    the limit, and each is refused at the latest when the other's unused lease is gone."""
    other = ratelimit._Leases()
    admitted = 0
    for i in range(1100):
        if i % 2:
            ratelimit._leases, other = other, ratelimit._leases
        admitted += not ratelimit.exceeded("s", "5.6.7.8", 1000, 60)
        if i % 2:
            ratelimit._leases, other = other, ratelimit._leases
    assert 1000 - 2 * 10 <= admitted <= 1000


def test_limit_zero_switches_off():
    assert not any(ratelimit.exceeded("s", "k", 0, 60) for _ in range(5))
    assert ratelimit.hits("s", "k", 60) == 0


def test_client_address_without_remote_addr():
    from core.clientaddr import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    assert client_address(request) == "10.0.0.9"
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    assert client_address(request) == "unknown"


def test_parse_rate():
    assert ratelimit.parse_rate("120/minute") == (120, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert ratelimit.parse_rate("10/hour") == (10, 3600)
    assert ratelimit.parse_rate("1/day") == (1, 86400)
    assert ratelimit.parse_rate(None) == (0, 0)


@pytest.mark.integration
def test_redis_counter_counts_and_expires_in_one_step(settings):
    """On Redis a hit is one atomic INCR that gives a new counter its expiry."""
    from django.core.cache import caches

    from config.settings.base import redis_db

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": redis_db(os.environ["REDIS_URL"], 2),
        }
    }
    redis_cache = caches["default"]
    redis_cache.delete("rl-test")
    assert [redis_cache.incr_expiring("rl-test", 30) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("rl-test") == 3
    assert redis_cache.incr_expiring("rl-test", 30, 5) == 8
    client = redis_cache._cache.get_client(redis_cache.make_and_validate_key("rl-test"))
    assert 0 < client.ttl(redis_cache.make_and_validate_key("rl-test")) <= 30
    assert [ratelimit.exceeded("s", "9.9.9.9", 2, 60) for _ in range(3)] == [False, False, True]
    assert ratelimit.hits("s", "9.9.9.9", 60) == 3
    assert [ratelimit.exceeded("s", "9.9.9.8", 300, 60) for _ in range(3)] == [False] * 3
    assert ratelimit.hits("s", "9.9.9.8", 60) == 3  # one lease of three hits
    redis_cache.delete("rl-test")
