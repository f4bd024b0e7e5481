"""Writes for the kick-off conference: event, agenda, registration, check-in, tables, cards.

Every card is also a Statement (``participation.services.statement_create``).
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.checkin import presence_mark
from core.mail import PermanentRefusal, send_message
from core.permissions import require_perm

from .. import services as core
from ..models import (
    AgendaItem,
    Conference,
    ConferenceCard,
    FieldOfAction,
    Process,
    ProcessMembership,
    Registration,
    Statement,
    TopicTable,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def conference_save(
    *, process: Process, user, conference: Conference | None = None, **data: Any
) -> Conference:
    conference = conference or Conference(process=process)
    if conference.process_id != process.pk:
        raise ValidationError(_("The conference belongs to another process."))
    core._save(conference, data)
    core.audit_log(actor=user, action="conference.save", obj=conference, process=process)
    return conference


@transaction.atomic
def agenda_item_save(
    *, conference: Conference, user, item: AgendaItem | None = None, **data: Any
) -> AgendaItem:
    item = item or AgendaItem(conference=conference)
    if item.conference_id != conference.pk:
        raise ValidationError(_("The agenda item belongs to another conference."))
    core._save(item, data)
    core.audit_log(actor=user, action="agenda_item.save", obj=item, process=conference.process)
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, user) -> None:
    core.audit_log(
        actor=user, action="agenda_item.delete", obj=item, process=item.conference.process
    )
    item.delete()


@transaction.atomic
def table_save(
    *, conference: Conference, user, table: TopicTable | None = None, **data: Any
) -> TopicTable:
    """Create or update a topic table; its facilitator must be facilitator or staff of the
    process and its field of action one the process uses."""
    table = table or TopicTable(conference=conference)
    process = conference.process
    facilitator = data.get("facilitator", getattr(table, "facilitator", None))
    if (
        facilitator is not None
        and not ProcessMembership.objects.filter(
            process=process,
            user=facilitator,
            role__in=[ProcessMembership.Role.FACILITATOR, ProcessMembership.Role.STAFF],
        ).exists()
    ):
        raise ValidationError(
            {"facilitator": [_("The facilitator must be staff or facilitator in this process.")]}
        )
    if data.get("field_of_action") is not None:
        core._catalogue_ids(process, [data["field_of_action"]], FieldOfAction, "fields_of_action")
    core._save(table, data)
    core.audit_log(actor=user, action="table.save", obj=table, process=process)
    return table


# --- registration -------------------------------------------------------------------------


@dataclass
class RegistrationResult:
    registration: Registration
    # False: this email address was registered already, nothing new was stored. Only for the
    # caller's bookkeeping: the public page says the same either way (an e-mail goes to the
    # address in both cases), so nobody learns from it whether an address is registered.
    created: bool

    @property
    def waitlisted(self) -> bool:
        return self.registration.status == Registration.Status.WAITLISTED


def _site_language(code: str) -> str:
    codes = [c for c, _name in settings.LANGUAGES]
    code = (code or "").split("-")[0].lower()
    return code if code in codes else settings.LANGUAGE_CODE


@transaction.atomic
def registration_create(
    *,
    conference: Conference,
    name: str,
    email: str,
    consent: bool,
    organisation: str = "",
    accessibility_needs: str = "",
    language: str = "",
) -> RegistrationResult:
    """Register someone for the conference (public, no account).

    Up to the capacity registrations are confirmed, after that they go on the waiting list.
    An email address registers once: a second registration with it (any case) stores nothing,
    queues a notice to that address (it is registered already, with its current status) and
    returns the first one with ``created=False``. A confirmation email is queued, written
    in ``language`` (one of the site's languages; the default language otherwise).
    """
    if not conference.accepts_registrations:
        raise ValidationError(_("Registration for this conference is closed."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    email = (email or "").strip().lower()
    if not name:
        errors["name"] = [_("Enter your name.")]
    if not email:
        errors["email"] = [_("Enter your email address.")]
    if not consent:
        errors["consent"] = [_("Registration needs your consent to the processing of your data.")]
    if errors:
        raise ValidationError(errors)
    # Lock the conference row so that concurrent registrations count the free places in turn.
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    existing = conference.registrations.filter(email__iexact=email).first()
    if existing is not None:
        from ..tasks import send_registration_duplicate_notice

        send_registration_duplicate_notice.delay_on_commit(existing.pk)
        return RegistrationResult(registration=existing, created=False)
    confirmed = conference.registrations.filter(status=Registration.Status.REGISTERED).count()
    registration = Registration(
        conference=conference,
        name=name,
        email=email,
        organisation=(organisation or "").strip(),
        accessibility_needs=(accessibility_needs or "").strip(),
        consent=True,
        language=_site_language(language),
        status=(
            Registration.Status.REGISTERED
            if confirmed < conference.capacity
            else Registration.Status.WAITLISTED
        ),
    )
    registration.full_clean()
    registration.save()
    core.audit_log(
        actor=None,
        action="registration.create",
        obj=registration,
        process=conference.process,
        status=registration.status,
    )
    from ..tasks import send_registration_confirmation

    send_registration_confirmation.delay_on_commit(registration.pk)
    return RegistrationResult(registration=registration, created=True)


def registration_confirm(*, registration_id: int) -> bool:
    """Send the confirmation email once; False when there was nothing (more) to send.

    Safe to run twice: the row is locked just long enough to claim the email
    (``confirmation_sent_at``), not while the mail server talks; a temporary failure undoes the
    claim and raises ``OSError`` (the task retries), a permanent refusal is logged.
    """
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("conference")
            .filter(pk=registration_id, confirmation_sent_at__isnull=True)
            .first()
        )
        if registration is None:
            return False
        conference = registration.conference
        if conference.has_started():
            # A place confirmed (or a waiting-list note) after the event began helps nobody.
            return False
        with translation.override(registration.language or settings.LANGUAGE_CODE):
            values = {
                "name": registration.name,
                "title": conference.title,
                "date": conference.date.strftime("%d.%m.%Y"),
                "venue": conference.venue,
            }
            if registration.status == Registration.Status.WAITLISTED:
                body = _(
                    'Hello %(name)s,\n\nthank you for registering for "%(title)s" on '
                    "%(date)s (%(venue)s). The conference is fully booked, so you are on the "
                    "waiting list. We will write to you when a place becomes free.\n\nTeilhabe"
                )
            else:
                body = _(
                    'Hello %(name)s,\n\nyour registration for "%(title)s" on %(date)s '
                    "(%(venue)s) is confirmed. We look forward to seeing you.\n\nTeilhabe"
                )
            message = EmailMessage(
                subject=_("Your registration: %(title)s") % values,
                body=body % values,
                to=[registration.email],
            )
        registration.confirmation_sent_at = timezone.now()
        registration.save(update_fields=["confirmation_sent_at"])
    try:
        send_message(message)
    except PermanentRefusal as refusal:
        logger.warning("registration %s: confirmation refused: %s", registration_id, refusal)
        return False
    except OSError:
        Registration.objects.filter(pk=registration_id).update(confirmation_sent_at=None)
        raise
    return True


DUPLICATE_NOTICE_INTERVAL = 60 * 60


def registration_duplicate_notify(*, registration_id: int) -> bool:
    """Tell the address of a registration that someone registered it again: nothing changed,
    and what its registration's status is. False when nothing was sent.

    At most one such notice per registration an hour, so that a stranger repeating the form
    cannot flood someone's mailbox; cancelled and anonymised registrations get none.
    """
    from django.core.cache import cache

    registration = (
        Registration.objects.select_related("conference")
        .filter(pk=registration_id)
        .exclude(status=Registration.Status.CANCELLED)
        .exclude(email="")
        .first()
    )
    if registration is None:
        return False
    if not cache.add(f"registration-duplicate:{registration_id}", 1, DUPLICATE_NOTICE_INTERVAL):
        return False
    conference = registration.conference
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        values = {
            "name": registration.name,
            "title": conference.title,
            "date": conference.date.strftime("%d.%m.%Y"),
            "venue": conference.venue,
            "status": (
                _("you are on the waiting list")
                if registration.status == Registration.Status.WAITLISTED
                else _("your place is confirmed")
            ),
        }
        message = EmailMessage(
            subject=_("Your registration: %(title)s") % values,
            body=_(
                "Hello %(name)s,\n\nsomeone registered this email address again for "
                '"%(title)s" on %(date)s (%(venue)s). It was registered already, so nothing '
                "was changed: %(status)s.\n\nIf this was not you, you need not do anything."
                "\n\nTeilhabe"
            )
            % values,
            to=[registration.email],
        )
    try:
        send_message(message)
    except PermanentRefusal as refusal:
        logger.warning("registration %s: duplicate notice refused: %s", registration_id, refusal)
        return False
    except OSError:
        cache.delete(f"registration-duplicate:{registration_id}")
        raise
    return True


@transaction.atomic
def registration_cancel(*, registration: Registration, user) -> Registration | None:
    """Cancel a registration (staff, e.g. when someone writes that they cannot come).

    When it held a place, the earliest waiting-list registration moves up and gets a
    confirmation email. Returns the registration that moved up, or None. Cancelling twice
    changes nothing more.
    """
    conference = registration.conference
    require_perm(
        user,
        "participation.manage_conference",
        conference,
        message=_("Only project staff check people in."),
    )
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return None
    held_place = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.checked_in_at = None
    registration.save(update_fields=["status", "checked_in_at"])
    core.audit_log(
        actor=user, action="registration.cancel", obj=registration, process=conference.process
    )
    if not held_place or conference.has_started():
        # Once the event has begun nobody moves up: the place cannot be taken any more.
        return None
    moved_up = (
        conference.registrations.select_for_update()
        .filter(status=Registration.Status.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if moved_up is None:
        return None
    moved_up.status = Registration.Status.REGISTERED
    moved_up.confirmation_sent_at = None  # the confirmation (of the place) goes out anew
    moved_up.save(update_fields=["status", "confirmation_sent_at"])
    core.audit_log(
        actor=user, action="registration.move_up", obj=moved_up, process=conference.process
    )
    from ..tasks import send_registration_confirmation

    send_registration_confirmation.delay_on_commit(moved_up.pk)
    return moved_up


@transaction.atomic
def registration_check_in(*, registration: Registration, user, undo: bool = False) -> Registration:
    """Mark a registration as present at the door (or undo it). Waiting-list entries who turn
    up are checked in too; a cancelled registration is refused."""
    require_perm(
        user,
        "participation.manage_conference",
        registration.conference,
        message=_("Only project staff check people in."),
    )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED and not undo:
        raise ValidationError(_("This registration was cancelled."))
    registration = presence_mark(instance=registration, undo=undo)
    core.audit_log(
        actor=user,
        action="registration.check_out" if undo else "registration.check_in",
        obj=registration,
        process=registration.conference.process,
    )
    return registration


@transaction.atomic
def registrations_anonymise(*, conference: Conference, user, today=None) -> int:
    """After the conference, remove the personal data of its registrations.

    Names become "Participant N", email addresses a non-deliverable placeholder, accessibility
    needs are blanked; status and check-in times stay for the attendance figures. Refused
    before the conference day. Returns how many registrations were changed; running it again
    changes nothing.
    """
    require_perm(
        user,
        "participation.manage_conference",
        conference,
        message=_("Only project staff check people in."),
    )
    today = today or timezone.localdate()
    if conference.date >= today:
        raise ValidationError(
            _("Personal data of registrations can be removed once the conference is over.")
        )
    changed = 0
    for index, registration in enumerate(
        conference.registrations.select_for_update().order_by("created_at", "id"), start=1
    ):
        placeholder = f"anonymised-{registration.pk}@invalid.example"
        if registration.email == placeholder:
            continue
        registration.name = _("Participant %(n)s") % {"n": index}
        registration.email = placeholder
        registration.accessibility_needs = ""
        registration.save(update_fields=["name", "email", "accessibility_needs"])
        changed += 1
    core.audit_log(
        actor=user,
        action="registration.anonymise",
        obj=conference,
        process=conference.process,
        count=changed,
    )
    return changed


# --- cards --------------------------------------------------------------------------------


@transaction.atomic
def card_create(
    *,
    table: TopicTable,
    user,
    text: str,
    kind: str = Statement.Kind.OTHER,
    target_groups=(),
) -> ConferenceCard:
    """Add a card to a topic table and the input pool (a Statement with the table's field of
    action). Only the table's facilitator and project staff may write on a table."""
    require_perm(
        user,
        "participation.write_on_table",
        table,
        message=_("You may only write on your own tables."),
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("A card needs a text.")]})
    card = ConferenceCard(table=table, text=text, author=user)
    card.full_clean()
    card.save()
    core.statement_create(
        process=table.conference.process,
        text=text,
        kind=kind,
        source=card,
        source_label=card.source_label,
        fields_of_action=[table.field_of_action_id],
        target_groups=target_groups,
        author=user,
    )
    core.audit_log(actor=user, action="card.create", obj=card, process=table.conference.process)
    return card


@transaction.atomic
def card_delete(*, card: ConferenceCard, user) -> None:
    require_perm(
        user,
        "participation.write_on_table",
        card.table,
        message=_("You may only write on your own tables."),
    )
    core.statement_delete_for_source(source=card)
    core.audit_log(
        actor=user, action="card.delete", obj=card, process=card.table.conference.process
    )
    card.delete()
