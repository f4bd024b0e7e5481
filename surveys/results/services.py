"""Writes of the survey results that views and the API call: export jobs, free-text tagging,
free text into the input pool, publication, rebuild requests."""

from __future__ import annotations

import logging
import os
import threading
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import require_perm
from participation.models import FieldOfAction, TargetGroup
from participation.services import statement_create

from ..models import Answer, Response, Survey, SurveyVersion
from .models import ExportJob, FreeTextTag, QuestionTopic, ResultPending, ResultsPublication

logger = logging.getLogger(__name__)


def _require(user, perm: str, survey: Survey) -> None:
    if user is not None:
        require_perm(user, perm, survey)


@transaction.atomic
def export_job_create(
    *, survey: Survey, user, format: str, labels: bool = False, suppressed: bool = False
) -> ExportJob:
    """Queue an export; the file is built by a Celery task (``surveys.build_export``)."""
    _require(user, "surveys.export_results", survey)
    if format not in ExportJob.Format.values:
        raise ValidationError(
            {"format": [_("Unknown format %(format)s.") % {"format": format}]}, code="invalid"
        )
    if survey.current_version_id is None:
        raise ValidationError({"format": [_("The survey has no questions yet.")]})
    job = ExportJob.objects.create(
        survey=survey,
        format=format,
        labels=bool(labels),
        suppressed=bool(suppressed),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    from .tasks import build_export

    build_export.delay_on_commit(job.pk)
    return job


def results_response_completed(*, response: Response) -> None:
    """Record a completed response for counting into the stored results.

    Every service that completes a response calls this inside the transaction that stores the
    completion. It writes the response into the results outbox (``ResultPending``) in that
    same transaction, so the count can be delayed (broker unreachable, workers busy) but never
    lost. After the commit it asks a worker to drain the version's outbox: with a broker, the
    requests of a process are coalesced and sent in the background (``DrainRequests``), so a
    completion never waits for the broker; in-process (eager) the drain runs at once. The
    request is best effort: when the broker cannot take it, it is logged and the periodic relay
    (``surveys.relay_results``) asks again. Test responses and unfinished ones are never
    counted.
    """
    if response.is_test or response.status != Response.Status.COMPLETE:
        return
    # One statement; a second call for the same response changes nothing.
    ResultPending.objects.bulk_create(
        [ResultPending(response_id=response.pk, version_id=response.version_id)],
        ignore_conflicts=True,
    )
    results_outbox_written(response=response)


def results_outbox_sql(source: str) -> str:
    """A data-modifying CTE that writes the responses of the CTE ``source`` (a column "id")
    into the results outbox, for a writer that stores a completed response in one statement
    (one parameter: the version id). The writer then calls ``results_outbox_written``."""
    table = ResultPending._meta.db_table
    return (
        f'INSERT INTO "{table}" ("response_id", "version_id", "created_at") '
        f'SELECT "id", %s, now() FROM {source}'
    )


def results_outbox_written(*, response: Response) -> None:
    """The response's outbox row is written (in the caller's transaction, if any): ask for
    its count after the commit."""
    version_id = response.version_id
    transaction.on_commit(lambda: drain_requests.add(version_id))


class DrainRequests:
    """The drain requests of one process, coalesced per version and sent by one background
    thread: at most one request per version every ``interval`` seconds, however many
    responses complete meanwhile (one drain counts all pending responses of a version).

    A completion only notes its version (no broker round trip in the request), and is
    counted at most ``interval`` seconds plus one drain later. What a process notes but never
    sends (it is killed, or the broker is away) stays in the outbox for the relay.
    """

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self._reset()
        # A forked child (a pool process) inherits no running thread and maybe a held lock.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._wanted: set[int] = set()
        self._thread: threading.Thread | None = None

    def add(self, version_id: int) -> None:
        from .tasks import drain_results

        if drain_results.app.conf.task_always_eager:
            results_drain_request(version_id=version_id)  # no broker: count now, in-process
            return
        with self._lock:
            self._wanted.add(version_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="results-drain-requests", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        wake, lock = self._wake, self._lock
        while True:
            wake.wait()
            wake.clear()
            with lock:
                due, self._wanted = sorted(self._wanted), set()
            for version_id in due:
                try:
                    results_drain_request(version_id=version_id)
                except Exception:  # the thread must live on; the relay counts what is left
                    logger.exception("results: drain request for version %s failed", version_id)
            # What completes meanwhile waits for the next round: one request for all of it.
            time.sleep(self.interval)


drain_requests = DrainRequests()


def results_drain_request(*, version_id: int) -> bool:
    """Ask a worker to count the version's pending responses now. Returns whether the broker
    took the request; never raises (the outbox keeps the work, the relay asks again)."""
    from kombu.exceptions import OperationalError

    from .tasks import drain_results

    try:
        drain_results.apply_async((version_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the relay picks the work up
        broker_error = isinstance(exc, OperationalError | OSError | TimeoutError)
        if drain_results.app.conf.task_always_eager and not broker_error:
            raise  # in-process there is no broker: this is a bug in the count itself
        logger.warning(
            "results: broker unreachable, version %s is counted by the relay later",
            version_id,
            exc_info=True,
        )
        return False
    return True


def free_text_answers(survey: Survey):
    """Answers that are free text: text questions and "other, please specify" texts."""
    return Answer.objects.filter(
        response__survey=survey, response__is_test=False, response__status="complete"
    ).exclude(value_text="")


@transaction.atomic
def free_text_tag(
    *,
    answer: Answer,
    user,
    fields_of_action: list[FieldOfAction],
    target_groups: list[TargetGroup],
) -> FreeTextTag:
    """Set the fields of action and target groups of one free-text answer (replaces them)."""
    survey = answer.response.survey
    _require(user, "surveys.tag_free_text", survey)
    if not answer.value_text:
        raise ValidationError({"answer": [_("Only free-text answers can be tagged.")]})
    tag, _created = FreeTextTag.objects.get_or_create(answer=answer)
    tag.tagged_by = user if getattr(user, "is_authenticated", False) else None
    tag.save()
    tag.fields_of_action.set(fields_of_action)
    tag.target_groups.set(target_groups)
    return tag


def free_text_to_statement(*, answer: Answer, user, kind: str = "other"):
    """Turn a tagged free-text answer into a Statement of the input pool, keeping the
    link both ways: the Statement's generic source is the answer, the tag stores the Statement.

    Goes through ``participation.services.statement_create`` (the one door into the pool).
    Doing it twice returns the same Statement.
    """
    survey = answer.response.survey
    _require(user, "surveys.tag_free_text", survey)
    with transaction.atomic():
        tag, _created = FreeTextTag.objects.select_for_update().get_or_create(answer=answer)
        if tag.statement_id:
            return tag.statement_id
        statement = statement_create(
            process=survey.process,
            text=answer.value_text,
            kind=kind,
            source=answer,
            source_label=_("Survey “%(survey)s”, question %(code)s")
            % {"survey": survey, "code": answer.question.code},
            fields_of_action=list(tag.fields_of_action.all()),
            target_groups=list(tag.target_groups.all()),
            author=user,
        )
        tag.statement = statement
        tag.tagged_by = user if getattr(user, "is_authenticated", False) else None
        tag.save()
        return statement.pk


@transaction.atomic
def results_publication_set(*, survey: Survey, user, public: bool) -> ResultsPublication:
    _require(user, "surveys.export_results", survey)
    publication, _created = ResultsPublication.objects.get_or_create(survey=survey)
    publication.public = bool(public)
    publication.save()
    return publication


def results_rebuild_request(*, survey: Survey, user) -> None:
    """Queue a rebuild of the survey's current version (staff)."""
    _require(user, "surveys.export_results", survey)
    from .tasks import rebuild_results

    for version_id in survey.versions.values_list("pk", flat=True):
        rebuild_results.delay_on_commit(version_id)


@transaction.atomic
def question_topic_set(
    *, survey, user, question: str, fields_of_action: list[FieldOfAction]
) -> QuestionTopic | None:
    """Tag a question (by code) with the fields of action it speaks to; an empty list removes
    the tag. Workshop briefing packs show the figures of tagged questions."""
    _require(user, "surveys.tag_free_text", survey)
    version = survey.current_version
    if version is None or not version.questions.filter(code=question).exists():
        raise ValidationError(
            {"question": [_("The survey has no question %(code)s.") % {"code": question}]}
        )
    allowed = set(survey.process.fields_of_action.values_list("pk", flat=True))
    if any(f.pk not in allowed for f in fields_of_action):
        raise ValidationError(
            {"fields_of_action": [_("The process does not use this field of action.")]}
        )
    if not fields_of_action:
        QuestionTopic.objects.filter(survey=survey, question=question).delete()
        return None
    topic, _created = QuestionTopic.objects.get_or_create(survey=survey, question=question)
    topic.fields_of_action.set(fields_of_action)
    return topic


def exports_delete_old(*, days: int | None = None) -> int:
    """Housekeeping (beat): delete export jobs that finished more than ``days`` ago
    (``TEILHABE_EXPORT_RETENTION_DAYS``) with their files, and mark as failed the jobs whose
    worker died (still running or waiting long after the task's hard time limit).
    Returns how many jobs were deleted."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    now = timezone.now()
    days = days if days is not None else settings.TEILHABE_EXPORT_RETENTION_DAYS
    cutoff = now - timedelta(days=days)
    deleted = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).iterator():
        if job.file:
            # The file first: a row left behind is harmless, an orphaned file is not.
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    ExportJob.objects.filter(
        status__in=[ExportJob.Status.RUNNING, ExportJob.Status.PENDING],
        created_at__lt=now - timedelta(hours=6),
    ).update(
        status=ExportJob.Status.FAILED,
        finished_at=now,
        error=_("The export was interrupted. Please start it again."),
    )
    return deleted


def results_funnel_ensure_fresh(*, version: SurveyVersion) -> bool:
    """Refresh the version's completion funnel when a response changed after it was counted,
    so that the funnel and the response counts agree where no beat runs (the embedded
    default runs tasks in-process, so the refresh is done before the page is shown; with a
    worker it is queued). Returns whether a refresh was asked for."""
    from django.db.models import Count, Max, Q, Sum

    from .models import ResultCell, ResultState
    from .tasks import refresh_funnel

    now = Response.objects.filter(version=version, is_test=False).aggregate(
        started=Count("id"),
        complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
        latest=Max("updated_at"),
    )
    if not now["started"]:
        return False
    funnel_at = (
        ResultState.objects.filter(version=version).values_list("funnel_at", flat=True).first()
    )
    stored = dict(
        ResultCell.objects.filter(
            version=version, question="", metric="f", row="", key__in=("started", "complete")
        )
        .values("key")
        .annotate(n=Sum("count"))
        .values_list("key", "n")
    )
    # Counts, not only times: an anonymised survey keeps its responses' times to the day only.
    fresh = (
        funnel_at is not None
        and funnel_at >= now["latest"]
        and stored.get("started", 0) == now["started"]
        and stored.get("complete", 0) == now["complete"]
    )
    if fresh:
        return False
    refresh_funnel.delay(version.pk)
    return True
