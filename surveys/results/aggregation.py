"""Writes of the stored results: the incremental update, the full rebuild, the funnel, and the
reconcile check. Called by the Celery tasks in ``surveys.results.tasks``.

What callers may rely on:

* Completing a response writes it into the results outbox (``ResultPending``) in the same
  transaction; ``results_drain`` counts all pending responses of a version in one batch.
* Each complete, non-test response is counted exactly once: the count inserts the response's
  marker (``ResultResponse``) and deletes its outbox row in the same transaction as its
  increments, and skips responses that have a marker, so a retried or duplicated task changes
  nothing.
* Updates of one survey version are serialised by locking its ``ResultState`` row. A rebuild
  holds that lock only for its last, short step: it counts a snapshot of the complete
  responses without the lock (incremental updates go on meanwhile), then, locked, replaces
  the stored cells and markers by the snapshot's and adds the responses completed since the
  snapshot one by one. So every response is counted exactly once, whichever finishes first.
* ``results_rebuild`` gives exactly the same cells as adding every response one by one.
* A lost update (killed worker) shows as a difference between complete responses and markers;
  ``results_reconcile`` finds it and queues a rebuild of that version.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from core.frames import copy_in, is_postgres, read_frame

from ..models import Answer, Invitation, Response, Survey, SurveyVersion
from ..structure import get as get_structure
from . import cells as C
from .models import ResultCell, ResultPending, ResultResponse, ResultState

FUNNEL_METRICS = ("f", "inv")
CHUNK = 20000
COMPACT_AFTER_ROWS = 200_000
# Outbox rows counted in one transaction; a compaction lease outlives the task's time limit.
DRAIN_BATCH = 2000
# From this many responses on, a count uses the rebuild's vectorised path (pandas, COPY).
FRAME_BATCH = 20
# A drain that gathers (``gather`` seconds) counts at once from this many waiting responses:
# the cost per response hardly falls beyond (fewer result rows per response, fixed costs).
GATHER_BATCH = 200
COMPACTION_LEASE = timedelta(minutes=15)

logger = logging.getLogger(__name__)


# The stored result cell's columns, in the order the bulk writers send them.
CELL_COLUMNS = [
    "survey_id",
    "version_id",
    "question",
    "breakdown",
    "group",
    "metric",
    "row",
    "key",
    "count",
]


def spec_for(version: SurveyVersion) -> C.Spec:
    structure = get_structure(version)
    types = {code: q.type for code, q in structure.questions.items() if q.qtype.answered}
    breakdowns: dict[str, str | None] = {}
    tg_question = structure.target_group_question
    survey = version.survey
    if tg_question is not None or (
        survey.access_mode == Survey.AccessMode.INVITATION and not survey.anonymised
    ):
        breakdowns[C.TARGET_GROUP] = None
    for code, q in structure.questions.items():
        if q.qtype.breakdown:
            breakdowns[f"q:{code}"] = code
    return C.Spec(
        types=types,
        breakdowns=breakdowns,
        tg_question=tg_question.code if tg_question else None,
        tg_choices={c.code: c.target_group_code for c in tg_question.choices if c.target_group_code}
        if tg_question
        else {},
    )


def local_day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def _lock(version_id: int, *, wait: bool = True) -> ResultState | None:
    """Lock the version's state row (serialises counting, compaction and rebuild of one
    version). ``wait=False``: ``None`` at once when another transaction holds it."""
    ResultState.objects.get_or_create(version_id=version_id)
    return (
        ResultState.objects.select_for_update(skip_locked=not wait)
        .filter(version_id=version_id)
        .first()
    )


def _append(survey_id: int, version_id: int, counts: Counter) -> int:
    """Append one row per cell (insert only). Returns the number of rows."""
    if not counts:
        return 0
    items = list(counts.items())
    if is_postgres():
        # One statement with array parameters: the cost is the rows, not the SQL parsing.
        table = ResultCell._meta.db_table
        qn = connection.ops.quote_name
        cols = CELL_COLUMNS
        columns = list(zip(*(key for key, _n in items), strict=True))
        sql = (
            f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) "
            f"SELECT %s, %s, * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
            f"%s::text[], %s::text[], %s::bigint[])"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [survey_id, version_id, *[list(c) for c in columns], [n for _k, n in items]],
            )
        return len(items)
    ResultCell.objects.bulk_create(
        [
            ResultCell(
                survey_id=survey_id,
                version_id=version_id,
                question=key[0],
                breakdown=key[1],
                group=key[2],
                metric=key[3],
                row=key[4],
                key=key[5],
                count=n,
            )
            for key, n in items
        ],
        batch_size=500,
    )
    return len(items)


def _answers_by_response(
    response_ids: list[int], id_to_code: dict[int, str]
) -> dict[int, list[C.AnswerRow]]:
    rows: dict[int, list[C.AnswerRow]] = {rid: [] for rid in response_ids}
    for rid, qid, row, choice, number, value_date in Answer.objects.filter(
        response_id__in=response_ids
    ).values_list("response_id", "question_id", "row", "choice", "value_number", "value_date"):
        code = id_to_code.get(qid)
        if code is not None:
            rows[rid].append(
                C.AnswerRow(code, row, choice, number, value_date.isoformat() if value_date else "")
            )
    return rows


def _count_responses(version: SurveyVersion, response_ids: list[int]) -> int:
    """Add the responses to the stored results. The caller holds the version's lock and has
    left out responses that are counted already. Returns how many were counted."""
    responses = list(
        Response.objects.filter(
            pk__in=response_ids,
            version_id=version.pk,
            status=Response.Status.COMPLETE,
            is_test=False,
        ).values_list("id", "completed_at", "target_group__code")
    )
    if not responses:
        return 0
    spec = spec_for(version)
    if len(responses) >= FRAME_BATCH and is_postgres():
        # A batch (a drain under load): the rebuild's vectorised counting over exactly these
        # responses, written with COPY; the same cells as one response at a time.
        frame = rebuild_frame(version, spec, response_ids=sorted(r[0] for r in responses))
        _write_cells(version.survey_id, version.pk, frame)
        appended = len(frame)
    else:
        structure = get_structure(version)
        id_to_code = {q.id: code for code, q in structure.questions.items()}
        answers = _answers_by_response([r[0] for r in responses], id_to_code)
        counts: Counter = Counter()
        for rid, completed_at, tg_code in responses:
            # The same cells as one response at a time: readers add up the rows of a key.
            counts.update(
                C.response_cells(
                    spec, answers[rid], day=local_day(completed_at), invitation_tg=tg_code or ""
                )
            )
        appended = _append(version.survey_id, version.pk, counts)
    ResultResponse.objects.bulk_create(
        [ResultResponse(response_id=rid, version_id=version.pk) for rid, _c, _t in responses]
    )
    ResultState.objects.filter(version_id=version.pk).update(
        updated_at=timezone.now(), pending_rows=F("pending_rows") + appended
    )
    pending = ResultState.objects.values_list("pending_rows", flat=True).get(version_id=version.pk)
    if pending >= COMPACT_AFTER_ROWS:
        results_compaction_request(version_id=version.pk)
    return len(responses)


def results_add_response(*, response_id: int) -> bool:
    """Count one complete response now (no-op when it is counted already). Returns whether it
    was counted now. Its cost depends on the response's own answers, not on how many exist."""
    response = Response.objects.select_related("version__survey").filter(pk=response_id).first()
    if response is None or response.status != Response.Status.COMPLETE or response.is_test:
        return False
    with transaction.atomic():
        _lock(response.version_id)
        ResultPending.objects.filter(response_id=response_id).delete()
        if ResultResponse.objects.filter(response_id=response_id).exists():
            return False
        return _count_responses(response.version, [response_id]) == 1


def results_drain(*, version_id: int, batch: int = DRAIN_BATCH, gather: float = 0.0) -> int:
    """Count the version's pending responses (the results outbox) in one batch.

    With ``gather`` (seconds) it first waits, holding the lock, until the oldest pending
    response is that old or ``GATHER_BATCH`` are pending: under load the responses of those
    seconds are counted in one batch (much cheaper per response than several small ones, see
    ``_count_responses``) while the drain requests that come meanwhile return at once.

    Takes the version's lock without waiting: when another worker holds it (it is counting,
    compacting or rebuilding this version) this returns 0 at once and that worker, or the next
    relay run, counts what is left. The outbox rows are claimed with ``FOR UPDATE SKIP
    LOCKED`` and deleted in the same transaction as their counts, so a killed worker leaves
    them pending and a retry counts nothing twice. Returns the number of rows claimed (a full
    ``batch`` means there may be more).
    """
    version = SurveyVersion.objects.select_related("survey").filter(pk=version_id).first()
    if version is None:
        return 0
    with transaction.atomic():
        if _lock(version_id, wait=False) is None:
            return 0
        if gather > 0:
            waiting = ResultPending.objects.filter(version_id=version_id).aggregate(
                n=Count("response_id"), oldest=Min("created_at")
            )
            if not waiting["n"]:
                return 0
            if waiting["n"] < GATHER_BATCH:
                age = (timezone.now() - waiting["oldest"]).total_seconds()
                time.sleep(min(max(gather - age, 0.0), gather))
        claimed = list(
            ResultPending.objects.select_for_update(skip_locked=True)
            .filter(version_id=version_id)
            .order_by("response_id")
            .values_list("response_id", flat=True)[:batch]
        )
        if not claimed:
            return 0
        counted = set(
            ResultResponse.objects.filter(response_id__in=claimed).values_list(
                "response_id", flat=True
            )
        )
        _count_responses(version, [rid for rid in claimed if rid not in counted])
        ResultPending.objects.filter(response_id__in=claimed).delete()
    return len(claimed)


def versions_pending() -> list[int]:
    """Versions with responses waiting in the results outbox."""
    return sorted(set(ResultPending.objects.values_list("version_id", flat=True).distinct()))


def results_compaction_request(*, version_id: int) -> bool:
    """Queue a compaction of the version unless one is queued or running (a lease on the
    version's state row). Returns whether one was queued. Safe inside a transaction: the task
    is sent after the commit, and the lease is given back when the broker refuses it."""
    now = timezone.now()
    ResultState.objects.get_or_create(version_id=version_id)
    taken = (
        ResultState.objects.filter(version_id=version_id)
        .filter(
            Q(compaction_queued_at__isnull=True)
            | Q(compaction_queued_at__lt=now - COMPACTION_LEASE)
        )
        .update(compaction_queued_at=now)
    )
    if not taken:
        return False

    def send():
        from .tasks import compact_results

        try:
            compact_results.apply_async((version_id,), retry=False)
        except Exception:  # noqa: BLE001 - the broker is away: free the lease for the next try
            logger.warning("results: could not queue the compaction of %s", version_id)
            ResultState.objects.filter(version_id=version_id, compaction_queued_at=now).update(
                compaction_queued_at=None
            )

    transaction.on_commit(send)
    return True


# --- the rebuild ---------------------------------------------------------------------------


def _complete_responses_where(alias: str, version_id: int) -> str:
    return (
        f"{alias}.version_id = {int(version_id)} AND {alias}.status = "
        f"'{Response.Status.COMPLETE.value}' AND NOT {alias}.is_test"
    )


def answers_sql(
    version_id: int, lo: int, hi: int, joined: bool = True, by_response: bool = False
) -> str:
    """Answers of the marked responses of a version (``joined``), of its complete responses
    (``by_response``: the rebuild's snapshot, markers not read) or of every response."""
    a = Answer._meta.db_table
    m = ResultResponse._meta.db_table
    r = Response._meta.db_table
    if by_response:
        join = f" JOIN {r} r ON r.id = a.response_id AND " + _complete_responses_where(
            "r", version_id
        )
    elif joined:
        join = f" JOIN {m} m ON m.response_id = a.response_id AND m.version_id = {int(version_id)}"
    else:
        join = ""
    return (
        f'SELECT a.response_id, a.question_id, a."row", a."choice", a.value_number, a.value_date '
        f"FROM {a} a{join} WHERE a.response_id >= {int(lo)} AND a.response_id < {int(hi)}"
    )


ANSWER_DTYPES = {"row": "category", "choice": "category", "date": "category"}


def read_answers(
    version_id: int, lo: int, hi: int, id_to_code: dict[int, str], by_response: bool = False
) -> pd.DataFrame:
    frame = read_frame(
        answers_sql(version_id, lo, hi, by_response=by_response),
        ["response_id", "question_id", "row", "choice", "number", "date"],
        ANSWER_DTYPES,
    )
    frame["question"] = question_categories(frame["question_id"], id_to_code)
    return frame[C.ANSWER_COLUMNS]


def question_categories(question_ids: pd.Series, id_to_code: dict[int, str]) -> pd.Categorical:
    """Question ids as a categorical of codes (unknown ids become NaN), without string work."""
    codes = sorted(set(id_to_code.values()))
    lut = np.full(max(id_to_code, default=0) + 2, -1, dtype=np.int64)
    for qid, code in id_to_code.items():
        lut[qid] = codes.index(code)
    ids = question_ids.to_numpy(dtype=np.int64)
    ids = np.where((ids >= 0) & (ids < len(lut) - 1), ids, len(lut) - 1)
    return pd.Categorical.from_codes(lut[ids], categories=codes)


def _read_responses(version_id: int, lo: int, hi: int, by_response: bool = False) -> pd.DataFrame:
    r = Response._meta.db_table
    m = ResultResponse._meta.db_table
    from participation.models import TargetGroup

    tg = TargetGroup._meta.db_table
    if by_response:
        join, where = "", " AND " + _complete_responses_where("r", version_id)
    else:
        join = f"JOIN {m} m ON m.response_id = r.id AND m.version_id = {int(version_id)} "
        where = ""
    sql = (
        f"SELECT r.id, r.completed_at, tg.code FROM {r} r "
        f"{join}"
        f"LEFT JOIN {tg} tg ON tg.id = r.target_group_id "
        f"WHERE r.id >= {int(lo)} AND r.id < {int(hi)}{where}"
    )
    frame = read_frame(
        sql, ["response_id", "completed_at", "invitation_tg"], {"invitation_tg": str}
    )
    moments = pd.to_datetime(frame["completed_at"], utc=True, format="mixed")
    frame["day"] = moments.dt.tz_convert(settings.TIME_ZONE).dt.strftime("%Y-%m-%d")
    frame["invitation_tg"] = frame["invitation_tg"].fillna("").astype(str)
    return frame


def _write_cells(survey_id: int, version_id: int, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if is_postgres():
        table = ResultCell._meta.db_table
        cols = CELL_COLUMNS
        out = frame.copy()
        out.insert(0, "version_id", version_id)
        out.insert(0, "survey_id", survey_id)
        copy_in(table, cols, out[cols].to_csv(index=False, header=False), force_not_null=cols[2:-1])
        return
    ResultCell.objects.bulk_create(
        (
            ResultCell(
                survey_id=survey_id,
                version_id=version_id,
                question=t.question,
                breakdown=t.breakdown,
                group=t.group,
                metric=t.metric,
                row=t.row,
                key=t.key,
                count=int(t.count),
            )
            for t in frame.itertuples(index=False)
        ),
        batch_size=2000,
    )


def rebuild_frame(
    version: SurveyVersion, spec: C.Spec | None = None, response_ids: list[int] | None = None
) -> pd.DataFrame:
    """The cells of every marked response of ``version``, read in chunks of response ids; or,
    with ``response_ids`` (sorted), of exactly those complete responses (markers not read)."""
    spec = spec or spec_for(version)
    structure = get_structure(version)
    id_to_code = {q.id: code for code, q in structure.questions.items()}
    by_response = response_ids is not None
    if by_response:
        ids = response_ids
    else:
        bounds = ResultResponse.objects.filter(version=version).order_by("response_id")
        ids = list(bounds.values_list("response_id", flat=True))
    frames = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        lo, hi = chunk[0], chunk[-1] + 1
        answers = read_answers(version.pk, lo, hi, id_to_code, by_response=by_response)
        responses = _read_responses(version.pk, lo, hi, by_response=by_response)
        if by_response:  # leave out what completed after the snapshot
            wanted = np.asarray(chunk, dtype=np.int64)
            answers = answers[np.isin(answers["response_id"].to_numpy(), wanted)]
            responses = responses[np.isin(responses["response_id"].to_numpy(), wanted)]
        frames.append(C.frame_cells(spec, answers, responses))
    return C.add_cells(frames)


def _complete_ids(version_id: int) -> list[int]:
    return list(
        Response.objects.filter(
            version_id=version_id, status=Response.Status.COMPLETE, is_test=False
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def results_rebuild(*, version_id: int) -> int:
    """Recount every complete, non-test response of a version from scratch. Idempotent.

    Returns the number of responses counted. The long part (reading and counting) runs
    without the version's lock; incremental updates of the same version are not held up.
    A worker killed at any point leaves the stored figures as they were.
    """
    version = SurveyVersion.objects.select_related("survey").get(pk=version_id)
    snapshot = _complete_ids(version_id)
    frame = rebuild_frame(version, response_ids=snapshot)
    with transaction.atomic():
        state = _lock(version_id)
        now_complete = _complete_ids(version_id)
        counted = set(snapshot)
        if not counted <= set(now_complete):
            # A counted response was deleted or reopened meanwhile (rare): count again, locked.
            snapshot = now_complete
            counted = set(snapshot)
            frame = rebuild_frame(version, response_ids=snapshot)
        ResultCell.objects.filter(version_id=version_id).exclude(
            question="", metric__in=FUNNEL_METRICS
        ).delete()
        ResultResponse.objects.filter(version_id=version_id).delete()
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {ResultResponse._meta.db_table} (response_id, version_id) "
                    f"SELECT unnest(%s::bigint[]), %s",
                    [snapshot, version_id],
                )
                # Fresh statistics, or the planner joins the new markers row by row.
                cursor.execute(f"ANALYZE {ResultResponse._meta.db_table}")
        else:
            ResultResponse.objects.bulk_create(
                [ResultResponse(response_id=rid, version_id=version_id) for rid in snapshot],
                batch_size=500,
            )
        # What the snapshot counted leaves the outbox; later completions stay pending.
        ResultPending.objects.filter(
            version_id=version_id,
            response_id__in=ResultResponse.objects.filter(version_id=version_id).values(
                "response_id"
            ),
        ).delete()
        _write_cells(version.survey_id, version_id, frame)
        now = timezone.now()
        state.rebuilt_at = now
        state.updated_at = now
        state.pending_rows = 0
        state.save(update_fields=["rebuilt_at", "updated_at", "pending_rows"])
        # Completed after the snapshot: their own tasks may have run already (their markers
        # were just replaced) or may still come (they will find the marker and do nothing).
        for response_id in now_complete:
            if response_id not in counted:
                results_add_response(response_id=response_id)
        return ResultResponse.objects.filter(version_id=version_id).count()


def results_refresh_funnel(*, version_id: int) -> None:
    """Store how many responses (complete or not, no tests) reached each section, and the
    invitation figures of the survey (for its response rate)."""
    version = SurveyVersion.objects.select_related("survey").get(pk=version_id)
    structure = get_structure(version)
    order = {s.code: i for i, s in enumerate(structure.sections)}
    section_of = {q.id: q.section_code for q in structure.questions.values()}
    reached = Counter()
    started = 0
    complete = 0
    per_response: dict[int, int] = {}
    responses = Response.objects.filter(version=version, is_test=False).values_list(
        "id", "status", "current_section"
    )
    status_of = {}
    for rid, status, current in responses.iterator():
        started += 1
        status_of[rid] = status
        per_response[rid] = order.get(current, -1)
        if status == Response.Status.COMPLETE:
            complete += 1
    seen = (
        Answer.objects.filter(response__version=version, response__is_test=False)
        .values_list("response_id", "question_id")
        .distinct()
    )
    for rid, qid in seen.iterator():
        index = order.get(section_of.get(qid, ""), -1)
        if index > per_response.get(rid, -1):
            per_response[rid] = index
    for index in per_response.values():
        # Reached = the page it is on now, or any page up to the last one it answered.
        for i in range(index + 1):
            reached[structure.sections[i].code] += 1
    cells = Counter({("", "", "", "f", "", "started"): started})
    cells[("", "", "", "f", "", "complete")] = complete
    for code, n in reached.items():
        cells[("", "", "", "f", "section", code)] = n
    if version.survey.access_mode == Survey.AccessMode.INVITATION:
        inv = Invitation.objects.filter(survey=version.survey).aggregate(
            total=Count("id"),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
        for key, n in inv.items():
            cells[("", "", "", "inv", "", key)] = n
    with transaction.atomic():
        state = _lock(version_id)
        ResultCell.objects.filter(
            version_id=version_id, question="", metric__in=FUNNEL_METRICS
        ).delete()
        _append(version.survey_id, version_id, cells)
        state.funnel_at = timezone.now()
        state.save(update_fields=["funnel_at"])


def results_compact(*, version_id: int) -> int:
    """Fold the appended rows of a version into one row per key. Returns the rows kept.

    The published figures do not change (readers sum the rows of a key either way).
    """
    table = ResultCell._meta.db_table
    qn = connection.ops.quote_name
    keys = ", ".join(qn(c) for c in CELL_COLUMNS if c != "count")
    with transaction.atomic():
        state = _lock(version_id)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE result_compact AS SELECT {keys}, SUM({qn('count')}) AS n "
                f"FROM {qn(table)} WHERE version_id = %s GROUP BY {keys}",
                [version_id],
            )
            cursor.execute(f"DELETE FROM {qn(table)} WHERE version_id = %s", [version_id])
            cursor.execute(
                f"INSERT INTO {qn(table)} ({keys}, {qn('count')}) SELECT {keys}, n "
                f"FROM result_compact"
            )
            kept = cursor.rowcount
            cursor.execute("DROP TABLE result_compact")
        state.pending_rows = 0
        state.compaction_queued_at = None
        state.save(update_fields=["pending_rows", "compaction_queued_at"])
    return kept


def versions_to_compact() -> list[int]:
    return list(ResultState.objects.filter(pending_rows__gt=0).values_list("version_id", flat=True))


def versions_out_of_step() -> list[int]:
    """Versions whose counted responses differ from their complete, non-test responses."""
    complete = dict(
        Response.objects.filter(status=Response.Status.COMPLETE, is_test=False)
        .values("version_id")
        .annotate(n=Count("id"))
        .values_list("version_id", "n")
    )
    counted = dict(
        ResultResponse.objects.values("version_id")
        .annotate(n=Count("response_id"))
        .values_list("version_id", "n")
    )
    pending = dict(
        ResultPending.objects.values("version_id")
        .annotate(n=Count("response_id"))
        .values_list("version_id", "n")
    )
    # A response waiting in the outbox is late, not lost: the relay counts it.
    return sorted(
        v
        for v in set(complete) | set(counted)
        if complete.get(v, 0) != counted.get(v, 0) + pending.get(v, 0)
    )
