"""/healthz: each part the platform depends on, named, so an operator sees which one is down.

``database`` (PostgreSQL), ``broker`` (Celery's Redis) and ``cache`` (the shared cache, Redis in
deployments: while it is down the rate limits count per process, see ``core.cache``) are
checked; ``results_outbox`` reports how many completed responses wait to be counted and for how
long (information, not a failure: a backlog is late, not lost). 200 when every check passes,
else 503, the body naming what failed. The exception text of a failed check goes to the log and
to signed-in platform staff only: for anyone else it could reveal hosts, users and versions.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return _error(exc)
    return None


def _ping(url: str) -> str | None:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    return None


def _check_broker() -> str | None:
    return _ping(settings.REDIS_URL) if settings.REDIS_URL else None


def _check_cache() -> str | None:
    return _ping(settings.CACHES["default"]["LOCATION"])


def _results_outbox() -> dict | None:
    from django.db.models import Count, Min

    from surveys.results.models import ResultPending

    try:
        row = ResultPending.objects.aggregate(n=Count("response_id"), oldest=Min("created_at"))
    except Exception:  # noqa: BLE001 - the database check reports it
        return None
    age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0
    return {"pending": row["n"], "oldest_seconds": round(age, 1)}


def healthz(request):
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker()
    if _check_cache_configured():
        checks["cache"] = _check_cache()
    failed = {name: error for name, error in checks.items() if error}
    for name, error in failed.items():
        logger.warning("healthz: %s failed: %s", name, error)
    detailed = request.user.is_authenticated and request.user.is_staff

    def shown(error: str | None) -> str:
        if not error:
            return "ok"
        return "fail: " + error if detailed else "fail"

    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: shown(error) for name, error in checks.items()},
        "down": sorted(failed),
    }
    if "database" not in failed:
        body["results_outbox"] = _results_outbox()
    return JsonResponse(body, status=503 if failed else 200)


def _check_cache_configured() -> bool:
    location = settings.CACHES["default"].get("LOCATION", "")
    return str(location).startswith(("redis://", "rediss://", "unix://"))
