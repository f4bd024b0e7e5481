"""Production: every secret and host from the environment; secure by default.

It refuses to start (ImproperlyConfigured) instead of falling back to the development setup:
no SQLite when DATABASE_URL is missing, no in-process tasks when REDIS_URL is missing, no
example or short secret key.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import LOGGING, env

# Keys that are known to the world: the examples in this repository and the development key.
PUBLIC_KEYS = {
    "dev-only-insecure-key-change-me",
    "change-me-to-a-long-random-string-of-50-characters-or-more",
}


def required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Production settings need it (see .env.example); "
            "for development use DJANGO_SETTINGS_MODULE=config.settings.local."
        )
    return value


def check_secret_key(key: str) -> str:
    if key in PUBLIC_KEYS or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is an example value or too weak: use at least 50 random "
            'characters, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    return key


DEBUG = False
SECRET_KEY = check_secret_key(required("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[]) or required("DJANGO_ALLOWED_HOSTS")
required("DATABASE_URL")
required("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405

# Hashed names (expressions.3f2a….js), so a browser never runs an old script after a deploy.
STORAGES["staticfiles"] = {"BACKEND": "config.storage.StaticFilesStorage"}  # noqa: F405
STATIC_BROTLI = env.bool("DJANGO_STATIC_BROTLI", default=True)

LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", default="json")

# An error tracker, if configured (besides the emails to ADMINS).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=os.environ.get("TEILHABE_RELEASE") or None,
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
