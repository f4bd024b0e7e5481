#!/usr/bin/env python
"""300 participants voting at once in a workshop, under gunicorn and PostgreSQL.

Creates a scratch PostgreSQL database (``teilhabe_bench_workshop`` next to ``DATABASE_URL``),
migrates it, creates a process, two facilitators and a running workshop with idea cards,
starts gunicorn on 127.0.0.1 (port chosen at random) and drives it with asyncio clients
(plain sockets, stdlib):

- 300 participants join by the workshop code (``POST /api/v1/workshop-join/``);
- per round the facilitator opens a dot vote (3 dots, at most 2 per card) and every
  participant casts one ballot (``POST /api/v1/workshop-ballots/``), ``--concurrency``
  ballots in flight at a time; meanwhile two facilitators add cards
  (``POST /api/v1/workshop-cards/``) and refresh the board
  (``GET /api/v1/workshops/<id>/board/``) as their browsers do;
- the trivial one-row write ``POST /bench/trivial/`` is measured in the same run, alternating
  with the ballots, as the baseline;
- afterwards every participant tries a second ballot (all must be refused), the vote is
  closed through the service and the stored counts are compared with what the clients sent:
  ``lost`` ballots (acknowledged but not stored) and ``double_counted`` ones (stored twice,
  or dots that add up to more than was acknowledged) must both be 0.

The last line is one JSON object.

    python benchmarks/workshop_vote.py            # 4 votes of 300 participants
    python benchmarks/workshop_vote.py --quick    # 1 vote
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
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
BENCH_DB = "teilhabe_bench_workshop"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one vote instead of four")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=None, help="votes (default 4, quick 1)")
    parser.add_argument("--concurrency", type=int, default=16, help="ballots in flight")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    return parser.parse_args()


def admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def scratch_database(url: str) -> str:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunparse(urlparse(url)._replace(path=f"/{BENCH_DB}"))


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def prepare() -> dict:
    """Migrate; a process, staff, two facilitators with API tokens, a running workshop."""
    import django

    django.setup()
    from datetime import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from participation.models import FieldOfAction, Process, ProcessMembership, TargetGroup
    from workshops import services

    call_command("migrate", verbosity=0)
    User = get_user_model()
    process = Process.objects.create(
        title="Benchmark", territory="Kreis", period_start="2025-01-01", period_end="2026-12-31"
    )
    process.fields_of_action.set(FieldOfAction.objects.all())
    process.target_groups.set(TargetGroup.objects.all())
    staff = User.objects.create_user("bench-staff")
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    facilitators = []
    for n in (1, 2):
        user = User.objects.create_user(f"bench-facilitator-{n}")
        ProcessMembership.objects.create(process=process, user=user, role="facilitator")
        facilitators.append(user)
    workshop = services.workshop_save(
        process=process,
        user=staff,
        title="Workshop Sprache",
        fields_of_action=[FieldOfAction.objects.get(code="language")],
        starts_at=timezone.make_aware(datetime(2025, 10, 7, 14, 0)),
        place="Kreishaus",
        capacity=400,
        facilitators=facilitators,
    )
    workshop = services.workshop_transition(workshop=workshop, user=staff, to="running")
    cards = [
        services.card_create(
            workshop=workshop, user=facilitators[0], text=f"Idee {n}", column="ideas"
        )[0].pk
        for n in range(12)
    ]
    tokens = [Token.objects.create(user=u).key for u in facilitators]
    connection.close()
    return {
        "workshop": workshop.pk,
        "code": workshop.join_code,
        "cards": cards,
        "tokens": tokens,
        "facilitator": facilitators[0].pk,
    }


async def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    writer.write(
        (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}"
            "Connection: close\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if len(data) >= 12 else 0
    return status, data.split(b"\r\n\r\n", 1)[-1]


async def timed(port, method, path, body=b"", headers=None):
    started = time.perf_counter()
    try:
        status, payload = await request(port, method, path, body, headers)
    except OSError:
        status, payload = 0, b""
    return status, payload, time.perf_counter() - started


async def pool(jobs, concurrency: int) -> tuple[list, float]:
    """Run the coroutine factories ``jobs`` with at most ``concurrency`` in flight."""
    queue = list(reversed(jobs))
    results = []

    async def worker():
        while queue:
            results.append(await queue.pop()())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results, time.perf_counter() - started


async def facilitators_at_work(port: int, ctx: dict, stop: asyncio.Event, stats: dict) -> None:
    """Two facilitators: each adds a card every ~0.4 s and refreshes the board every ~1.5 s."""

    async def one(token: str, n: int):
        headers = {"Authorization": f"Token {token}"}
        last_board = 0.0
        i = 0
        while not stop.is_set():
            i += 1
            body = json.dumps(
                {
                    "workshop": ctx["workshop"],
                    "text": f"Karte {n}-{i}",
                    "column": "ist",
                    "client_key": f"f{n}-{i}-{time.time()}",
                }
            )
            status, _p, seconds = await timed(
                port, "POST", "/api/v1/workshop-cards/", body.encode(), headers
            )
            stats["cards"].append((status, seconds))
            if time.perf_counter() - last_board > 1.5:
                last_board = time.perf_counter()
                status, _p, seconds = await timed(
                    port, "GET", f"/api/v1/workshops/{ctx['workshop']}/board/", b"", headers
                )
                stats["board"].append((status, seconds))
            await asyncio.sleep(0.4)

    await asyncio.gather(*(one(token, n) for n, token in enumerate(ctx["tokens"], start=1)))


def open_vote(ctx: dict, round_no: int) -> tuple[int, list[int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from workshops import services
    from workshops.models import Card, Workshop

    workshop = Workshop.objects.get(pk=ctx["workshop"])
    user = get_user_model().objects.get(pk=ctx["facilitator"])
    vote = services.vote_open(
        workshop=workshop,
        user=user,
        title=f"Runde {round_no}",
        cards=list(Card.objects.filter(pk__in=ctx["cards"])),
        dots_per_participant=3,
        max_per_item=2,
    )
    items = list(vote.items.values_list("pk", flat=True))
    connection.close()
    return vote.pk, items


def check_vote(vote_id: int, ctx: dict, acknowledged: list[dict]) -> tuple[int, int]:
    """(lost, double_counted) after closing the vote through the service."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count

    from workshops import services
    from workshops.models import Ballot, Vote

    vote = Vote.objects.get(pk=vote_id)
    services.vote_close(vote=vote, user=get_user_model().objects.get(pk=ctx["facilitator"]))
    stored = Ballot.objects.filter(vote=vote).count()
    twice = (
        Ballot.objects.filter(vote=vote)
        .values("participant")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    expected = {}
    for dots in acknowledged:
        for item, n in dots.items():
            expected[int(item)] = expected.get(int(item), 0) + n
    counted = dict(vote.items.values_list("pk", "dots"))
    over = sum(max(0, (counted.get(i) or 0) - expected.get(i, 0)) for i in counted)
    under = sum(max(0, expected.get(i, 0) - (counted.get(i) or 0)) for i in expected)
    connection.close()
    lost = max(0, len(acknowledged) - stored) + (1 if under and stored >= len(acknowledged) else 0)
    double = max(0, stored - len(acknowledged)) + twice + (1 if over else 0)
    return lost, double


def p95(values: list[float]) -> float:
    values = sorted(values)
    return 1000 * values[int(0.95 * (len(values) - 1))] if values else 0.0


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


async def run_round(port, ctx, vote_id, items, keys, concurrency, rng, stats):
    """All participants vote (closed loop, ``concurrency`` in flight) while the facilitators
    work; then every participant tries again (must be refused)."""
    stop = asyncio.Event()
    background = asyncio.create_task(facilitators_at_work(port, ctx, stop, stats))
    ballots = []
    for key in keys:
        dots: dict[str, int] = {}
        for _ in range(3):
            item = str(rng.choice(items))
            if dots.get(item, 0) < 2:
                dots[item] = dots.get(item, 0) + 1
        ballots.append((key, dots))

    def job(key, dots):
        async def go():
            body = json.dumps({"vote": vote_id, "dots": dots}).encode()
            status, _p, seconds = await timed(
                port, "POST", "/api/v1/workshop-ballots/", body, {"X-Workshop-Device": key}
            )
            return status, seconds, dots

        return go

    results, elapsed = await pool([job(k, d) for k, d in ballots], concurrency)
    retry, _t = await pool([job(k, d) for k, d in ballots[:100]], concurrency)
    stop.set()
    await background
    return results, elapsed, retry


async def trivial_round(port, count, concurrency):
    def job(n):
        async def go():
            status, _p, seconds = await timed(
                port, "POST", "/bench/trivial/", json.dumps({"n": n}).encode()
            )
            return status, seconds

        return go

    return await pool([job(n) for n in range(count)], concurrency)


async def join_all(port, code, count, concurrency):
    def job(n):
        async def go():
            status, payload, _s = await timed(
                port, "POST", "/api/v1/workshop-join/", json.dumps({"code": code}).encode()
            )
            return json.loads(payload)["device_key"] if status == 201 else None

        return go

    keys, _elapsed = await pool([job(n) for n in range(count)], concurrency)
    return [k for k in keys if k]


def main() -> None:
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/any "
            "(a scratch database is created next to it)"
        )
    rounds = args.rounds or (1 if args.quick else 4)
    cores = os.cpu_count() or 2
    workers = args.workers or 2 * cores
    port = args.port or random.randint(20000, 40000)
    bench_url = scratch_database(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DJANGO_CONN_MAX_AGE": "600",
        "REDIS_URL": "",
        "DJANGO_DEBUG": "false",
    }
    os.environ.update(env)
    print(f"preparing the workshop in {BENCH_DB} …", flush=True)
    ctx = prepare()
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
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=ROOT,
    )
    rng = random.Random(11)
    stats = {"cards": [], "board": []}
    ballot_results, ballot_time, trivial_results, trivial_time = [], 0.0, [], 0.0
    lost = double = refused_ok = retried = 0
    try:
        wait_for(port, proc)
        asyncio.run(trivial_round(port, 100, args.concurrency))  # warm the workers
        keys = asyncio.run(join_all(port, ctx["code"], args.participants, args.concurrency))
        print(
            f"gunicorn: {workers} sync workers on {cores} cores; {len(keys)} participants "
            f"joined; {args.concurrency} ballots in flight; {rounds} vote(s)",
            flush=True,
        )
        for round_no in range(1, rounds + 1):
            results, elapsed, _ = None, 0.0, None
            trivial, t_elapsed = asyncio.run(
                trivial_round(port, args.participants, args.concurrency)
            )
            trivial_results += trivial
            trivial_time += t_elapsed
            vote_id, items = open_vote(ctx, round_no)
            results, elapsed, retry = asyncio.run(
                run_round(port, ctx, vote_id, items, keys, args.concurrency, rng, stats)
            )
            ballot_results += results
            ballot_time += elapsed
            retried += len(retry)
            refused_ok += sum(1 for status, _s, _d in retry if status == 400)
            acknowledged = [dots for status, _s, dots in results if status == 201]
            round_lost, round_double = check_vote(vote_id, ctx, acknowledged)
            lost += round_lost
            double += round_double
            print(
                f"vote {round_no}: {len(acknowledged)} ballots acknowledged in "
                f"{elapsed:.2f} s; lost {round_lost}, double {round_double}",
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
    ok = [r for r in ballot_results if r[0] == 201]
    errors = len(ballot_results) - len(ok)
    trivial_ok = [r for r in trivial_results if r[0] == 201]
    ballots_per_s = len(ok) / ballot_time if ballot_time else 0.0
    trivial_per_s = len(trivial_ok) / trivial_time if trivial_time else 0.0
    ratio = ballots_per_s / trivial_per_s if trivial_per_s else 0.0
    ballot_p95 = p95([s for _st, s, _d in ok])
    board_p95 = p95([s for st, s in stats["board"] if st == 200])
    cards_ok = sum(1 for st, _s in stats["cards"] if st in (200, 201))
    print(
        f"ballots:        {ballots_per_s:8.1f} /s  p50 "
        f"{1000 * statistics.median([s for _st, s, _d in ok] or [0]):.1f} ms  "
        f"p95 {ballot_p95:.1f} ms  errors {errors}"
    )
    print(
        f"trivial write:  {trivial_per_s:8.1f} /s  p95 {p95([s for _st, s in trivial_ok]):.1f} ms"
    )
    print(
        f"board refresh:  {len(stats['board'])} requests, p95 {board_p95:.1f} ms; "
        f"cards added meanwhile {cards_ok} (p95 {p95([s for _st, s in stats['cards']]):.1f} ms)"
    )
    print(f"second ballots refused: {refused_ok} of {retried}")
    print(f"ratio ballots/trivial: {ratio:.2f}  (machine shared with other work)")
    print(
        json.dumps(
            {
                "ballots": len(ok),
                "ballots_per_s": round(ballots_per_s, 1),
                "ballot_p95_ms": round(ballot_p95, 1),
                "board_p95_ms": round(board_p95, 1),
                "trivial_per_s": round(trivial_per_s, 1),
                "throughput_ratio": round(ratio, 3),
                "lost": lost,
                "double_counted": double + (retried - refused_ok),
                "ballot_errors": errors,
                "cards_added": cards_ok,
                "participants": args.participants,
                "rounds": rounds,
                "concurrency": args.concurrency,
                "workers": workers,
                "cores": cores,
            }
        )
    )


if __name__ == "__main__":
    main()
