"""/healthz: the database and, where configured, the broker."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_broker() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


def healthz(request):
    checks = {"database": _check_database(), "broker": _check_broker()}
    if not settings.REDIS_URL:
        checks.pop("broker")
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: ("fail: " + error if error else "ok") for name, error in checks.items()},
    }
    return JsonResponse(body, status=503 if failed else 200)
