#!/bin/sh
# The image's HEALTHCHECK: what "healthy" means depends on the process kind (TEILHABE_PROCESS).
set -eu
case "${TEILHABE_PROCESS:-web}" in
  web)
    curl -fsS -H "X-Forwarded-Proto: https" "http://127.0.0.1:${PORT:-8000}/healthz" >/dev/null ;;
  worker)
    celery -A config inspect ping -d "${CELERY_NODE:?}@$(hostname)" --timeout 10 >/dev/null ;;
  beat)
    # beat rewrites its schedule file at least every few minutes while it runs
    test -n "$(find "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}"* -mmin -10 2>/dev/null)" ;;
  *)
    exit 0 ;;
esac
