"""A fixed-window counter per key in the cache (Redis in deployments, so shared by processes)."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def exceeded(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; True when ``key`` made more than ``limit`` hits in the current window."""
    if limit <= 0:
        return False
    bucket = int(time.time() // window)
    cache_key = f"surveys-rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 5)
        return False
    return count > limit
