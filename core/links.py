"""Personal links without an account, asked for on a schedule and followed by reminders.

Shared by the monitoring's data requests and the measures' progress reporting. A model that
uses it has a unique ``token``, ``last_reminded_at`` and ``reminders_sent``; the owning app says
when an object is open (still expects an answer) and what the mail says.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    """An unguessable token for a personal link (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def absolute_link(url_name: str, token: str) -> str:
    """The full address of a personal link, as mailed (``TEILHABE_BASE_URL`` + path)."""
    base = getattr(settings, "TEILHABE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse(url_name, args=[token])


def link_remind(
    *,
    model: type[models.Model],
    pk: int,
    first: bool,
    interval: timedelta,
    is_open: Callable[[models.Model], bool],
    compose: Callable[[models.Model, bool], tuple[str, str, list[str]]],
) -> bool:
    """Mail the holder of a link: the first time, or again once ``interval`` has passed.

    Locks the row so that two workers (or a beat run overlapping a manual send) never mail
    twice; returns whether a mail went out. ``compose(obj, first)`` gives subject, body and
    recipients. Safe to call repeatedly: it does nothing when not due.
    """
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=pk).first()
        if obj is None or not is_open(obj):
            return False
        now = timezone.now()
        if first and obj.last_reminded_at:
            return False
        if not first and obj.last_reminded_at and now - obj.last_reminded_at < interval:
            return False
        subject, body, recipients = compose(obj, first)
        send_mail(subject, body, None, recipients)
        obj.last_reminded_at = now
        if not first:
            obj.reminders_sent += 1
        obj.save(update_fields=["last_reminded_at", "reminders_sent"])
        return True


def links_remind_due(ids: list[int], remind: Callable[[int], bool]) -> int:
    """Run ``remind`` for each id (one transaction each); returns how many mails went out."""
    return sum(1 for pk in ids if remind(pk))
