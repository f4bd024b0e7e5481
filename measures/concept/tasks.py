"""Celery task of the concept document (a thin door onto ``services.job_run``)."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="measures.generate_concept",
    acks_late=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=1800,
    time_limit=1900,
)
def generate_concept(job_id: int) -> int | None:
    """Generate the version a job asks for; returns the version's id (None if it failed)."""
    from .services import job_run

    version = job_run(job_id=job_id)
    return version.pk if version else None
