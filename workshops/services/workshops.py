"""Writes of the workshop itself: create/edit, agenda, status transitions."""

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_perm
from participation.models import FieldOfAction, Process, ProcessMembership
from participation.services import _catalogue_ids, _save, audit_log

from ..models import Workshop, WorkshopAgendaItem

User = get_user_model()
# No 0/O, 1/I/L: the code is read aloud and typed on phones.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

# Allowed status transitions; everything else is refused.
TRANSITIONS = {
    Workshop.Status.PLANNED: {Workshop.Status.RUNNING},
    Workshop.Status.RUNNING: {Workshop.Status.DOCUMENTED, Workshop.Status.PLANNED},
    Workshop.Status.DOCUMENTED: {Workshop.Status.CLOSED, Workshop.Status.RUNNING},
    Workshop.Status.CLOSED: set(),
}


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _i in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:JOIN_CODE_LENGTH]


def require(user, perm: str, obj) -> None:
    """The permission check of every workshop service (``user=None``: a system task)."""
    if user is not None:
        require_perm(user, perm, obj)


def _check_facilitators(process: Process, facilitators: Iterable) -> list:
    facilitators = list(facilitators or [])
    if not facilitators:
        raise ValidationError({"facilitators": [_("Choose at least one facilitator.")]})
    allowed = set(
        ProcessMembership.objects.filter(
            process=process,
            user__in=[getattr(f, "pk", f) for f in facilitators],
            role__in=[ProcessMembership.Role.FACILITATOR, ProcessMembership.Role.STAFF],
        ).values_list("user_id", flat=True)
    )
    wrong = [f for f in facilitators if getattr(f, "pk", f) not in allowed]
    if wrong:
        raise ValidationError(
            {
                "facilitators": [
                    _("%(names)s is not staff or facilitator in this process.")
                    % {"names": ", ".join(str(f) for f in wrong)}
                ]
            }
        )
    return facilitators


@transaction.atomic
def workshop_save(
    *, process: Process, user, workshop: Workshop | None = None, **data: Any
) -> Workshop:
    """Create or edit a workshop. Staff create workshops; staff and the workshop's facilitators
    edit them. Fields of action must be used by the process (at least one), facilitators must be
    staff or facilitators of the process. A new workshop gets a unique join code."""
    if workshop is None:
        require(user, "workshops.add_workshop", process)
        workshop = Workshop(process=process)
    else:
        require(user, "workshops.change_workshop", workshop)
        if workshop.process_id != process.pk:
            raise ValidationError(_("The workshop belongs to another process."))
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if workshop.status == Workshop.Status.CLOSED:
            raise ValidationError(_("A closed workshop cannot be changed."))
    fields = data.pop("fields_of_action", None)
    facilitators = data.pop("facilitators", None)
    if fields is not None:
        if not list(fields):
            raise ValidationError({"fields_of_action": [_("Choose at least one field of action.")]})
        fields = _catalogue_ids(process, fields, FieldOfAction, "fields_of_action")
    elif workshop.pk is None:
        raise ValidationError({"fields_of_action": [_("Choose at least one field of action.")]})
    if facilitators is not None:
        facilitators = _check_facilitators(process, facilitators)
    elif workshop.pk is None:
        raise ValidationError({"facilitators": [_("Choose at least one facilitator.")]})
    data.pop("status", None)  # only through workshop_transition
    if workshop.pk is None:
        for _attempt in range(5):
            code = new_join_code()
            if not Workshop.objects.filter(join_code=code).exists():
                break
        workshop.join_code = code
    _save(workshop, data)
    if fields is not None:
        workshop.fields_of_action.set(fields)
    if facilitators is not None:
        workshop.facilitators.set(facilitators)
    audit_log(
        actor=user, action="workshop.save", obj=workshop, process=process, fields=sorted(data)
    )
    return workshop


@transaction.atomic
def workshop_transition(*, workshop: Workshop, user, to: str) -> Workshop:
    """Move the workshop to status ``to``. Allowed: planned → running → documented → closed,
    and back one step from running or documented (reopen). Closing needs project staff; every
    other transition the workshop's facilitators too. Refused otherwise, with the reason."""
    require(user, "workshops.change_workshop", workshop)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if to not in Workshop.Status.values:
        raise ValidationError(_("Unknown status %(status)s.") % {"status": to})
    current = Workshop.Status(workshop.status)
    if to not in TRANSITIONS[current]:
        raise ValidationError(
            _("A workshop that is %(current)s cannot become %(to)s.")
            % {"current": current.label, "to": Workshop.Status(to).label}
        )
    if to == Workshop.Status.CLOSED:
        require(user, "workshops.manage_workshop", workshop)
    if to == Workshop.Status.DOCUMENTED and workshop.votes.filter(status="open").exists():
        raise ValidationError(_("Close the open vote before documenting the workshop."))
    workshop.status = to
    workshop.status_changed_at = timezone.now()
    workshop.save(update_fields=["status", "status_changed_at"])
    audit_log(
        actor=user,
        action="workshop.transition",
        obj=workshop,
        process=workshop.process,
        frm=current.value,
        to=to,
    )
    return workshop


def workshop_new_join_code(*, workshop: Workshop, user) -> Workshop:
    """Give the workshop a fresh join code (e.g. when the old one was shared too widely)."""
    require(user, "workshops.change_workshop", workshop)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                workshop.join_code = new_join_code()
                workshop.save(update_fields=["join_code"])
                audit_log(
                    actor=user, action="workshop.join_code", obj=workshop, process=workshop.process
                )
                return workshop
        except IntegrityError:
            continue
    raise ValidationError(_("No free join code was found; please try again."))


@transaction.atomic
def agenda_item_save(
    *, workshop: Workshop, user, item: WorkshopAgendaItem | None = None, **data: Any
) -> WorkshopAgendaItem:
    require(user, "workshops.change_workshop", workshop)
    item = item or WorkshopAgendaItem(workshop=workshop)
    if item.workshop_id != workshop.pk:
        raise ValidationError(_("The agenda item belongs to another workshop."))
    if item.pk is None and data.get("order") in (None, ""):
        data["order"] = workshop.agenda.count() + 1
    _save(item, data)
    audit_log(actor=user, action="workshop.agenda_save", obj=item, process=workshop.process)
    return item


@transaction.atomic
def agenda_item_delete(*, item: WorkshopAgendaItem, user) -> None:
    require(user, "workshops.change_workshop", item.workshop)
    audit_log(actor=user, action="workshop.agenda_delete", obj=item, process=item.workshop.process)
    item.delete()
