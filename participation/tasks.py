"""Celery tasks of the participation core: thin, idempotent, keyed by id."""

from celery import shared_task

from config.celery import EMAIL_TASK_OPTIONS

from . import services


@shared_task(
    name="participation.send_membership_notice",
    **EMAIL_TASK_OPTIONS,
)
def send_membership_notice(membership_id: int) -> bool:
    """Tell a user by email about their role in a process. Sends at most once."""
    return services.membership_notify(membership_id=membership_id)


@shared_task(
    name="participation.send_registration_confirmation",
    **EMAIL_TASK_OPTIONS,
)
def send_registration_confirmation(registration_id: int) -> bool:
    """Confirm a conference registration (or waiting-list place) by email. Sends at most once."""
    from .conference.services import registration_confirm

    return registration_confirm(registration_id=registration_id)


@shared_task(
    name="participation.send_registration_duplicate_notice",
    **EMAIL_TASK_OPTIONS,
)
def send_registration_duplicate_notice(registration_id: int) -> bool:
    """Tell a registered address that it was registered again (at most one notice an hour)."""
    from .conference.services import registration_duplicate_notify

    return registration_duplicate_notify(registration_id=registration_id)
