"""Housekeeping tasks that belong to no domain app."""

from celery import shared_task


@shared_task(
    name="core.clear_sessions",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def clear_sessions() -> None:
    """Periodic (beat): delete expired sessions (Django's ``clearsessions``)."""
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore.clear_expired()
