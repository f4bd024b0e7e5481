"""Celery tasks of the surveys app: thin, idempotent, keyed by id."""

from celery import shared_task
from django.conf import settings

from config.celery import EMAIL_TASK_OPTIONS

from .services import invitations


@shared_task(
    name="surveys.send_invitation",
    **EMAIL_TASK_OPTIONS,
    rate_limit=settings.SURVEY_EMAIL_RATE_LIMIT,
)
def send_invitation(invitation_id: int, reminder_number: int = 0) -> bool:
    """Email one invitation (0) or its n-th reminder. Sends each at most once."""
    return invitations.invitation_send(invitation_id=invitation_id, reminder_number=reminder_number)
