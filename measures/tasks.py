"""Celery tasks of the measures app: thin, idempotent, keyed by id."""

from celery import shared_task

from config.celery import EMAIL_TASK_OPTIONS

from .services import imports, tracking


@shared_task(name="measures.send_progress_request", **EMAIL_TASK_OPTIONS)
def send_progress_request(link_id: int) -> bool:
    """The first mail of a new reporting link (does nothing when it was sent already)."""
    return tracking.progress_request_send(link_id=link_id, first=True)


@shared_task(
    name="measures.send_progress_requests",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=300,
    time_limit=360,
)
def send_progress_requests() -> int:
    """Ask every lead organisation whose report is due (each at most once per interval)."""
    return tracking.progress_requests_remind_due()


@shared_task(
    name="measures.delete_abandoned_imports",
    acks_late=True,
    soft_time_limit=300,
    time_limit=360,
)
def delete_abandoned_imports() -> int:
    """Periodic (beat): uploaded measure lists nobody imported."""
    return imports.measure_imports_delete_abandoned()


# The concept document's generation task lives beside its code; imported here so the worker
# (which discovers ``<app>.tasks``) registers it.
from .concept.tasks import generate_concept  # noqa: E402, F401
