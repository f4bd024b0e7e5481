"""A real Celery worker on Redis, against the test database (PostgreSQL in CI)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(transactional_db):
    """Start ``celery worker`` in a subprocess on a private queue; tasks sent in the test go to it.

    The worker reads the same test database (the test commits, hence ``transactional_db``).
    """
    from config.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: the integration tests need Redis")
    queue = f"teilhabe-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.fail("a real worker needs a shared database: set DATABASE_URL=postgres://...")
    db_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEILHABE_WORKER": "1",
        # Tasks the worker itself queues stay on this private queue too.
        "CELERY_TASK_QUEUE_OVERRIDE": queue,
    }
    log_path = ROOT / "test-artifacts" / f"{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    old = (app.conf.task_always_eager, app.conf.get("task_queue_override"))
    app.conf.task_always_eager = False
    app.conf.task_queue_override = queue  # every task to this worker, whatever its queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"worker exited early, see {log_path}:\n{log_path.read_text()}")
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
            if replies:
                break
        else:
            pytest.fail(f"worker did not start within 60 s, see {log_path}")
        yield {"app": app, "queue": queue, "proc": proc, "log": log_path}
    finally:
        app.conf.task_always_eager, app.conf.task_queue_override = old
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
