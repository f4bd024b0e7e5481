"""Celery tasks of the workshops: thin, idempotent, keyed by id."""

from celery import shared_task
from django.db import DatabaseError

from config.celery import EMAIL_TASK_OPTIONS

from . import services


@shared_task(name="workshops.send_invitation", **EMAIL_TASK_OPTIONS)
def send_invitation(invitation_id: int, reminder_number: int = 0) -> bool:
    """Email one workshop invitation (0) or its n-th reminder. Sends each at most once."""
    return services.invitation_send(invitation_id=invitation_id, reminder_number=reminder_number)


@shared_task(name="workshops.send_protocol", **EMAIL_TASK_OPTIONS)
def send_protocol(invitation_id: int) -> bool:
    """Email the workshop protocol (PDF) to one participant. Sends at most once."""
    return services.protocol_mail(invitation_id=invitation_id)


@shared_task(
    name="workshops.build_document",
    acks_late=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=600,
    time_limit=660,
)
def build_document(job_id: int) -> bool:
    """Build a briefing pack or protocol PDF; True when its file is ready."""
    return services.document_run(job_id=job_id)
