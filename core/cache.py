"""The shared cache (Redis) with a fallback: when Redis cannot be reached, every cache call goes
to a per-process in-memory cache instead of failing the request.

What callers may rely on:

* A cache call never raises because Redis is down. Rate limits (``core.ratelimit``, the API
  throttles) then count per web process, a little more generous than one shared count, so the
  public survey keeps accepting responses; the outage is logged once per minute.
* After a failure Redis is left alone for ``retry_after`` seconds (short timeouts on top), so
  requests do not each wait for a connection that will not come; then it is tried again.
* ``redis_unreachable()`` tells ``/healthz`` whether the cache is on its fallback now.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_FALLBACK_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def add_or_incr(backend, key: str, timeout: int, amount: int = 1) -> int:
    """Add ``amount`` to the counter ``key`` of any Django cache and return it; a new counter
    expires after ``timeout`` seconds (two steps where the backend has no atomic one)."""
    if backend.add(key, amount, timeout=timeout):
        return amount
    try:
        return backend.incr(key, amount)
    except ValueError:  # expired between add and incr
        backend.add(key, amount, timeout=timeout)
        return amount


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 10))
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache("teilhabe-cache-fallback", {"TIMEOUT": params.get("TIMEOUT")})
        self._down_until = 0.0
        self._logged_at = 0.0
        self._lock = threading.Lock()

    def unreachable(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            if now - self._logged_at >= 60 or not self._logged_at:
                self._logged_at = now
                logger.warning(
                    "cache: Redis is unreachable (%s: %s); rate limits count per process "
                    "until it is back",
                    type(exc).__name__,
                    exc,
                )

    # INCRBY, and EXPIRE when the counter is new: one round trip, atomic on the server.
    _INCR_EXPIRING = (
        "local n = redis.call('INCRBY', KEYS[1], ARGV[2]) "
        "if n == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"
    )

    def incr_expiring(self, key: str, timeout: int, amount: int = 1) -> int:
        """Add ``amount`` to the counter ``key`` and return it; a new counter expires after
        ``timeout`` seconds. One round trip to Redis (the rate limiter's hot path); while Redis
        is unreachable, counted in the fallback like every other call."""
        if not self.unreachable():
            try:
                full_key = self.make_and_validate_key(key)
                client = self._cache.get_client(full_key, write=True)
                return int(client.eval(self._INCR_EXPIRING, 1, full_key, int(timeout), int(amount)))
            except Exception as exc:  # noqa: BLE001 - redis, socket and pool errors alike
                self._failed(exc)
        return add_or_incr(self._fallback, key, timeout, amount)

    def _call(self, name: str, *args, **kwargs):
        if not self.unreachable():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except ValueError:
                raise  # incr of a missing key: the caller's business, not an outage
            except Exception as exc:  # noqa: BLE001 - redis, socket and pool errors alike
                self._failed(exc)
        return getattr(self._fallback, name)(*args, **kwargs)


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _FALLBACK_METHODS:
    setattr(FailSafeRedisCache, _name, _delegate(_name))


def redis_unreachable() -> bool:
    """Whether the default cache is on its in-memory fallback now."""
    from django.core.cache import cache

    return bool(getattr(cache, "unreachable", lambda: False)())
