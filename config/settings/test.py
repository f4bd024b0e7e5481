"""Test settings: fast hashing, in-memory mail; DATABASE_URL/REDIS_URL still honoured."""

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process unless a test starts a real worker on purpose.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_IGNORE_RESULT = False  # the integration tests read results
LANGUAGE_CODE = "de"
# Integration tests start workers (and their beat) on a private queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")  # noqa: F405
# seed_demo writes the concept documents only where a test asks for them (they take minutes).
CONCEPT_DEMO_DOCUMENTS = False
