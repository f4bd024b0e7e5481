"""Optimistic locking and readable history for findings, goals and measures.

Each of these models has a ``version`` counter. An edit names the version it started from;
when somebody else saved in between, the edit is refused with ``EditConflict``, which lists
what changed since (from the simple-history records), so nothing is overwritten silently and
nothing the user typed is lost (the page shows the form again with the newer version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: str
    kind: str
    reason: str
    version: int | None
    changes: list[Change]


class EditConflict(ValidationError):
    """Somebody saved the object after the editor opened it."""

    def __init__(self, *, obj: models.Model, since_version: int, entries: list[HistoryEntry]):
        self.obj = obj
        self.since_version = since_version
        self.current_version = obj.version
        self.entries = entries
        super().__init__(
            _(
                "Somebody else saved this in the meantime (version %(current)s; you started "
                "from version %(since)s). Their changes are listed below; your input is kept. "
                "Check it and save again to overwrite."
            )
            % {"current": obj.version, "since": since_version},
            code="edit_conflict",
        )


_LINKED = {
    "field_of_action": ("participation", "FieldOfAction"),
    "target_group": ("participation", "TargetGroup"),
    "lead_organisation": ("participation", "Organisation"),
    "strategic_goal": ("measures", "StrategicGoal"),
    "indicator": ("monitoring", "Indicator"),
    "target": ("monitoring", "Target"),
}
_HIDDEN = {"version", "id", "process"}


def _show(model: type[models.Model], name: str, value: Any, cache: dict) -> str:
    if value in (None, ""):
        return "–"
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since the record was written
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name in _LINKED:
        from django.apps import apps

        key = (name, value)
        if key not in cache:
            obj = apps.get_model(*_LINKED[name]).objects.filter(pk=value).first()
            cache[key] = str(obj) if obj else f"#{value}"
        return cache[key]
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def history_entries(obj: models.Model, *, since_version: int | None = None) -> list[HistoryEntry]:
    """The object's history, newest first, each entry with its field changes against the one
    before (``since_version``: only entries written after that version)."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries: list[HistoryEntry] = []
    cache: dict = {}
    previous = None
    for record in records:
        changes: list[Change] = []
        if previous is not None:
            # Compared field by field (not only editable fields: the links summary too).
            for f in record.tracked_fields:
                if f.name in _HIDDEN:
                    continue
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(
                        Change(
                            field=f.name,
                            label=_label(model, f.name),
                            old=_show(model, f.name, old, cache),
                            new=_show(model, f.name, new, cache),
                        )
                    )
        previous = record
        version = getattr(record, "version", None)
        if since_version is not None and (version is None or version <= since_version):
            continue
        reason = record.history_change_reason or ""
        if record.history_type != "~" or changes or reason:
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user.get_username() if record.history_user else "",
                    kind={"+": _("created"), "~": _("changed"), "-": _("deleted")}[
                        record.history_type
                    ],
                    reason=reason,
                    version=version,
                    changes=changes,
                )
            )
    entries.reverse()
    return entries


def save_versioned(
    obj: models.Model,
    *,
    data: dict[str, Any],
    user,
    expected_version: int | None,
    m2m: dict[str, Any] | None = None,
    reason: str = "",
) -> models.Model:
    """Apply ``data`` to ``obj`` if it is still at ``expected_version``; validate; save.

    Must run inside a transaction. Locks the row, so two saves never both pass the check.
    ``expected_version=None`` skips the check (for service-internal writes such as a status
    change that already holds the lock).
    """
    model = type(obj)
    if obj.pk is not None:
        current = model.objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != expected_version:
            raise EditConflict(
                obj=current,
                since_version=expected_version,
                entries=history_entries(current, since_version=expected_version),
            )
        obj.version = current.version + 1
    for field, value in data.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        obj._change_reason = reason[:100]
    obj.save()
    for field, values in (m2m or {}).items():
        getattr(obj, field).set(values)
    return obj
