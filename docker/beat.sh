#!/bin/sh
# The one Celery beat of a deployment (periodic housekeeping, reconcile, reminders).
# Run exactly one: two would queue every periodic task twice.
set -eu
exec celery -A config beat -l "${CELERY_LOG_LEVEL:-info}" \
  --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}"
