"""One rate limiter: a fixed-window counter per key in the cache (Redis in deployments, so every
web process counts in the same place)."""

import time

from django.core.cache import cache

PREFIX = "teilhabe-rl"


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; production sets it from
    # X-Forwarded-For in the proxy (see README, Deploy), never trusting the client's header.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _cache_key(scope: str, key: str, window: int) -> str:
    return f"{PREFIX}:{scope}:{key}:{int(time.time() // window)}"


def exceeded(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; True when ``key`` made more than ``limit`` hits in the current window.

    A ``limit`` of 0 or less switches the limit off.
    """
    if limit <= 0:
        return False
    cache_key = _cache_key(scope, key, window)
    if cache.add(cache_key, 1, timeout=window + 5):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 5)
        return False
    return count > limit


def hits(scope: str, key: str, window: int) -> int:
    """How many hits ``key`` made in the current window (for tests and diagnostics)."""
    return int(cache.get(_cache_key(scope, key, window)) or 0)
