"""Benchmark of the survey results at city scale (PostgreSQL).

Generates complete responses to a 40-question survey of mixed types (COPY, in batches), then
measures:

(a) the full rebuild as the task runs it: the count (``results_rebuild``: reads answers in
    chunks, pandas group-bys, writes the result cells) and the completion funnel
    (``results_refresh_funnel``), each reported too; the count against its floor: the same
    answer rows read with one raw SQL query (COPY) into pandas and the same group-bys,
    nothing written — measured in the same run;
(b) the incremental count at 1,000 and at 100,000 responses, one response at a time
    (``results_add_response``) and in one drain batch (``results_drain``), each with the
    compaction it causes amortised per response (compaction runs when the appended rows reach
    ``COMPACT_AFTER_ROWS``; the sample goes on until they do), and reported on its own;
(c) CSV and XLSX export time and the export process's peak memory (each export runs in a
    fresh subprocess; the time is the export's own, measured inside that process, the wall
    time with the process start beside it; peak RSS is that process's own high-water mark
    and includes the Python/Django baseline).

Usage: DATABASE_URL=postgres://… python benchmarks/survey_aggregation.py [--quick]
It creates its own database objects (a process and a survey) and deletes them at the end.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def definition() -> dict:
    def choices(prefix, n):
        return [{"code": f"{prefix}{i}", "label": {"de": f"Option {i}"}} for i in range(1, n + 1)]

    questions = []
    kinds = (
        ["single"] * 8
        + ["multiple"] * 6
        + ["yes_no"] * 4
        + ["rating"] * 6
        + ["integer"] * 3
        + ["decimal"] * 2
        + ["matrix"] * 3
        + ["ranking"] * 2
        + ["text"] * 3
        + ["date"] * 2
        + ["long_text"]
    )
    for i, kind in enumerate(kinds, start=1):
        q = {"code": f"q{i:02d}", "type": kind, "text": {"de": f"Frage {i} ({kind})"}}
        if kind in ("single", "multiple"):
            q["choices"] = choices("c", 5 if kind == "single" else 4)
        if kind == "ranking":
            q["choices"] = choices("i", 3)
        if kind == "matrix":
            q["choices"] = choices("c", 4)
            q["rows"] = [{"code": f"r{j}", "label": {"de": f"Zeile {j}"}} for j in (1, 2, 3)]
        if kind == "rating":
            q.update(scale_min=1, scale_max=5)
        if kind == "yes_no":
            q["choices"] = [{"code": "yes", "label": {"de": "Ja"}}]
        questions.append(q)
    return {
        "title": {"de": "Benchmark-Befragung"},
        "privacy_notice": {
            "de": "Verantwortlicher: Kreis Bench\nDatenschutzkontakt: dsb@example.org\n"
            "Zweck: Benchmark\nRechtsgrundlage: Art. 6 Abs. 1 lit. a DSGVO\n"
            "Empfänger: niemand\nSpeicherdauer: ein Tag"
        },
        "languages": ["de"],
        "default_language": "de",
        "access_mode": "public",
        "anonymised": True,
        "sections": [
            {
                "code": f"s{s}",
                "title": {"de": f"Seite {s}"},
                "questions": questions[s * 10 : s * 10 + 10],
            }
            for s in range(4)
        ],
    }


class Generator:
    """Writes responses and their answers with COPY, in batches."""

    def __init__(self, survey, seed: int = 1):
        import numpy as np

        from surveys.structure import get as get_structure

        self.np = np
        self.rng = np.random.default_rng(seed)
        self.survey = survey
        self.structure = get_structure(survey.current_version)
        self.start = datetime(2025, 5, 1, 8, 0)

    def add(self, count: int) -> list[int]:
        from django.db import connection

        np, rng = self.np, self.rng
        version_id = self.survey.current_version_id
        buffer = io.StringIO()
        completed = [
            self.start + timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 60, count)
        ]
        for moment in completed:
            stamp = moment.isoformat() + "+00:00"
            buffer.write(
                f"{self.survey.pk},{version_id},{uuid.uuid4()},de,complete,f,t,{{}},,{stamp},"
                f"{stamp},{stamp},{stamp}\n"
            )
        raw = connection.connection
        with raw.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM surveys_response")
            before = cursor.fetchone()[0]
            with cursor.copy(
                "COPY surveys_response (survey_id, version_id, client_id, language, status, "
                "is_test, anonymised, attributes, current_section, consent_at, started_at, "
                "updated_at, completed_at) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
                "(current_section))"
            ) as copy:
                copy.write(buffer.getvalue())
            cursor.execute(
                "SELECT id FROM surveys_response WHERE survey_id = %s AND id > %s ORDER BY id",
                [self.survey.pk, before],
            )
            ids = [r[0] for r in cursor.fetchall()]
        out = io.StringIO()
        rid = np.array(ids)
        for q in self.structure.questions.values():
            answered = rid[rng.random(len(rid)) < 0.9]
            n = len(answered)
            qid = q.id
            if q.type == "single":
                codes = np.array([c.code for c in q.choices])
                for r, c in zip(answered, codes[rng.integers(0, len(codes), n)], strict=True):
                    out.write(f"{r},{qid},,{c},,,\n")
            elif q.type == "yes_no":
                for r, v in zip(answered, rng.integers(0, 2, n), strict=True):
                    out.write(f"{r},{qid},,{'yes' if v else 'no'},,{v},\n")
            elif q.type == "multiple":
                codes = [c.code for c in q.choices]
                chosen = rng.random((n, len(codes))) < 0.4
                chosen[:, 0] |= ~chosen.any(axis=1)
                for r, row in zip(answered, chosen, strict=True):
                    for c, flag in zip(codes, row, strict=True):
                        if flag:
                            out.write(f"{r},{qid},,{c},,,\n")
            elif q.type == "rating":
                for r, v in zip(answered, rng.integers(1, 6, n), strict=True):
                    out.write(f"{r},{qid},,,,{v},\n")
            elif q.type == "integer":
                for r, v in zip(answered, rng.integers(0, 100, n), strict=True):
                    out.write(f"{r},{qid},,,,{v},\n")
            elif q.type == "decimal":
                for r, v in zip(answered, np.round(rng.random(n) * 100, 1), strict=True):
                    out.write(f"{r},{qid},,,,{float(v)!r},\n")
            elif q.type == "matrix":
                codes = np.array([c.code for c in q.choices])
                for row in q.rows:
                    for r, c in zip(answered, codes[rng.integers(0, len(codes), n)], strict=True):
                        out.write(f"{r},{qid},{row.code},{c},,,\n")
            elif q.type == "ranking":
                codes = [c.code for c in q.choices]
                for r in answered:
                    for rank, c in enumerate(rng.permutation(codes), start=1):
                        out.write(f"{r},{qid},,{c},,{rank},\n")
            elif q.type in ("text", "long_text"):
                for r, v in zip(answered, rng.integers(0, 50, n), strict=True):
                    out.write(f"{r},{qid},,,Antwort {v},,\n")
            elif q.type == "date":
                base = date(2015, 1, 1).toordinal()
                for r, v in zip(answered, rng.integers(0, 3650, n), strict=True):
                    out.write(f"{r},{qid},,,,,{date.fromordinal(base + int(v)).isoformat()}\n")
        with raw.cursor() as cursor:
            with cursor.copy(
                'COPY surveys_answer (response_id, question_id, "row", "choice", value_text, '
                "value_number, value_date) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
                '("row", "choice", value_text))'
            ) as copy:
                copy.write(out.getvalue())
        return ids


def floor_seconds(version) -> float:
    """One raw SQL query (COPY) into pandas, then the same group-bys; nothing written."""
    import pandas as pd
    from django.conf import settings

    from core.frames import read_frame
    from surveys.results import aggregation as agg
    from surveys.results import cells as C
    from surveys.structure import get as get_structure

    t0 = time.perf_counter()
    structure = get_structure(version)
    id_to_code = {q.id: code for code, q in structure.questions.items()}
    sql = (
        'SELECT a.response_id, a.question_id, a."row", a."choice", a.value_number, a.value_date '
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        f"WHERE r.version_id = {version.pk} AND r.status = 'complete' AND NOT r.is_test"
    )
    answers = read_frame(
        sql, ["response_id", "question_id", "row", "choice", "number", "date"], agg.ANSWER_DTYPES
    )
    answers["question"] = agg.question_categories(answers["question_id"], id_to_code)
    responses = read_frame(
        "SELECT id, completed_at, '' FROM surveys_response "
        f"WHERE version_id = {version.pk} AND status = 'complete' AND NOT is_test",
        ["response_id", "completed_at", "invitation_tg"],
        {"invitation_tg": str},
    )
    moments = pd.to_datetime(responses["completed_at"], utc=True, format="mixed")
    responses["day"] = moments.dt.tz_convert(settings.TIME_ZONE).dt.strftime("%Y-%m-%d")
    cells = C.frame_cells(agg.spec_for(version), answers[C.ANSWER_COLUMNS], responses)
    assert len(cells) > 0
    return time.perf_counter() - t0


def _pending_rows(version_id: int) -> int:
    from surveys.results.models import ResultState

    return ResultState.objects.get(version_id=version_id).pending_rows


def incremental_per_response(gen, version_id: int, sample: int) -> dict:
    """The incremental count as workers run it, with its compaction.

    (1) One response at a time (``results_add_response``: a quiet survey, each drain holds one
    response): seconds per response, for at least ``sample`` responses and on until the
    appended rows reach the compaction threshold; then the compaction those rows trigger,
    amortised over the responses that appended them. (2) The same number of responses counted
    in one drain batch (``results_drain``: a busy survey), with the compaction amortised over
    the responses whose rows fill the threshold at the batch's rows per response.
    """
    from django.db import transaction

    from surveys.results import aggregation
    from surveys.results.models import ResultPending

    threshold = aggregation.COMPACT_AFTER_ROWS
    aggregation.COMPACT_AFTER_ROWS = 10**12  # compaction is timed on its own below
    try:
        aggregation.results_compact(version_id=version_id)
        elapsed, counted = 0.0, 0
        while counted < sample or _pending_rows(version_id) < threshold:
            with transaction.atomic():
                ids = gen.add(min(50, max(sample - counted, 10)))
            t0 = time.perf_counter()
            for rid in ids:
                assert aggregation.results_add_response(response_id=rid)
            elapsed += time.perf_counter() - t0
            counted += len(ids)
            if counted >= 20 * sample:
                break
        rows = _pending_rows(version_id)
        t0 = time.perf_counter()
        aggregation.results_compact(version_id=version_id)
        compact_s = time.perf_counter() - t0
        single_ms = 1000 * elapsed / counted
        compact_ms = 1000 * compact_s / max(counted * min(1.0, threshold / max(rows, 1)), 1)
        with transaction.atomic():
            ids = gen.add(counted)
            ResultPending.objects.bulk_create(
                [ResultPending(response_id=rid, version_id=version_id) for rid in ids]
            )
        t0 = time.perf_counter()
        assert aggregation.results_drain(version_id=version_id, batch=len(ids)) == len(ids)
        batch_ms = 1000 * (time.perf_counter() - t0) / len(ids)
        batch_rows = _pending_rows(version_id) / len(ids)
        aggregation.results_compact(version_id=version_id)
    finally:
        aggregation.COMPACT_AFTER_ROWS = threshold
    batch_compact_ms = 1000 * compact_s * batch_rows / threshold
    return {
        "responses": counted,
        "rows_per_response": round(rows / counted, 1),
        "ms": single_ms,
        "compaction_s": compact_s,
        "compaction_ms_per_response": compact_ms,
        "with_compaction_ms": single_ms + compact_ms,
        "batch_ms": batch_ms,
        "batch_rows_per_response": round(batch_rows, 1),
        "batch_compaction_ms_per_response": batch_compact_ms,
        "batch_with_compaction_ms": batch_ms + batch_compact_ms,
    }


def run_export(survey_id: int, fmt: str) -> tuple[float, float, float]:
    """Run one export in a fresh process; returns (seconds of the export itself, seconds of
    the whole process with its start, peak RSS of that process in MB)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--export", fmt, "--survey", str(survey_id)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(proc.stderr)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures["seconds"], elapsed, figures["peak_mb"]


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that
    over from the parent across exec, so a child would report the benchmark's own peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(fmt: str, survey_id: int) -> None:
    import django

    django.setup()
    import tempfile

    from surveys.models import Survey
    from surveys.results import exports

    survey = Survey.objects.get(pk=survey_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"out.{fmt}")
        t0 = time.perf_counter()
        if fmt == "csv":
            with open(path, "w", newline="", encoding="utf-8") as out:
                exports.write_csv(survey, out, labels=False)
        else:
            exports.write_xlsx(survey, path, labels=False)
        seconds = time.perf_counter() - t0
        size = os.path.getsize(path)
    peak_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": round(peak_mb, 1), "bytes": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 responses instead of 100,000")
    parser.add_argument("--responses", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated survey")
    parser.add_argument("--export", help=argparse.SUPPRESS)
    parser.add_argument("--survey", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        export_child(args.export, args.survey)
        return
    setup()
    from django.db import transaction

    from participation.models import Process
    from surveys.models import Response as ResponseModel
    from surveys.results import aggregation
    from surveys.services import definition as defs

    total = args.responses or (10_000 if args.quick else 100_000)
    requested = total
    sample = 100 if args.quick else 200
    process = Process.objects.create(
        title="Benchmark",
        territory="Benchmark",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    try:
        survey = defs.survey_create_from_definition(
            user=None, process=process, definition=definition(), status="open"
        )
        version = survey.current_version
        gen = Generator(survey)
        t0 = time.perf_counter()
        with transaction.atomic():
            gen.add(1000)
        aggregation.results_rebuild(version_id=version.pk)
        small = incremental_per_response(gen, version.pk, sample)
        print(
            f"incremental count at 1,000 responses: {small['ms']:.2f} ms per response, "
            f"+{small['compaction_ms_per_response']:.2f} ms compaction amortised "
            f"({small['compaction_s']:.2f} s per compaction, {small['rows_per_response']} rows "
            f"per response); in one drain batch: {small['batch_with_compaction_ms']:.2f} ms "
            "with compaction",
            flush=True,
        )
        remaining = total - ResponseModel.objects.filter(survey=survey).count()
        while remaining > 0:
            batch = min(10_000, remaining)
            with transaction.atomic():
                gen.add(batch)
            remaining -= batch
        gen_s = time.perf_counter() - t0
        print(f"generated {total:,} responses (with the incremental samples) in {gen_s:.1f} s")
        aggregation.results_rebuild(version_id=version.pk)
        large = incremental_per_response(gen, version.pk, sample)
        total = ResponseModel.objects.filter(survey=survey).count()
        print(
            f"incremental count at {total:,} responses: {large['ms']:.2f} ms per response, "
            f"+{large['compaction_ms_per_response']:.2f} ms compaction amortised "
            f"({large['compaction_s']:.2f} s per compaction); in one drain batch: "
            f"{large['batch_with_compaction_ms']:.2f} ms with compaction",
            flush=True,
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_answer")
            cursor.execute("ANALYZE surveys_response")
            cursor.execute(
                "SELECT COUNT(*) FROM surveys_answer a JOIN surveys_response r "
                "ON r.id = a.response_id WHERE r.survey_id = %s",
                [survey.pk],
            )
            answers = cursor.fetchone()[0]
        floor_s = min(floor_seconds(version) for _ in range(2))
        t0 = time.perf_counter()
        counted = aggregation.results_rebuild(version_id=version.pk)
        count_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        aggregation.results_refresh_funnel(version_id=version.pk)
        funnel_s = time.perf_counter() - t0
        rebuild_s = count_s + funnel_s  # the rebuild task does both
        assert counted == total, counted
        print(f"answer rows: {answers:,}")
        print(
            f"full rebuild: {rebuild_s:.2f} s (count {count_s:.2f} s + completion funnel "
            f"{funnel_s:.2f} s); floor (one query + group-bys, as the count): {floor_s:.2f} s"
        )
        csv_s, csv_wall_s, csv_mb = run_export(survey.pk, "csv")
        print(
            f"CSV export: {csv_s:.1f} s ({csv_wall_s:.1f} s with the process start), "
            f"peak memory {csv_mb:.0f} MB"
        )
        xlsx_s, xlsx_wall_s, xlsx_mb = run_export(survey.pk, "xlsx")
        print(
            f"XLSX export: {xlsx_s:.1f} s ({xlsx_wall_s:.1f} s with the process start), "
            f"peak memory {xlsx_mb:.0f} MB"
        )
        result = {
            "responses": total,
            "questions": 40,
            "answer_rows": answers,
            "rebuild_s": round(rebuild_s, 3),
            "rebuild_count_s": round(count_s, 3),
            "funnel_s": round(funnel_s, 3),
            "floor_s": round(floor_s, 3),
            "rebuild_ratio_to_floor": round(count_s / floor_s, 3),
            "rebuild_with_funnel_ratio_to_floor": round(rebuild_s / floor_s, 3),
        }
        for at, figures in (("1000", small), (str(requested), large)):
            result.update(
                {
                    f"incremental_ms_at_{at}": round(figures["ms"], 3),
                    f"compaction_s_at_{at}": round(figures["compaction_s"], 3),
                    f"compaction_ms_per_response_at_{at}": round(
                        figures["compaction_ms_per_response"], 3
                    ),
                    f"incremental_with_compaction_ms_at_{at}": round(
                        figures["with_compaction_ms"], 3
                    ),
                    f"rows_per_response_at_{at}": figures["rows_per_response"],
                    f"batch_ms_at_{at}": round(figures["batch_ms"], 3),
                    f"batch_with_compaction_ms_at_{at}": round(
                        figures["batch_with_compaction_ms"], 3
                    ),
                    f"batch_rows_per_response_at_{at}": figures["batch_rows_per_response"],
                }
            )
        result.update(
            {
                "incremental_ratio": round(
                    large["with_compaction_ms"] / small["with_compaction_ms"], 3
                ),
                "incremental_sample": small["responses"],
                "csv_export_s": round(csv_s, 2),
                "csv_export_wall_s": round(csv_wall_s, 2),
                "csv_peak_mb": csv_mb,
                "xlsx_export_s": round(xlsx_s, 2),
                "xlsx_export_wall_s": round(xlsx_wall_s, 2),
                "xlsx_peak_mb": xlsx_mb,
                "xlsx_to_csv_ratio": round(xlsx_s / csv_s, 3),
            }
        )
        print(json.dumps(result))
    finally:
        if not args.keep:
            from surveys.models import Answer, Response, Survey
            from surveys.results.models import ResultResponse

            surveys = Survey.objects.filter(process=process)
            ResultResponse.objects.filter(version__survey__in=surveys).delete()
            Answer.objects.filter(response__survey__in=surveys)._raw_delete("default")
            Response.objects.filter(survey__in=surveys)._raw_delete("default")
            surveys.update(current_version=None)
            for survey in surveys:
                survey.delete()
            process.delete()


if __name__ == "__main__":
    main()
