"""The Celery app. Tasks are named ``<app>.<verb>_<noun>`` and discovered per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("teilhabe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Options of every task that sends one email: late acknowledgement, retries with backoff on
# network and SMTP errors (smtplib.SMTPException is an OSError), short time limits.
EMAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
    "soft_time_limit": 60,
    "time_limit": 90,
}
