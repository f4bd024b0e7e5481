"""Personal links without an account, asked for on a schedule and followed by reminders.

Shared by the monitoring's data requests and the measures' progress reporting. A model that
uses it has a unique ``token``, ``last_reminded_at`` and ``reminders_sent``; the owning app says
when an object is open (still expects an answer) and what the mail says.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import PermanentRefusal, send_message

logger = logging.getLogger(__name__)


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

    Claims the mail under a row lock so that two workers (or a beat run overlapping a manual
    send) never mail twice, then sends outside the transaction; returns whether a mail went
    out. ``compose(obj, first)`` gives subject, body and recipients. Safe to call repeatedly:
    it does nothing when not due.
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
        before = (obj.last_reminded_at, obj.reminders_sent)
        obj.last_reminded_at = now
        if not first:
            obj.reminders_sent += 1
        obj.save(update_fields=["last_reminded_at", "reminders_sent"])
    # The claim above is committed first: no row lock is held while the mail server talks
    # (see core.mail for the pattern every email service follows).
    try:
        send_message(EmailMessage(subject, body, to=recipients))
    except PermanentRefusal as refusal:
        logger.warning("%s %s: email refused: %s", model.__name__, pk, refusal)
        return False
    except OSError:
        model.objects.filter(pk=pk).update(last_reminded_at=before[0], reminders_sent=before[1])
        raise
    return True


def links_remind_due(ids: list[int], remind: Callable[[int], bool]) -> int:
    """Run ``remind`` for each id (one transaction each); returns how many mails went out."""
    return sum(1 for pk in ids if remind(pk))
