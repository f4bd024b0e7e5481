"""gunicorn's configuration (``gunicorn -c config/gunicorn.py config.wsgi:application``).

Everything an operator may change comes from the environment (see .env.example).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Web processes are cheap to add; more hosts scale further (the app keeps no local state).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # heavy work runs in Celery, not here
graceful_timeout = 30
keepalive = 5
# Replace each process after a while, so a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# One setting names the reverse proxies (TRUSTED_PROXIES, also read by Django's
# core.clientaddr): gunicorn believes their X-Forwarded-Proto, Django their X-Forwarded-For.
# Without proxies nothing forwarded is believed.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "").strip() or "127.0.0.1"
# Django writes the access log (logger teilhabe.access): it knows the client address behind
# the proxy and leaves personal survey tokens and respondents' addresses out. gunicorn's own
# access log (the proxy's address, full paths) only when asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
