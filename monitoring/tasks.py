"""Celery tasks of the monitoring app: thin, idempotent, keyed by id."""

from celery import shared_task

from config.celery import EMAIL_TASK_OPTIONS

from . import services


@shared_task(
    name="monitoring.compute_indicators",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=1500,
    time_limit=1800,
)
def compute_indicators(
    import_run_id: int | None = None,
    import_run_ids: list[int] | None = None,
    indicator_ids: list[int] | None = None,
) -> int:
    """Recompute what the imports (or the indicators) changed; with no ids, everything. Safe to
    run twice: the second run writes nothing."""
    return services.indicators_compute(
        import_run_id=import_run_id, import_run_ids=import_run_ids, indicator_ids=indicator_ids
    )


@shared_task(
    name="monitoring.send_data_request",
    **EMAIL_TASK_OPTIONS,
)
def send_data_request(request_id: int) -> bool:
    return services.data_request_remind(request_id=request_id, first=True)


@shared_task(
    name="monitoring.send_data_request_reminders",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=300,
    time_limit=360,
)
def send_data_request_reminders() -> int:
    """Remind every owner whose request is still open (each at most once per interval)."""
    return services.data_requests_remind_due()


@shared_task(
    name="monitoring.delete_abandoned_uploads",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=300,
    time_limit=360,
)
def delete_abandoned_uploads() -> int:
    """Periodic (beat): uploads waiting for a mapping that nobody finished."""
    return services.pending_uploads_delete_abandoned()
