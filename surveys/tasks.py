"""Celery tasks of the surveys app: thin, idempotent, keyed by id."""

import random

from celery import shared_task
from django.conf import settings

from config.celery import EMAIL_TASK_OPTIONS, global_rate_wait

from .services import invitations


@shared_task(name="surveys.send_invitation", bind=True, **EMAIL_TASK_OPTIONS)
def send_invitation(self, invitation_id: int, reminder_number: int = 0) -> bool:
    """Email one invitation (0) or its n-th reminder. Sends each at most once.

    ``SURVEY_EMAIL_RATE_LIMIT`` holds for all workers together: over the limit, the task
    queues itself again for the next window (a fresh message, so its retries stay unused).
    """
    if self.request.is_eager:  # the embedded default: no broker to queue the task again on
        return invitations.invitation_send(
            invitation_id=invitation_id, reminder_number=reminder_number
        )
    wait = global_rate_wait("surveys.send_invitation", settings.SURVEY_EMAIL_RATE_LIMIT)
    if wait:
        self.apply_async((invitation_id, reminder_number), countdown=wait + random.uniform(0, 5))
        return False
    return invitations.invitation_send(invitation_id=invitation_id, reminder_number=reminder_number)


@shared_task(
    name="surveys.import_invitations",
    acks_late=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def import_invitations(job_id: int) -> int:
    """Import one uploaded invitee list (does nothing when it ran already)."""
    job = invitations.invitation_import_run(job_id=job_id)
    return job.created if job is not None else 0


@shared_task(
    name="surveys.delete_abandoned_invitation_imports",
    acks_late=True,
    soft_time_limit=300,
    time_limit=360,
)
def delete_abandoned_invitation_imports() -> int:
    """Periodic (beat): invitee lists whose import never started."""
    return invitations.invitation_imports_delete_abandoned()
