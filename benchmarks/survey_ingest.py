#!/usr/bin/env python
"""Whole-response ingest of the survey API under gunicorn, PostgreSQL and real Celery workers:
how fast responses are accepted, and how fast they are accepted AND counted.

Creates a scratch PostgreSQL database (``teilhabe_bench_ingest_<your database>`` on the server
named by ``DATABASE_URL`` or ``--database-url``), migrates it, seeds the demo (the resident
survey), and starts the processes of a deployment on this machine: gunicorn on 127.0.0.1, one
Celery worker per queue of ``config/celery.py`` (``results`` with one pool process per core,
``heavy`` and ``default`` with one, ``email`` is idle here and left out) and beat (the relay of
the results outbox, the reconcile job), all on the Redis given by ``--redis-url`` (its database
and the next two are emptied before and after).

1. Request throughput: from concurrent asyncio clients (plain sockets, stdlib) it submits
   complete responses to ``POST /api/v1/survey-responses/`` and, alternating in rounds, writes
   to a trivial endpoint that stores one row (``POST /bench/trivial/``), the baseline. The
   workers count meanwhile, as they would.
2. Sustained rate: a second stream of complete responses at full speed, while a sampler reads
   every 0.25 s how many complete responses are stored and how many are counted. Reports the
   responses submitted and counted per second (first submit to last count), the time from the
   last submit until every response is counted, the largest backlog (stored, not yet
   counted) and the longest wait of one response for its count (counting in id order).
3. Retries of a sample of submissions (no second response may appear), and the counted
   figures against a full rebuild (they must be equal).

Besides the rates (which fall with the machine's load) it reports what holds under load: the
CPU time spent per request and per counted response, read from ``/proc/<pid>/stat`` of the
processes it starts (gunicorn, the Celery workers and beat, its Redis when it is local) and of
the PostgreSQL backends serving them (``pg_stat_activity``, told apart by application name),
and the sustained rate as a ratio to the trivial rate of the same run.

The last line is one JSON object.

    python benchmarks/survey_ingest.py            # 3000 requests per endpoint, 3000 sustained
    python benchmarks/survey_ingest.py --quick    # 300 and 600
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "teilhabe_bench_ingest"
# Every response must be counted within this many seconds of its submission.
COUNT_WITHIN_S = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (300 requests each)")
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument(
        "--sustained", type=int, default=None, help="responses of the sustained stream"
    )
    parser.add_argument(
        "--results-concurrency",
        type=int,
        default=None,
        help="pool processes of the results worker (default: one per core)",
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12",
        help="Redis of the run: broker on its database, results and cache on the next two "
        "(all three are emptied before and after)",
    )
    return parser.parse_args()


def bench_db(url: str) -> str:
    """The scratch database's name: one per database of the caller, so runs beside each other
    on one server do not drop each other's."""
    name = urlparse(url).path.strip("/") or "postgres"
    return f"{BENCH_DB}_{name}"[:63]


def scratch_database(url: str) -> str:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    name = bench_db(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db(url)}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    """Empty the run's broker, result and cache databases (``url``'s and the next two)."""
    import redis

    parts = urlparse(url)
    number = int(parts.path.strip("/") or 0)
    for offset in range(3):
        redis.Redis.from_url(urlunparse(parts._replace(path=f"/{number + offset}"))).flushdb()


def prepare(count: int) -> tuple[str, int, list[bytes], int, int]:
    """Migrate, seed the demo, and build ``count`` valid complete responses as JSON bodies."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from participation import demo as participation_demo
    from surveys import demo as surveys_demo
    from surveys.models import Response, Survey
    from surveys.services.responses import validate_answers
    from surveys.structure import get as get_structure

    call_command("migrate", verbosity=0)
    surveys_demo.seed(participation_demo.seed())
    survey = Survey.objects.select_related("current_version").get(
        title__de=surveys_demo.RESIDENT_TITLE
    )
    structure = get_structure(survey.current_version)
    rng = random.Random(7)
    bodies = []
    rows = 0
    while len(bodies) < count:
        answers = {}
        for qdef in structure.questions.values():
            if qdef.qtype.answered:
                answers[qdef.code] = surveys_demo._random_answer(rng, qdef)
        language = rng.choice(survey.languages)
        cleaned, errors, _state = validate_answers(structure, answers, language=language)
        if errors:
            continue
        answers = {code: answers[code] for code in cleaned}
        rows += sum(len(c.rows) for c in cleaned.values())
        bodies.append(
            json.dumps(
                {
                    "survey": survey.public_id,
                    "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "language": language,
                    "answers": answers,
                }
            ).encode()
        )
    existing = Response.objects.count()
    connection.close()
    return survey.public_id, survey.current_version_id, bodies, existing, rows // max(count, 1)


async def post(port: int, path: str, body: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data[9:12]) if len(data) >= 12 else 0


async def load(port: int, path: str, bodies: list[bytes], concurrency: int) -> dict:
    queue = list(reversed(bodies))
    statuses: list[int] = []
    latencies: list[float] = []
    finished: list[float] = []

    async def worker():
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            try:
                status = await post(port, path, body)
            except OSError:
                status = 0
            done = time.perf_counter()
            latencies.append(done - started)
            statuses.append(status)
            if status in (200, 201):
                finished.append(done)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "statuses": statuses,
        "latencies": latencies,
        "elapsed": elapsed,
        "started": started,
        "finished": sorted(finished),
    }


def summary(runs: list[dict]) -> dict:
    statuses = [s for run in runs for s in run["statuses"]]
    latencies = sorted(x for run in runs for x in run["latencies"])
    elapsed = sum(run["elapsed"] for run in runs)
    ok = sum(1 for s in statuses if s in (200, 201))
    return {
        "ok": ok,
        "errors": len(statuses) - ok,
        "per_s": ok / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


CLK_TCK = os.sysconf("SC_CLK_TCK")
WEB_APP, WORKERS_APP = "bench-ingest-web", "bench-ingest-workers"


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    # After "pid (comm) ": state, ppid, … utime and stime are the 12th and 13th from there.
    return data[data.rindex(")") + 2 :].split()


class CpuMeter(threading.Thread):
    """CPU seconds (user + system) of the run's processes by group: ``web`` (the gunicorn
    tree), ``workers`` (the Celery workers' and beat's trees), ``pg_web`` and ``pg_workers``
    (the PostgreSQL backends of the scratch database, by application name), ``redis``.

    Polls every ``interval`` seconds so that backends and pool processes that come and go are
    seen; a process that ends between two polls keeps its last reading. A phase's cost is the
    difference of two ``snapshot`` calls (a process first seen later counts from zero)."""

    def __init__(self, roots: dict[str, list[int]], url: str, redis_pid: int | None):
        super().__init__(daemon=True)
        self.roots, self.url, self.redis_pid = roots, url, redis_pid
        self.last: dict[int, tuple[str, float]] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.conn = None

    def _tree(self) -> dict[int, str]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                fields = _stat_fields(int(entry))
                if fields:
                    children.setdefault(int(fields[1]), []).append(int(entry))
        groups = {}
        for group, pids in self.roots.items():
            stack = list(pids)
            while stack:
                pid = stack.pop()
                groups[pid] = group
                stack.extend(children.get(pid, ()))
        if self.redis_pid:
            groups[self.redis_pid] = "redis"
        return groups

    def _backends(self) -> dict[int, str]:
        import psycopg

        if self.conn is None:
            self.conn = psycopg.connect(self.url, autocommit=True)
        rows = self.conn.execute(
            "SELECT pid, application_name FROM pg_stat_activity WHERE datname = "
            "current_database() AND application_name IN (%s, %s)",
            [WEB_APP, WORKERS_APP],
        ).fetchall()
        return {pid: "pg_web" if app == WEB_APP else "pg_workers" for pid, app in rows}

    def poll(self) -> dict[int, tuple[str, float]]:
        groups = {**self._tree(), **self._backends()}
        with self.lock:
            for pid, group in groups.items():
                fields = _stat_fields(pid)
                if fields:
                    self.last[pid] = (group, (int(fields[11]) + int(fields[12])) / CLK_TCK)
            return dict(self.last)

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a reading lost now is read at the next poll
                pass

    def snapshot(self) -> dict[int, tuple[str, float]]:
        return self.poll()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        if self.conn is not None:
            self.conn.close()

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        totals = dict.fromkeys(("web", "workers", "pg_web", "pg_workers", "redis"), 0.0)
        for pid, (group, cpu) in after.items():
            start = before.get(pid)
            totals[group] += cpu - (start[1] if start and start[0] == group else 0.0)
        return totals


def redis_pid(url: str) -> int | None:
    """The pid of the run's Redis when it runs on this machine (its CPU is counted too)."""
    import redis

    try:
        pid = int(redis.Redis.from_url(url).info("server")["process_id"])
    except Exception:  # noqa: BLE001 - no INFO: its CPU is left out
        return None
    return pid if os.path.exists(f"/proc/{pid}") else None


def per_item_ms(spent: dict[str, float], n: int, groups) -> float | None:
    return round(1000 * sum(spent[g] for g in groups) / n, 2) if n else None


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


class Sampler(threading.Thread):
    """Reads every 0.25 s how many complete responses of the version are stored and how many
    are counted (its own connection; the figures the workers write)."""

    def __init__(self, url: str, version_id: int, interval: float = 0.25):
        super().__init__(daemon=True)
        from surveys.models import Response
        from surveys.results.models import ResultResponse

        self.url, self.interval = url, interval
        self.sql = (
            f"SELECT (SELECT COUNT(*) FROM {Response._meta.db_table} WHERE version_id = "
            f"{int(version_id)} AND status = 'complete' AND NOT is_test), (SELECT COUNT(*) "
            f"FROM {ResultResponse._meta.db_table} WHERE version_id = {int(version_id)})"
        )
        self.samples: list[tuple[float, int, int]] = []
        self.stopped = threading.Event()

    def read(self, conn) -> tuple[float, int, int]:
        stored, counted = conn.execute(self.sql).fetchone()
        return time.perf_counter(), stored, counted

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopped.is_set():
                self.samples.append(self.read(conn))
                self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def wait_counted(url: str, version_id: int, timeout: float) -> tuple[bool, float]:
    """Wait until every complete response of the version is counted; (all counted, seconds)."""
    import psycopg

    sampler = Sampler(url, version_id)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        while time.perf_counter() - started < timeout:
            _t, stored, counted = sampler.read(conn)
            if stored == counted:
                return True, time.perf_counter() - started
            time.sleep(0.1)
    return False, time.perf_counter() - started


def count_delays(finished: list[float], samples: list[tuple[float, int, int]], base: int):
    """Longest wait of one response for its count: the k-th response submitted is taken as
    counted at the first sample with ``base + k`` counted (the workers count in id order, the
    order of submission up to the clients' concurrency). None when some were never counted."""
    worst = 0.0
    i = 0
    for k, submitted in enumerate(finished, start=1):
        while i < len(samples) and samples[i][2] < base + k:
            i += 1
        if i == len(samples):
            return None
        worst = max(worst, samples[i][0] - submitted)
    return worst


def start_celery(env: dict, results_concurrency: int, logdir: Path) -> list[subprocess.Popen]:
    """A worker per queue as deployed (docker/worker.sh), and beat."""
    from config.celery import DEFAULT_QUEUE, HEAVY_QUEUE, RESULTS_QUEUE

    commands = [
        (
            "results",
            [
                "worker",
                "-Q",
                RESULTS_QUEUE,
                "-n",
                "results@%h",
                "--concurrency",
                str(results_concurrency),
            ],
        ),
        ("heavy", ["worker", "-Q", HEAVY_QUEUE, "-n", "heavy@%h", "--concurrency", "1"]),
        ("default", ["worker", "-Q", DEFAULT_QUEUE, "-n", "default@%h", "--concurrency", "1"]),
        ("beat", ["beat", "--schedule", str(logdir / "celerybeat-schedule")]),
    ]
    env = {**env, "PGAPPNAME": WORKERS_APP}
    procs = []
    for name, command in commands:
        log = open(logdir / f"{name}.log", "w")  # noqa: SIM115 - open for the process's life
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *command, "-l", "warning"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def cells_equal_rebuild(version_id: int) -> bool:
    """The counted figures (rows of a key added up) equal those of a full rebuild."""

    from surveys.results import aggregation
    from surveys.results.models import ResultCell

    def published() -> list:
        totals = Counter()
        for *key, count in (
            ResultCell.objects.filter(version_id=version_id)
            .exclude(question="", metric__in=aggregation.FUNNEL_METRICS)
            .values_list("question", "breakdown", "group", "metric", "row", "key", "count")
        ):
            totals[tuple(key)] += count
        return sorted(totals.items())

    counted = published()
    aggregation.results_rebuild(version_id=version_id)
    return counted == published()


def main() -> None:
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/any "
            "(a scratch database is created next to it)"
        )
    if not args.redis_url:
        raise SystemExit("needs Redis for the broker and the workers: --redis-url redis://…")
    count = args.requests or (300 if args.quick else 3000)
    sustained_count = args.sustained or (600 if args.quick else 3000)
    cores = os.cpu_count() or 2
    workers = args.workers or 2 * cores
    results_concurrency = args.results_concurrency or cores
    bench_url = scratch_database(args.database_url)
    flush_redis(args.redis_url)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DJANGO_CONN_MAX_AGE": "600",
        "SURVEY_API_SUBMIT_RATE": "100000000/minute",
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "false",
    }
    os.environ.update(env)
    logdir = Path(tempfile.mkdtemp(prefix="survey-ingest-"))
    print(f"preparing {count} + {sustained_count} responses in {bench_db(args.database_url)} …")
    public_id, version_id, bodies, existing, answers_per_response = prepare(
        count + sustained_count + 100
    )
    warm, bodies = bodies[:100], bodies[100:]
    bodies, stream = bodies[:count], bodies[count:]
    procs = start_celery(env, results_concurrency, logdir)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--chdir",
            str(ROOT),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            # Imports of a worker's first request may take long on a loaded machine.
            "--timeout",
            "120",
        ],
        env={**env, "PGAPPNAME": WEB_APP},
        cwd=ROOT,
    )
    procs.append(proc)
    meter = CpuMeter(
        {"web": [proc.pid], "workers": [p.pid for p in procs[:-1]]},
        bench_url,
        redis_pid(args.redis_url),
    )
    try:
        wait_for(args.port, proc)
        trivial_bodies = [json.dumps({"n": i}).encode() for i in range(count)]
        path = "/api/v1/survey-responses/"
        # Warm up both endpoints (workers import, connect, fill the structure cache), and wait
        # until the Celery workers have counted the warm-up responses (they are up).
        asyncio.run(load(args.port, "/bench/trivial/", trivial_bodies[-100:], args.concurrency))
        asyncio.run(load(args.port, path, warm, args.concurrency))
        ready, _s = wait_counted(bench_url, version_id, 120)
        if not ready:
            raise SystemExit(f"the Celery workers counted nothing within 120 s; logs in {logdir}")
        print(
            f"gunicorn: {workers} sync workers on {cores} cores; Celery: results worker with "
            f"{results_concurrency} processes, heavy 1, default 1, beat; "
            f"{args.concurrency} concurrent clients; {count} requests per endpoint",
            flush=True,
        )
        # 1. Alternate the two endpoints in rounds so that load from elsewhere on the machine
        # affects both alike; each figure is total successes over total time.
        # The CPU of the web processes and their backends is added up per endpoint.
        rounds = 4
        size = count // rounds
        trivial_runs, response_runs = [], []
        meter.start()
        request_cpu = {"trivial": Counter(), "responses": Counter()}
        for r in range(rounds):
            chunk = slice(r * size, (r + 1) * size)
            before = meter.snapshot()
            trivial_runs.append(
                asyncio.run(
                    load(args.port, "/bench/trivial/", trivial_bodies[chunk], args.concurrency)
                )
            )
            middle = meter.snapshot()
            response_runs.append(
                asyncio.run(load(args.port, path, bodies[chunk], args.concurrency))
            )
            request_cpu["trivial"].update(CpuMeter.spent(before, middle))
            request_cpu["responses"].update(CpuMeter.spent(middle, meter.snapshot()))
        trivial = summary(trivial_runs)
        responses = summary(response_runs)
        web_groups = ("web", "pg_web", "redis")
        trivial_cpu_ms = per_item_ms(request_cpu["trivial"], trivial["ok"], web_groups)
        response_cpu_ms = per_item_ms(request_cpu["responses"], responses["ok"], web_groups)
        print(
            f"trivial write (1 row):     {trivial['per_s']:8.1f} req/s  "
            f"p50 {trivial['p50_ms']:.1f} ms  p95 {trivial['p95_ms']:.1f} ms  "
            f"errors {trivial['errors']}",
            flush=True,
        )
        print(
            f"complete survey responses: {responses['per_s']:8.1f} resp/s "
            f"p50 {responses['p50_ms']:.1f} ms  p95 {responses['p95_ms']:.1f} ms  "
            f"errors {responses['errors']}  (~{answers_per_response} answer rows each)",
            flush=True,
        )
        print(
            f"CPU per request (gunicorn, its PostgreSQL backends, Redis): trivial "
            f"{trivial_cpu_ms} ms, complete response {response_cpu_ms} ms",
            flush=True,
        )
        drained, drain_s = wait_counted(bench_url, version_id, 300)
        print(f"the rounds' responses all counted {drain_s:.1f} s after their last submit")
        # 2. The sustained stream, sampled.
        import psycopg

        with psycopg.connect(bench_url, autocommit=True) as conn:
            _t, base_stored, base_counted = Sampler(bench_url, version_id).read(conn)
        sampler = Sampler(bench_url, version_id)
        sampler.start()
        cpu_before = meter.snapshot()
        run = asyncio.run(load(args.port, path, stream, args.concurrency))
        last_submit = run["finished"][-1] if run["finished"] else time.perf_counter()
        deadline = last_submit + 3 * COUNT_WITHIN_S
        while time.perf_counter() < deadline:
            if sampler.samples and sampler.samples[-1][0] > last_submit:
                _t, stored, counted = sampler.samples[-1]
                if counted >= base_counted + len(run["finished"]) and stored == counted:
                    break
            time.sleep(0.05)
        stream_cpu = CpuMeter.spent(cpu_before, meter.snapshot())
        meter.stop()
        sampler.stop()
        stream_summary = summary([run])
        samples = [x for x in sampler.samples if x[0] >= run["started"]]
        target = base_counted + len(run["finished"])
        done_at = next((t for t, _s, c in samples if c >= target), None)
        largest_backlog = max((s - c for _t, s, c in samples), default=0)
        worst_wait = count_delays(run["finished"], samples, base_counted)
        counted_ok = done_at is not None
        sustained = len(run["finished"]) / (done_at - run["started"]) if counted_ok else 0.0
        lag = (done_at - last_submit) if counted_ok else None
        submit_rate = len(run["finished"]) / (last_submit - run["started"])
        n_stream = len(run["finished"]) if counted_ok else 0
        cpu_total_ms = per_item_ms(stream_cpu, n_stream, stream_cpu)
        cpu_counting_ms = per_item_ms(stream_cpu, n_stream, ("workers", "pg_workers"))
        cpu_accepting_ms = per_item_ms(stream_cpu, n_stream, ("web", "pg_web"))
        print(
            f"sustained stream of {len(stream)}: submitted {submit_rate:.1f} resp/s "
            f"(p95 {stream_summary['p95_ms']:.1f} ms, errors {stream_summary['errors']}); "
            + (
                f"submitted AND counted {sustained:.1f} resp/s; all counted {lag:.1f} s after "
                f"the last submit; largest backlog {largest_backlog}; longest wait of one "
                f"response for its count {worst_wait:.1f} s"
                if counted_ok
                else f"NOT all counted within {3 * COUNT_WITHIN_S} s of the last submit "
                f"(largest backlog {largest_backlog}); worker logs in {logdir}"
            ),
            flush=True,
        )
        print(
            f"CPU per counted response: {cpu_total_ms} ms in all (accepting: gunicorn and its "
            f"backends {cpu_accepting_ms} ms; counting: Celery and its backends "
            f"{cpu_counting_ms} ms; Redis {per_item_ms(stream_cpu, n_stream, ['redis'])} ms)",
            flush=True,
        )
        # 3. Retries, and the counted figures against a rebuild.
        retries = summary([asyncio.run(load(args.port, path, bodies[:200], args.concurrency))])
        from surveys.models import Response

        stored = Response.objects.count() - existing
        expected = len(warm) + responses["ok"] + stream_summary["ok"]
        print(
            f"retried {retries['ok']} submissions: {stored} responses stored, "
            f"{expected} expected (no duplicates: {stored == expected})",
            flush=True,
        )
        wait_counted(bench_url, version_id, 60)
        stop(procs)
        equal = cells_equal_rebuild(version_id)
        print(f"counted figures equal a full rebuild: {equal}", flush=True)
    finally:
        stop(procs)
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        flush_redis(args.redis_url)
    ratio = responses["per_s"] / trivial["per_s"] if trivial["per_s"] else 0.0
    sustained_ratio = sustained / trivial["per_s"] if trivial["per_s"] else 0.0
    print(f"ratio responses/trivial: {ratio:.2f}; sustained/trivial: {sustained_ratio:.2f}")
    print(
        json.dumps(
            {
                "responses_per_s": round(responses["per_s"], 1),
                "trivial_per_s": round(trivial["per_s"], 1),
                "throughput_ratio": round(ratio, 3),
                "answers_per_response": answers_per_response,
                "responses_p50_ms": round(responses["p50_ms"], 1),
                "responses_p95_ms": round(responses["p95_ms"], 1),
                "trivial_p95_ms": round(trivial["p95_ms"], 1),
                "rounds_counted_after_s": round(drain_s, 1) if drained else None,
                "sustained_responses": len(run["finished"]),
                "sustained_submit_per_s": round(submit_rate, 1),
                "sustained_submit_p95_ms": round(stream_summary["p95_ms"], 1),
                "sustained_per_s": round(sustained, 1),
                "sustained_to_trivial": round(sustained_ratio, 3),
                "trivial_cpu_ms_per_request": trivial_cpu_ms,
                "response_cpu_ms_per_request": response_cpu_ms,
                "request_cpu_ratio": round(trivial_cpu_ms / response_cpu_ms, 3)
                if trivial_cpu_ms and response_cpu_ms
                else None,
                "cpu_ms_per_counted_response": cpu_total_ms,
                "cpu_ms_per_counted_response_accepting": cpu_accepting_ms,
                "cpu_ms_per_counted_response_counting": cpu_counting_ms,
                "counted_after_last_submit_s": round(lag, 2) if lag is not None else None,
                "largest_backlog": largest_backlog,
                "longest_count_wait_s": round(worst_wait, 2) if worst_wait is not None else None,
                "all_counted_within_60s": bool(
                    counted_ok and worst_wait is not None and worst_wait <= COUNT_WITHIN_S
                ),
                "equals_rebuild": equal,
                "errors": responses["errors"] + trivial["errors"] + stream_summary["errors"],
                "duplicates": stored - expected,
                "requests": count,
                "concurrency": args.concurrency,
                "workers": workers,
                "results_worker_processes": results_concurrency,
                "cores": cores,
                "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
