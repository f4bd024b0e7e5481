"""Presence at the door, shared by the conference registrations and the workshop invitations.

A row with a nullable ``checked_in_at`` column is locked, marked present (or unmarked) and saved;
the caller checks permissions and writes its audit entry.
"""

from django.db import models, transaction
from django.utils import timezone


@transaction.atomic
def presence_mark(*, instance: models.Model, undo: bool = False) -> models.Model:
    """Set ``checked_in_at`` once (a second check-in keeps the first time) or clear it."""
    row = type(instance).objects.select_for_update().get(pk=instance.pk)
    if undo:
        row.checked_in_at = None
    elif row.checked_in_at is None:
        row.checked_in_at = timezone.now()
    row.save(update_fields=["checked_in_at"])
    return row
