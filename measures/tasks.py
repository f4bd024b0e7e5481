"""Celery tasks of the measures app (discovered by the Celery app through this module)."""

from .concept.tasks import generate_concept  # noqa: F401
