"""Invitations from the directory, personal accept/decline links, reminders, check-in."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.checkin import presence_mark
from core.tokens import derive_token, hash_token, new_salt
from participation.models import Person
from participation.services import audit_log

from .. import selectors
from ..models import Workshop, WorkshopInvitation
from .workshops import require

PURPOSE = "teilhabe.workshops.invitation"


def token_for(invitation: WorkshopInvitation) -> str:
    return derive_token(PURPOSE, invitation.token_salt)


def invitation_by_token(token: str) -> WorkshopInvitation | None:
    if not token or len(token) > 100:
        return None
    return (
        WorkshopInvitation.objects.select_related("workshop", "person")
        .filter(token_hash=hash_token(token))
        .first()
    )


def personal_url(invitation: WorkshopInvitation) -> str:
    return settings.TEILHABE_BASE_URL.rstrip("/") + reverse(
        "workshops:invitation_answer", args=[token_for(invitation)]
    )


def _language(code: str) -> str:
    codes = [c for c, _name in settings.LANGUAGES]
    code = (code or "").split("-")[0].lower()
    return code if code in codes else settings.LANGUAGE_CODE


@dataclass
class InviteReport:
    created: int = 0
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def invitations_create(*, workshop: Workshop, user, people: Iterable[Person]) -> InviteReport:
    """Invite people from the directory. People without an email address, erased people,
    people not taking part in the process and people already invited are skipped with a
    reason; nothing is sent yet (``invitations_send``)."""
    require(user, "workshops.change_workshop", workshop)
    if workshop.status in (Workshop.Status.DOCUMENTED, Workshop.Status.CLOSED):
        raise ValidationError(_("This workshop is over; nobody can be invited any more."))
    report = InviteReport()
    invited = set(workshop.invitations.values_list("person_id", flat=True))
    in_process = set(workshop.process.people.values_list("pk", flat=True))
    new = []
    for person in people:
        if person.is_erased or not person.email:
            report.skipped.append(
                _("%(name)s has no email address.") % {"name": person.display_name}
            )
        elif person.pk not in in_process:
            report.skipped.append(
                _("%(name)s does not take part in this process.") % {"name": person.display_name}
            )
        elif person.pk in invited:
            report.skipped.append(_("%(name)s is already invited.") % {"name": person.display_name})
        else:
            invited.add(person.pk)
            invitation = WorkshopInvitation(
                workshop=workshop,
                person=person,
                token_salt=new_salt(),
                language=_language(person.language),
            )
            invitation.token_hash = hash_token(token_for(invitation))
            new.append(invitation)
    WorkshopInvitation.objects.bulk_create(new)
    report.created = len(new)
    audit_log(
        actor=user,
        action="workshop.invite",
        obj=workshop,
        process=workshop.process,
        created=len(new),
    )
    return report


def invitations_send(*, workshop: Workshop, user, reminder: bool = False) -> int:
    """Queue invitation emails (to everyone not yet sent) or reminders (to those sent who have
    not answered); returns how many were queued."""
    require(user, "workshops.change_workshop", workshop)
    if workshop.status not in (Workshop.Status.PLANNED, Workshop.Status.RUNNING):
        raise ValidationError(_("Invitations are sent before the workshop only."))
    from ..tasks import send_invitation

    qs = selectors.invitations_to_send(workshop=workshop, reminder=reminder)
    items = list(qs.values_list("pk", "reminder_count"))
    with transaction.atomic():
        for pk, count in items:
            send_invitation.delay_on_commit(pk, count + 1 if reminder else 0)
        audit_log(
            actor=user,
            action="workshop.invitations_send",
            obj=workshop,
            process=workshop.process,
            reminder=reminder,
            queued=len(items),
        )
    return len(items)


def _when(workshop: Workshop) -> str:
    local = timezone.localtime(workshop.starts_at)
    return local.strftime("%d.%m.%Y, %H:%M")


def invitation_send(*, invitation_id: int, reminder_number: int = 0) -> bool:
    """Send one invitation (0) or its n-th reminder, in the invitee's language. Sends each at
    most once (row lock; ``sent_at`` / ``reminder_count`` record what went out)."""
    with transaction.atomic():
        invitation = (
            WorkshopInvitation.objects.select_for_update(of=("self",))
            .select_related("workshop", "person")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.person.is_erased or not invitation.person.email:
            return False
        if reminder_number == 0 and invitation.sent_at:
            return False
        if reminder_number and (
            not invitation.sent_at
            or invitation.reminder_count >= reminder_number
            or invitation.response != WorkshopInvitation.Response.PENDING
        ):
            return False
        workshop = invitation.workshop
        with translation.override(invitation.language or settings.LANGUAGE_CODE):
            values = {
                "title": workshop.title,
                "when": _when(workshop),
                "where": workshop.place or workshop.online_link,
            }
            subject = (
                _("Reminder: workshop “%(title)s”")
                if reminder_number
                else _("Invitation: workshop “%(title)s”")
            ) % values
            body = "\n\n".join(
                [
                    _("Hello %(name)s,") % {"name": invitation.person.display_name},
                    _(
                        "we invite you to the workshop “%(title)s” on %(when)s (%(where)s). "
                        "Together we describe the current state, the target state and ideas "
                        "for measures of the integration concept."
                    )
                    % values,
                    _("Please tell us whether you will come (your personal link):")
                    + "\n"
                    + personal_url(invitation),
                    "Teilhabe",
                ]
            )
        EmailMessage(subject=subject, body=body, to=[invitation.person.email]).send()
        now = timezone.now()
        if reminder_number:
            invitation.reminded_at = now
            invitation.reminder_count = reminder_number
        else:
            invitation.sent_at = now
        invitation.save(update_fields=["sent_at", "reminded_at", "reminder_count"])
    return True


@transaction.atomic
def invitation_answer(*, invitation: WorkshopInvitation, accept: bool) -> WorkshopInvitation:
    """The invitee accepts or declines through their personal link; they may change their mind
    until the workshop starts. Accepting beyond the capacity is refused."""
    workshop = Workshop.objects.select_for_update().get(pk=invitation.workshop_id)
    invitation = WorkshopInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not workshop.accepts_answers:
        raise ValidationError(_("The workshop has started; answers can no longer be changed."))
    target = (
        WorkshopInvitation.Response.ACCEPTED if accept else WorkshopInvitation.Response.DECLINED
    )
    if accept and invitation.response != target:
        accepted = workshop.invitations.filter(response=WorkshopInvitation.Response.ACCEPTED)
        if accepted.count() >= workshop.capacity:
            raise ValidationError(_("The workshop is fully booked. Please contact the organisers."))
    invitation.response = target
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit_log(
        actor=None,
        action="workshop.invitation_answer",
        obj=invitation,
        process=workshop.process,
        response=target,
    )
    return invitation


@transaction.atomic
def invitation_check_in(
    *, invitation: WorkshopInvitation, user, undo: bool = False
) -> WorkshopInvitation:
    """Record attendance at the door (or undo it), as at the conference check-in."""
    require(user, "workshops.change_workshop", invitation.workshop)
    if invitation.person.is_erased and not undo:
        raise ValidationError(_("This person was erased."))
    invitation = presence_mark(instance=invitation, undo=undo)
    audit_log(
        actor=user,
        action="workshop.check_out" if undo else "workshop.check_in",
        obj=invitation,
        process=invitation.workshop.process,
    )
    return invitation
