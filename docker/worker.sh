#!/bin/sh
# A Celery worker for the queues given as the first argument (comma-separated), e.g.
#   docker/worker.sh email        docker/worker.sh heavy        docker/worker.sh results,default
# CELERY_CONCURRENCY sets its pool size (default 1: heavy tasks need the memory).
set -eu
queues="${1:?usage: worker.sh QUEUE[,QUEUE...]}"
exec celery -A config worker -Q "$queues" -n "${queues%%,*}@%h" \
  --concurrency "${CELERY_CONCURRENCY:-1}" -l "${CELERY_LOG_LEVEL:-info}"
