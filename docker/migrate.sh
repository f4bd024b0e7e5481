#!/bin/sh
# Once per deploy, before the new web and worker processes start.
set -eu
python manage.py migrate --noinput
python manage.py check --deploy
