"""One rate limiter: a fixed-window counter per key in the cache (Redis in deployments, so every
web process counts in the same place).

A hit costs one cache round trip: the counter is incremented and, when new, given its expiry in
one atomic step (``FailSafeRedisCache.incr_expiring``), where a get-and-set of a request log
would cost two and grow with the traffic. ``Throttle`` puts the same counter behind Django REST
framework's throttling, so the API's limits count like the pages' limits.
"""

import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PREFIX = "teilhabe-rl"


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; production sets it from
    # X-Forwarded-For in the proxy (see README, Deploy), never trusting the client's header.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _cache_key(scope: str, key: str, window: int) -> str:
    return f"{PREFIX}:{scope}:{key}:{int(time.time() // window)}"


def _count(cache_key: str, timeout: int) -> int:
    """Add one hit to the counter and return its value, creating it with ``timeout``."""
    incr_expiring = getattr(cache, "incr_expiring", None)
    if incr_expiring is not None:
        return incr_expiring(cache_key, timeout)
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        return 1


def exceeded(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; True when ``key`` made more than ``limit`` hits in the current window.

    A ``limit`` of 0 or less switches the limit off.
    """
    if limit <= 0:
        return False
    return _count(_cache_key(scope, key, window), window + 5) > limit


def hits(scope: str, key: str, window: int) -> int:
    """How many hits ``key`` made in the current window (for tests and diagnostics)."""
    return int(cache.get(_cache_key(scope, key, window)) or 0)


def parse_rate(rate: str | None) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60): hits per window of seconds (``s``, ``m``, ``h``, ``d``);
    ``None`` → (0, 0), no limit."""
    if not rate:
        return 0, 0
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


class Throttle(BaseThrottle):
    """A REST framework throttle on this module's counter: ``scope`` names the rate in
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``; ``get_ident`` is the client's address unless
    a subclass keys it otherwise, and a key of ``None`` means the request is not limited."""

    scope: str = ""

    def get_key(self, request, view) -> str | None:
        return self.get_ident(request)

    def allow_request(self, request, view) -> bool:
        from rest_framework.settings import api_settings

        limit, window = parse_rate(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope))
        key = self.get_key(request, view)
        self._window = window
        if key is None or limit <= 0:
            return True
        return not exceeded(self.scope, key, limit, window)

    def wait(self) -> float | None:
        """Seconds until the current window ends (the ``Retry-After`` of a refusal)."""
        window = getattr(self, "_window", 0)
        return window - time.time() % window if window else None
