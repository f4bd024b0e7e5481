"""Celery tasks of the survey results (thin doors onto ``aggregation`` and ``exports``)."""

import time

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import aggregation

# A drain hands over after this long (the next request or the relay goes on): a survey that
# never stops receiving responses does not keep one worker past the task's time limit.
DRAIN_TASK_SECONDS = 60

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
}


@shared_task(name="surveys.aggregate_response", soft_time_limit=60, time_limit=90, **RETRY)
def aggregate_response(response_id: int) -> bool:
    """Add one complete response to the stored results (no-op if it is counted already).
    Completion goes through the outbox (``drain_results``); this serves messages queued
    before it and manual repairs."""
    return aggregation.results_add_response(response_id=response_id)


@shared_task(bind=True, name="surveys.drain_results", soft_time_limit=240, time_limit=300, **RETRY)
def drain_results(self, version_id: int) -> int:
    """Count the version's responses waiting in the results outbox, batch after batch, until
    none is left: what completes during one batch (and the gathering before it, see
    ``aggregation.results_drain``) is the next batch, so a busy survey is counted by one
    worker in large batches while other requests for it return at once. Run in-process
    (eager, or called directly) it counts at once, without gathering."""
    in_process = self.request.is_eager or self.request.called_directly
    gather = 0.0 if in_process else settings.SURVEY_RESULTS_GATHER_SECONDS
    deadline = time.monotonic() + DRAIN_TASK_SECONDS
    total = 0
    while claimed := aggregation.results_drain(version_id=version_id, gather=gather):
        total += claimed
        if time.monotonic() > deadline:
            break
    return total


@shared_task(name="surveys.relay_results", soft_time_limit=30, time_limit=60, **RETRY)
def relay_results() -> list[int]:
    """Periodic (beat, every few seconds): ask for a drain of every version with responses
    waiting in the outbox: those whose immediate request was lost with the broker or a
    worker. Returns those versions."""
    pending = aggregation.versions_pending()
    for version_id in pending:
        drain_results.delay(version_id)
    return pending


@shared_task(name="surveys.rebuild_results", soft_time_limit=900, time_limit=960, **RETRY)
def rebuild_results(version_id: int) -> int:
    """Recount a survey version from its answers, then refresh its funnel."""
    counted = aggregation.results_rebuild(version_id=version_id)
    aggregation.results_refresh_funnel(version_id=version_id)
    return counted


@shared_task(name="surveys.refresh_funnel", soft_time_limit=300, time_limit=360, **RETRY)
def refresh_funnel(version_id: int) -> None:
    aggregation.results_refresh_funnel(version_id=version_id)


@shared_task(name="surveys.compact_results", soft_time_limit=600, time_limit=660, **RETRY)
def compact_results(version_id: int) -> int:
    """Fold the rows appended by incremental updates into one row per figure."""
    return aggregation.results_compact(version_id=version_id)


@shared_task(name="surveys.reconcile_results", soft_time_limit=300, time_limit=360, **RETRY)
def reconcile_results() -> list[int]:
    """Periodic (beat): rebuild every version whose counts are off (a lost update), refresh
    the funnels of open surveys and compact appended rows. Returns the versions rebuilt."""
    from ..models import Survey, SurveyVersion

    stale = aggregation.versions_out_of_step()
    for version_id in stale:
        rebuild_results.delay(version_id)
    open_versions = (
        SurveyVersion.objects.filter(survey__status=Survey.Status.OPEN, responses__isnull=False)
        .exclude(pk__in=stale)
        .values_list("pk", flat=True)
        .distinct()
    )
    for version_id in open_versions:
        refresh_funnel.delay(version_id)
    for version_id in aggregation.versions_to_compact():
        if version_id not in stale:
            aggregation.results_compaction_request(version_id=version_id)
    return stale


@shared_task(name="surveys.build_export", soft_time_limit=1800, time_limit=1900, **RETRY)
def build_export(job_id: int) -> None:
    from . import exports

    exports.export_build(job_id=job_id)


@shared_task(name="surveys.delete_old_exports", soft_time_limit=300, time_limit=360, **RETRY)
def delete_old_exports() -> int:
    """Periodic (beat): export files past their retention, and jobs whose worker died."""
    from .services import exports_delete_old

    return exports_delete_old()
