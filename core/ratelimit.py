"""One rate limiter: a fixed-window counter per key in the cache (Redis in deployments, so every
web process counts in the same place). It serves the public survey (pages and API), the
conference registration, the API token endpoint and the login page; the client is counted by
the address ``core.clientaddr`` resolves (``TRUSTED_PROXIES``), so a spoofed
``X-Forwarded-For`` changes nothing and, behind the proxy, each client has its own budget.

A hit costs one cache round trip: the counter is incremented and, when new, given its expiry in
one atomic step (``FailSafeRedisCache.incr_expiring``), where a get-and-set of a request log
would cost two and grow with the traffic. ``ApiThrottle`` puts the same counter behind Django
REST framework's throttling, so the API's limits count like the pages' limits.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .clientaddr import client_address

PREFIX = "teilhabe-rl"


def client_ip(request) -> str:
    return client_address(request)


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


def request_exceeded(request, scope: str, limit: int, window: int, *, key: str = "") -> bool:
    """Count one hit of ``request``'s client (and ``key``, e.g. a survey) in ``scope``."""
    ident = f"{key}:{client_ip(request)}" if key else client_ip(request)
    return exceeded(scope, ident, limit, window)


def _login_budget() -> tuple[int, int]:
    return (
        getattr(settings, "TEILHABE_LOGIN_ATTEMPTS", 10),
        getattr(settings, "TEILHABE_LOGIN_WINDOW", 900),
    )


def _login_name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_blocked(request, username: str = "") -> bool:
    """True when the client's address (or, from any address, this user name) used up its
    failed sign-ins of the window. The login page and the API token endpoint share the budget;
    only failures count, so people who sign in correctly are never held up."""
    limit, window = _login_budget()
    if limit <= 0:
        return False
    if hits("login", client_ip(request), window) >= limit:
        return True
    name = _login_name(username)
    return bool(name) and hits("login-user", name, window) >= limit * 3


def login_failed(request, username: str = "") -> None:
    """Count a failed sign-in against the address and the user name."""
    limit, window = _login_budget()
    exceeded("login", client_ip(request), limit, window)
    name = _login_name(username)
    if name:
        exceeded("login-user", name, limit * 3, window)


def parse_rate(rate: str | None) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60): hits per window of seconds (``s``, ``m``, ``h``, ``d``);
    ``None`` → (0, 0), no limit."""
    if not rate:
        return 0, 0
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


class ApiThrottle(BaseThrottle):
    """The same limiter as a REST framework throttle: ``scope`` names the rate in
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``rate`` when it has none); ``methods``
    limits which requests count (default: all). Clients are counted by their address."""

    scope = "api"
    rate = "60/minute"
    methods: tuple[str, ...] = ()

    def _rate(self) -> tuple[int, int]:
        from rest_framework.settings import api_settings

        return parse_rate(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.rate)

    def allow_request(self, request, view) -> bool:
        if self.methods and request.method not in self.methods:
            return True
        limit, window = self._rate()
        self._window = window
        if limit <= 0:
            return True
        return not request_exceeded(request, self.scope, limit, window)

    def wait(self) -> float | None:
        """Seconds until the current window ends (the ``Retry-After`` of a refusal)."""
        window = getattr(self, "_window", 0)
        return window - time.time() % window if window else None
