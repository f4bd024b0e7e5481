"""One rate limiter: a fixed-window counter per key in the cache (Redis in deployments, so every
web process counts in the same place). It serves the public survey (pages and API), the
conference registration, the API token endpoint and the login page; the client is counted by
the address ``core.clientaddr`` resolves (``TRUSTED_PROXIES``), so a spoofed
``X-Forwarded-For`` changes nothing and, behind the proxy, each client has its own budget.

A hit costs one cache round trip: the counter is incremented and, when new, given its expiry in
one atomic step (``FailSafeRedisCache.incr_expiring``), where a get-and-set of a request log
would cost two and grow with the traffic. ``ApiThrottle`` puts the same counter behind Django
REST framework's throttling, so the API's limits count like the pages' limits.

A generous limit (at least ``LEASE_SHARE`` × 2 hits per window, e.g. a public survey behind a
town hall's proxy) is not counted hit by hit: a web process takes a lease of up to
``LEASE_MAX`` hits (at most a ``LEASE_SHARE``-th of the limit) from the shared counter in one
round trip and admits them from memory. No more than ``limit`` hits are ever admitted (a lease
is only ever granted within the limit), and a client is refused at the earliest when the hits
leased but not yet used by the other processes are missing from its budget: at most
``processes × limit / LEASE_SHARE``. Small limits (sign-in, the default survey rate) keep the
exact count, one round trip per hit.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .cache import add_or_incr
from .clientaddr import client_address

PREFIX = "teilhabe-rl"


def _cache_key(scope: str, key: str, window: int) -> str:
    return f"{PREFIX}:{scope}:{key}:{int(time.time() // window)}"


# A lease is at most this share of a limit, and at most this many hits.
LEASE_SHARE = 100
LEASE_MAX = 50


def _count(cache_key: str, timeout: int, amount: int = 1) -> int:
    """Add ``amount`` hits to the counter and return its value, creating it with ``timeout``."""
    incr_expiring = getattr(cache, "incr_expiring", None)
    if incr_expiring is not None:
        return incr_expiring(cache_key, timeout, amount)
    return add_or_incr(cache, cache_key, timeout, amount)


class _Leases:
    """The hits this process leased from the shared counters and has not admitted yet, per
    counter key (a key names its window, so a lease ends with its window)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.left: dict[str, tuple[float, int]] = {}

    def take(self, cache_key: str) -> bool:
        with self.lock:
            expires, left = self.left.get(cache_key, (0.0, 0))
            if left <= 0:
                return False
            self.left[cache_key] = (expires, left - 1)
            return True

    def put(self, cache_key: str, hits: int, expires: float) -> None:
        with self.lock:
            if len(self.left) > 1000:
                now = time.time()
                self.left = {k: v for k, v in self.left.items() if v[0] > now}
            self.left[cache_key] = (expires, hits)

    def clear(self) -> None:
        with self.lock:
            self.left.clear()


_leases = _Leases()


def exceeded(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; True when ``key`` made more than ``limit`` hits in the current window.

    A ``limit`` of 0 or less switches the limit off. Generous limits are counted in leases
    (see the module's note): never more than ``limit`` hits pass.
    """
    if limit <= 0:
        return False
    cache_key = _cache_key(scope, key, window)
    lease = min(LEASE_MAX, limit // LEASE_SHARE)
    if lease < 2:
        return _count(cache_key, window + 5) > limit
    if _leases.take(cache_key):
        return False
    total = _count(cache_key, window + 5, lease)
    # Of the hits just leased, those within the limit may pass: this one and the rest later.
    granted = min(lease, limit - (total - lease))
    if granted <= 0:
        return True
    _leases.put(cache_key, granted - 1, (time.time() // window + 1) * window)
    return False


def hits(scope: str, key: str, window: int) -> int:
    """How many hits ``key`` made in the current window (for tests and diagnostics); with a
    generous limit, the hits leased by the web processes."""
    return int(cache.get(_cache_key(scope, key, window)) or 0)


def request_exceeded(request, scope: str, limit: int, window: int, *, key: str = "") -> bool:
    """Count one hit of ``request``'s client (and ``key``, e.g. a survey) in ``scope``."""
    ident = f"{key}:{client_address(request)}" if key else client_address(request)
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
    if hits("login", client_address(request), window) >= limit:
        return True
    name = _login_name(username)
    return bool(name) and hits("login-user", name, window) >= limit * 3


def login_failed(request, username: str = "") -> None:
    """Count a failed sign-in against the address and the user name."""
    limit, window = _login_budget()
    exceeded("login", client_address(request), limit, window)
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
