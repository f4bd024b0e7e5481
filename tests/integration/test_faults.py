"""The fault test: a stream of public submissions through the API while the Celery worker is
killed, the broker is unreachable, and then all of Redis (broker and cache) is unreachable.

Afterwards every stored response is counted, the figures equal a full rebuild, and no
respondent saw an error for a response that was stored. Redis is made unreachable through a
proxy of this test's own (``faults.CuttableProxy``): the shared Redis server is never touched.
Prints the figures (submitted, stored, counted, seconds until all were counted).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from surveys.models import Response, Survey
from surveys.results import aggregation
from surveys.results.models import ResultPending, ResultResponse
from surveys.services import definition as defs
from tests.factories import ProcessFactory
from tests.surveys.conftest import all_types_definition
from tests.surveys.results_helpers import random_answers

from .conftest import ROOT
from .faults import CuttableProxy

pytestmark = pytest.mark.integration

SUBMISSIONS = 150


def _redis_target() -> tuple[str, int]:
    from urllib.parse import urlparse

    url = urlparse(os.environ["REDIS_URL"])
    return url.hostname or "127.0.0.1", url.port or 6379


def _db_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """``celery worker -B`` (with the relay beat every second) on a private queue, through the
    broker proxy; ``kill()`` is a SIGKILL, as when the host loses the process."""

    def __init__(self, broker_url: str, queue: str, tmp_path):
        self.env = {
            **os.environ,
            "DATABASE_URL": _db_url(),
            "REDIS_URL": broker_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_TASK_QUEUE_OVERRIDE": queue,
            "SURVEY_RESULTS_RELAY_SECONDS": "1",
            "TEILHABE_WORKER": "1",
        }
        self.queue = queue
        self.tmp_path = tmp_path
        self.proc: subprocess.Popen | None = None
        self.log = ROOT / "test-artifacts" / f"faults-{queue}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log, "a")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "--schedule",
                str(self.tmp_path / f"beat-{self.starts}"),
                "-Q",
                self.queue,
                "--pool",
                "solo",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}-{self.starts}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def faults(transactional_db, tmp_path):
    from config.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: the fault test needs Redis")
    if connection.vendor != "postgresql":
        pytest.fail("the fault test needs PostgreSQL: set DATABASE_URL=postgres://...")
    target = _redis_target()
    broker = CuttableProxy(target)
    cache = CuttableProxy(target)
    queue = f"teilhabe-faults-{uuid.uuid4().hex[:8]}"
    db_index = os.environ["REDIS_URL"].rsplit("/", 1)[-1] or "0"
    worker = Worker(broker.url(db_index), queue, tmp_path)
    old = {
        key: app.conf[key]
        for key in ("task_always_eager", "task_default_queue", "broker_url", "broker_write_url")
    }
    old_override = app.conf.get("task_queue_override")
    app.conf.task_queue_override = queue  # every task to this worker, whatever its queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.conf.broker_url = broker.url(db_index)
    app.conf.broker_write_url = None
    # The web side's producer connections go through the proxy from now on.
    app._pool = None
    app.amqp._producer_pool = None
    caches = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": cache.url(db_index),
            "OPTIONS": {"retry_after": 2},
        }
    }
    try:
        with override_settings(CACHES=caches):
            worker.start()
            yield {"broker": broker, "cache": cache, "worker": worker, "app": app}
    finally:
        worker.stop()
        # Fresh pools for the tests that follow (the proxy's connections die with it).
        app._pool = None
        app.amqp._producer_pool = None
        for key, value in old.items():
            app.conf[key] = value
        app.conf.task_queue_override = old_override
        broker.close()
        cache.close()


def test_no_stored_response_is_lost_or_reported_as_an_error(faults, capsys, monkeypatch):
    broker, cache, worker = faults["broker"], faults["cache"], faults["worker"]
    survey = defs.survey_create_from_definition(
        user=None, process=ProcessFactory(), definition=all_types_definition(), status="open"
    )
    assert survey.status == Survey.Status.OPEN
    version_id = survey.current_version_id
    client = APIClient()
    rng = random.Random(20)
    seen: dict[str, int] = {}  # client id -> the status the respondent saw (last attempt)
    retries = 0
    timeline = []
    started = time.monotonic()

    def submit(i: int, client_id: str, answers: dict) -> int:
        reply = client.post(
            "/api/v1/survey-responses/",
            {
                "survey": survey.public_id,
                "client_id": client_id,
                "language": "de",
                "answers": answers,
            },
            format="json",
            REMOTE_ADDR=f"10.1.{i // 200}.{i % 200 + 1}",
        )
        return reply.status_code

    from surveys.results import services as results_services

    refusals = []
    publish = results_services.results_drain_request

    def counting_publish(*, version_id):
        took = publish(version_id=version_id)
        if not took:
            refusals.append(version_id)
        return took

    monkeypatch.setattr(results_services, "results_drain_request", counting_publish)
    for i in range(SUBMISSIONS):
        # The faults, at fixed points of the stream.
        if i == 20:
            worker.kill()
            timeline.append(("worker killed", i))
        elif i == 35:
            worker.start()
            timeline.append(("worker restarted", i))
        elif i == 55:
            broker.cut()
            timeline.append(("broker unreachable", i))
        elif i == 80:
            broker.restore()
            timeline.append(("broker back", i))
        elif i == 100:
            broker.cut()
            cache.cut()
            timeline.append(("all of Redis unreachable", i))
        elif i == 125:
            broker.restore()
            cache.restore()
            timeline.append(("Redis back", i))
        client_id = str(uuid.uuid4())
        answers = random_answers(rng)
        status = submit(i, client_id, answers)
        if i % 10 == 3:
            # A client that did not see the answer retries with the same id: harmless.
            retries += 1
            again = submit(i, client_id, answers)
            assert again in (200, 201), (i, again)
            status = again if status >= 400 else status
        seen[client_id] = status
        time.sleep(0.05)
    submitted_at = time.monotonic()
    broker_refusals = len(refusals)

    stored_ids = set(
        str(c)
        for c in Response.objects.filter(
            survey=survey, status=Response.Status.COMPLETE
        ).values_list("client_id", flat=True)
    )
    errors_for_stored = {cid: s for cid, s in seen.items() if cid in stored_ids and s >= 400}
    stored = len(stored_ids)

    deadline = time.monotonic() + 90
    counted = 0
    while time.monotonic() < deadline:
        counted = ResultResponse.objects.filter(version_id=version_id).count()
        if counted == stored and not ResultPending.objects.filter(version_id=version_id).exists():
            break
        time.sleep(0.5)
    counted_after = time.monotonic() - submitted_at

    from tests.surveys.test_results_aggregation import snapshot

    incremental = snapshot(version_id)
    rebuilt_count = aggregation.results_rebuild(version_id=version_id)
    rebuilt = snapshot(version_id)

    figures = {
        "submitted": SUBMISSIONS,
        "retries": retries,
        "stored": stored,
        "counted": counted,
        "errors_seen_for_stored": len(errors_for_stored),
        "publishes_refused_by_the_broker": broker_refusals,
        "seconds_until_all_counted": round(counted_after, 1),
        "stream_seconds": round(submitted_at - started, 1),
        "worker_starts": worker.starts,
        "faults": timeline,
    }
    with capsys.disabled():
        print("\nfault test:", json.dumps(figures))
    assert broker_refusals > 0, "the web side never met the unreachable broker"
    assert errors_for_stored == {}
    assert stored == SUBMISSIONS  # every submission was stored (the database never failed)
    assert counted == stored, figures
    assert rebuilt_count == stored and rebuilt == incremental
    assert aggregation.versions_out_of_step() == []
