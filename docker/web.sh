#!/bin/sh
# A web process: gunicorn with config/gunicorn.py (bind, workers, timeouts from the environment).
set -eu
exec gunicorn config.wsgi:application -c config/gunicorn.py
