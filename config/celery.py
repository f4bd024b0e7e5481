"""The Celery app. Tasks are named ``<app>.<verb>_<noun>`` and discovered per app.

Queues and routing
------------------
Work of different kinds goes to different queues so that a long rebuild never delays an
invitation email or the count of a just submitted response:

``email``    everything that talks to the mail server (one slow SMTP server delays only mail)
``results``  the incremental survey results (small, many, should be counted within seconds)
``heavy``    rebuilds, exports, imports, computations, documents (minutes, much memory)
``default``  everything else: housekeeping, reconcile, reminders scheduling

A task lands in the queue of the FIRST row of ``TASK_ROUTES`` whose pattern (shell-style, on
the task name) matches; a task that matches no row goes to ``default``. So a task added later
needs no routing entry when its name follows the convention: ``workshops.send_reminder`` goes
to ``email``, ``measures.build_document`` to ``heavy``. Every deployment must run at least one
worker per queue (see README, "Deploy").
"""

import fnmatch
import os

from celery import Celery

# The settings that fail safe: a process started without DJANGO_SETTINGS_MODULE is production
# and refuses to start without its secrets, instead of running the development setup.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

EMAIL_QUEUE = "email"
RESULTS_QUEUE = "results"
HEAVY_QUEUE = "heavy"
DEFAULT_QUEUE = "default"
QUEUES = (EMAIL_QUEUE, RESULTS_QUEUE, HEAVY_QUEUE, DEFAULT_QUEUE)

# (pattern on the task name, queue); first match wins. Exact names first, then conventions.
TASK_ROUTES: list[tuple[str, str]] = [
    ("surveys.aggregate_response", RESULTS_QUEUE),
    ("surveys.drain_results", RESULTS_QUEUE),
    ("surveys.refresh_funnel", RESULTS_QUEUE),
    ("surveys.reconcile_results", DEFAULT_QUEUE),
    ("*.send_*", EMAIL_QUEUE),
    ("*_email", EMAIL_QUEUE),
    ("*.notify_*", EMAIL_QUEUE),
    ("*.rebuild_*", HEAVY_QUEUE),
    ("*.compact_*", HEAVY_QUEUE),
    ("*.build_*", HEAVY_QUEUE),
    ("*.export_*", HEAVY_QUEUE),
    ("*.import_*", HEAVY_QUEUE),
    ("*.compute_*", HEAVY_QUEUE),
    ("*.render_*", HEAVY_QUEUE),
    ("*.generate_*", HEAVY_QUEUE),
]
_COMPILED = [(fnmatch.translate(pattern), queue) for pattern, queue in TASK_ROUTES]


def queue_for(name: str) -> str:
    """The queue a task of this name goes to (see the module docstring)."""
    import re

    for regex, queue in _COMPILED:
        if re.match(regex, name):
            return queue
    return DEFAULT_QUEUE


def route_task(name, args, kwargs, options, task=None, **kw):
    # A test worker (or a one-process setup) may consume one queue only: then it gets all.
    override = app.conf.get("task_queue_override")
    return {"queue": override or queue_for(name)}


app = Celery("teilhabe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_routes = (route_task,)
app.conf.task_default_queue = DEFAULT_QUEUE
app.autodiscover_tasks()

# Options of every task that sends one email: late acknowledgement, retries with backoff on
# network and temporary SMTP errors (smtplib.SMTPException is an OSError), short time limits.
# A permanent refusal by the mail server is recorded by the service and not retried.
EMAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
    "soft_time_limit": 60,
    "time_limit": 90,
}


def _parse_rate(rate: str) -> tuple[int, int]:
    """``"60/m"`` → (60, 60): how many per how many seconds (``s``, ``m``, ``h``)."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600}[(unit or "s").strip()[:1].lower()]
    return int(count), seconds


def global_rate_wait(key: str, rate: str) -> float:
    """Take one slot of a limit shared by every worker on every host; return 0.0 when taken,
    else the seconds until the next window.

    Celery's own ``rate_limit`` counts per worker process, so N workers would send N times the
    limit. This one counts in the shared cache (Redis in production) per fixed window.
    """
    import time

    from django.core.cache import cache

    limit, period = _parse_rate(rate)
    now = time.time()
    window = int(now // period)
    cache_key = f"task-rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=period * 2)
    try:
        taken = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(cache_key, 1, timeout=period * 2)
        taken = 1
    if taken <= limit:
        return 0.0
    return (window + 1) * period - now
