#!/usr/bin/env python
"""Whole-response ingest throughput of the survey API under gunicorn and PostgreSQL.

Creates a scratch PostgreSQL database (``teilhabe_bench_ingest`` on the server named by
``DATABASE_URL`` or ``--database-url``), migrates it, seeds the demo (the resident survey),
starts gunicorn on 127.0.0.1 and, from concurrent asyncio clients (plain sockets, stdlib),
submits complete responses to ``POST /api/v1/survey-responses/``. In the same run it measures a
trivial endpoint that writes one row (``POST /bench/trivial/``) as the baseline, then retries a
sample of submissions to check that no second response appears. Prints both throughputs and
their ratio; the last line is one JSON object.

    python benchmarks/survey_ingest.py            # 3000 requests per endpoint
    python benchmarks/survey_ingest.py --quick    # 300
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
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "teilhabe_bench_ingest"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (300 requests each)")
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="broker the web processes queue their Celery tasks to, as in a deployment (the "
        "aggregation of each completed response then runs in workers, measured by "
        "survey_aggregation.py, not in the request); the queue is emptied afterwards. "
        "Pass '' to run tasks eagerly inside the request instead.",
    )
    return parser.parse_args()


def scratch_database(url: str) -> str:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunparse(parts._replace(path=f"/{BENCH_DB}"))


def drop_database(url: str) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def prepare(count: int) -> tuple[str, list[bytes], int]:
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
    return survey.public_id, bodies, existing, rows // max(count, 1)


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

    async def worker():
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            try:
                status = await post(port, path, body)
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses.append(status)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"statuses": statuses, "latencies": latencies, "elapsed": elapsed}


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


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
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
    raise SystemExit("gunicorn did not answer within 60 s")


def main() -> None:
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/any "
            "(a scratch database is created next to it)"
        )
    count = args.requests or (300 if args.quick else 3000)
    cores = os.cpu_count() or 2
    workers = args.workers or 2 * cores
    bench_url = scratch_database(args.database_url)
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
    print(f"preparing {count} responses to the resident survey in {BENCH_DB} …", flush=True)
    public_id, bodies, existing, answers_per_response = prepare(count + 100)
    warm, bodies = bodies[:100], bodies[100:]
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
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(args.port, proc)
        trivial_bodies = [json.dumps({"n": i}).encode() for i in range(count)]
        path = "/api/v1/survey-responses/"
        # Warm up both endpoints (workers import, connect, fill the structure cache).
        asyncio.run(load(args.port, "/bench/trivial/", trivial_bodies[-100:], args.concurrency))
        asyncio.run(load(args.port, path, warm, args.concurrency))
        print(
            f"gunicorn: {workers} sync workers on {cores} cores; "
            f"{args.concurrency} concurrent clients; {count} requests per endpoint",
            flush=True,
        )
        # Alternate the two endpoints in rounds so that load from elsewhere on the machine
        # affects both alike; each figure is total successes over total time.
        rounds = 4
        size = count // rounds
        trivial_runs, response_runs = [], []
        for r in range(rounds):
            chunk = slice(r * size, (r + 1) * size)
            trivial_runs.append(
                asyncio.run(
                    load(args.port, "/bench/trivial/", trivial_bodies[chunk], args.concurrency)
                )
            )
            response_runs.append(
                asyncio.run(load(args.port, path, bodies[chunk], args.concurrency))
            )
        trivial = summary(trivial_runs)
        responses = summary(response_runs)
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
        retries = summary([asyncio.run(load(args.port, path, bodies[:200], args.concurrency))])
        from surveys.models import Response

        stored = Response.objects.count() - existing
        expected = len(warm) + responses["ok"]
        print(
            f"retried {retries['ok']} submissions: {stored} responses stored, "
            f"{expected} expected (no duplicates: {stored == expected})",
            flush=True,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        if args.redis_url:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()  # the queued tasks of the run
    ratio = responses["per_s"] / trivial["per_s"] if trivial["per_s"] else 0.0
    print(f"ratio responses/trivial: {ratio:.2f}")
    print(
        json.dumps(
            {
                "responses_per_s": round(responses["per_s"], 1),
                "trivial_per_s": round(trivial["per_s"], 1),
                "throughput_ratio": round(ratio, 3),
                "answers_per_response": answers_per_response,
                "responses_p95_ms": round(responses["p95_ms"], 1),
                "trivial_p95_ms": round(trivial["p95_ms"], 1),
                "errors": responses["errors"] + trivial["errors"],
                "duplicates": stored - expected,
                "requests": count,
                "concurrency": args.concurrency,
                "workers": workers,
                "cores": cores,
            }
        )
    )


if __name__ == "__main__":
    main()
