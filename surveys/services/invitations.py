"""Invitations: importing invitees, personal links, sending and tracking.

The personal token is derived as HMAC(SECRET_KEY, random salt) and never stored: the database
keeps the salt and the SHA-256 hash of the token (for lookup). Whoever reads the database alone
cannot build a link; the app can rebuild it to send a reminder with the same link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core import uploads
from core.mail import PermanentRefusal, send_message
from core.permissions import require_perm
from core.tokens import derive_token, hash_token, new_salt
from participation.models import Person, TargetGroup
from participation.services import audit_log

from ..i18n import pick
from ..models import Invitation, InvitationImport, Survey

COLUMN_ALIASES = {
    "name": "name",
    "full name": "name",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "language": "language",
    "sprache": "language",
    "target_group": "target_group",
    "target group": "target_group",
    "zielgruppe": "target_group",
}


def token_for(invitation: Invitation) -> str:
    return derive_token("teilhabe.surveys.invitation", invitation.token_salt)


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey", "survey__current_version")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _new_invitation(survey: Survey, **data) -> Invitation:
    invitation = Invitation(survey=survey, token_salt=new_salt(), **data)
    invitation.token_hash = hash_token(token_for(invitation))
    return invitation


def personal_url(invitation: Invitation) -> str:
    return settings.TEILHABE_BASE_URL.rstrip("/") + reverse(
        "surveys:respond_invitation", args=[token_for(invitation)]
    )


def opt_out_url(invitation: Invitation) -> str:
    return settings.TEILHABE_BASE_URL.rstrip("/") + reverse(
        "surveys:opt_out", args=[token_for(invitation)]
    )


def _require(user, survey: Survey) -> None:
    if user is not None:
        require_perm(
            user,
            "surveys.manage_invitations",
            survey,
            message=_("You may not manage the invitations of this survey."),
        )


# --- importing ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    skipped: list[str] = field(default_factory=list)  # human-readable reasons, per row


def read_invitee_file(upload) -> list[dict]:
    """Rows of a CSV (comma or semicolon, UTF-8) or XLSX file as dicts with normalised keys."""
    name = getattr(upload, "name", "") or ""
    content = uploads.read(upload)
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        uploads.check_archive("list.xlsx", content)
        try:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            table = [
                ["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(
                {"file": [_("The file could not be read as XLSX: %(e)s") % {"e": exc}]}
            ) from exc
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": [_("The file is not a UTF-8 CSV file or an XLSX workbook.")]}
            ) from None
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        table = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError({"file": [_("The file is empty.")]})
    header = [COLUMN_ALIASES.get(h.strip().lower(), h.strip()) for h in table[0]]
    if "email" not in header:
        raise ValidationError(
            {"file": [_("The first row must name the columns; an 'email' column is needed.")]}
        )
    return [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in table[1:]
    ]


@transaction.atomic
def invitations_import(
    *, survey: Survey, user, rows: list[dict], progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Create invitations from rows (name, email, organisation, language, target_group and any
    further columns as attributes). Every row is checked first; any bad row means nothing is
    written and the error names the row. Addresses already invited are skipped and reported."""
    _require(user, survey)
    groups = {g.code: g for g in TargetGroup.objects.all()}
    existing = set(
        e.lower() for e in Invitation.objects.filter(survey=survey).values_list("email", flat=True)
    )
    errors: list[str] = []
    new: list[Invitation] = []
    report = ImportReport()
    for number, row in enumerate(rows, start=2):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number - 1)
        email = (row.get("email") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("Row %(n)s: %(email)s is not an email address.")
                % {"n": number, "email": repr(email)}
            )
            continue
        language = (row.get("language") or survey.default_language).strip().lower()
        if language not in survey.languages:
            errors.append(
                _("Row %(n)s: the survey is not offered in %(lang)s (offered: %(langs)s).")
                % {"n": number, "lang": repr(language), "langs": ", ".join(survey.languages)}
            )
            continue
        group_code = (row.get("target_group") or "").strip()
        if group_code and group_code not in groups:
            errors.append(
                _("Row %(n)s: unknown target group %(code)s.")
                % {"n": number, "code": repr(group_code)}
            )
            continue
        if email.lower() in existing:
            report.skipped.append(
                _("Row %(n)s: %(email)s is already invited.") % {"n": number, "email": email}
            )
            continue
        existing.add(email.lower())
        attributes = {
            k: v
            for k, v in row.items()
            if k not in ("name", "email", "organisation", "language", "target_group") and v
        }
        new.append(
            _new_invitation(
                survey,
                name=(row.get("name") or "").strip()[:200],
                email=email,
                organisation=(row.get("organisation") or "").strip()[:200],
                language=language,
                target_group=groups.get(group_code),
                attributes=attributes,
            )
        )
    if errors:
        raise ValidationError({"file": errors})
    Invitation.objects.bulk_create(new)
    report.created = len(new)
    audit_log(
        actor=user,
        action="survey.invitations_import",
        obj=survey,
        process=survey.process,
        created=len(new),
    )
    return report


@transaction.atomic
def invitations_from_people(*, survey: Survey, user, people: Iterable[Person]) -> ImportReport:
    """Invite people from the directory (their email, language and organisation)."""
    _require(user, survey)
    existing = set(
        e.lower() for e in Invitation.objects.filter(survey=survey).values_list("email", flat=True)
    )
    report = ImportReport()
    new = []
    for person in people:
        if person.is_erased or not person.email:
            report.skipped.append(
                _("%(name)s has no email address.") % {"name": person.display_name}
            )
            continue
        if person.email.lower() in existing:
            report.skipped.append(_("%(name)s is already invited.") % {"name": person.display_name})
            continue
        existing.add(person.email.lower())
        language = (
            person.language if person.language in survey.languages else survey.default_language
        )
        new.append(
            _new_invitation(
                survey,
                person=person,
                email=person.email,
                organisation=person.organisation.name if person.organisation_id else "",
                language=language,
                attributes={"organisation_kind": person.organisation.kind}
                if person.organisation_id
                else {},
            )
        )
    Invitation.objects.bulk_create(new)
    report.created = len(new)
    audit_log(
        actor=user,
        action="survey.invitations_from_people",
        obj=survey,
        process=survey.process,
        created=len(new),
    )
    return report


# --- sending ------------------------------------------------------------------------------


def invitations_send(*, survey: Survey, user, reminder: bool = False) -> int:
    """Queue invitation (or reminder) emails; returns how many were queued.

    Invitations go to everyone not yet sent; reminders to those sent but not completed. People
    who opted out get nothing. The Celery task is rate-limited (``SURVEY_EMAIL_RATE_LIMIT``).
    """
    _require(user, survey)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Invitations can only be sent while the survey is open."))
    from ..tasks import send_invitation

    qs = Invitation.objects.filter(survey=survey, opted_out_at__isnull=True)
    if reminder:
        qs = qs.filter(sent_at__isnull=False, completed_at__isnull=True)
    else:
        qs = qs.filter(sent_at__isnull=True)
    items = list(qs.values_list("pk", "reminder_count"))
    with transaction.atomic():
        for pk, count in items:
            send_invitation.delay_on_commit(pk, count + 1 if reminder else 0)
        audit_log(
            actor=user,
            action="survey.invitations_send",
            obj=survey,
            process=survey.process,
            reminder=reminder,
            queued=len(items),
        )
    return len(items)


def invitation_send(*, invitation_id: int, reminder_number: int = 0) -> bool:
    """Send one invitation (``reminder_number=0``) or its n-th reminder; True when it went out.

    Sends at most once: the row is locked only to check and claim the email (``sent_at`` /
    ``reminder_count``), never while the mail server is talking. A temporary failure undoes
    the claim and raises ``OSError`` (the task retries); a permanent refusal is recorded in
    ``last_error`` (shown to staff on the invitation list) and not retried.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("survey", "person")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.opted_out_at or invitation.completed_at:
            return False
        if reminder_number == 0 and invitation.sent_at:
            return False
        if reminder_number and (
            not invitation.sent_at or invitation.reminder_count >= reminder_number
        ):
            return False
        message = _invitation_message(invitation, reminder_number)
        before = {
            "sent_at": invitation.sent_at,
            "reminded_at": invitation.reminded_at,
            "reminder_count": invitation.reminder_count,
        }
        now = timezone.now()
        if reminder_number:
            invitation.reminded_at = now
            invitation.reminder_count = reminder_number
        else:
            invitation.sent_at = now
        invitation.last_error = ""
        invitation.save(update_fields=["sent_at", "reminded_at", "reminder_count", "last_error"])
    try:
        send_message(message)
    except PermanentRefusal as refusal:
        Invitation.objects.filter(pk=invitation_id).update(**before, last_error=refusal.message)
        return False
    except OSError as exc:
        Invitation.objects.filter(pk=invitation_id).update(
            **before, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    return True


def _invitation_message(invitation: Invitation, reminder_number: int) -> EmailMessage:
    survey = invitation.survey
    language = (
        invitation.language if invitation.language in survey.languages else survey.default_language
    )
    with translation.override(language):
        title = pick(survey.title, language, survey.default_language)
        subject = (_("Reminder: %(title)s") if reminder_number else _("Invitation: %(title)s")) % {
            "title": title
        }
        intro = pick(survey.invitation_text, language, survey.default_language) or _(
            "You are invited to take part in the survey “%(title)s”. Your answers help "
            "to shape the integration concept."
        ) % {"title": title}
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": invitation.name or ""}
                if invitation.name
                else _("Hello,"),
                intro,
                _("Your personal link (please do not forward it):")
                + "\n"
                + personal_url(invitation),
                _("You can stop and continue later with the same link."),
                _("If you do not want to receive further emails about this survey:")
                + "\n"
                + opt_out_url(invitation),
            ]
        )
    return EmailMessage(subject=subject, body=body, to=[invitation.email])


def invitation_opened(*, invitation: Invitation) -> None:
    """Record the first opening of the link (not in anonymised surveys)."""
    if invitation.survey.anonymised or invitation.opened_at:
        return
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )


def invitation_opt_out(*, invitation: Invitation) -> Invitation:
    if not invitation.opted_out_at:
        invitation.opted_out_at = timezone.now()
        invitation.save(update_fields=["opted_out_at"])
    return invitation


def invitations_for_user(user) -> list[tuple[Invitation, str]]:
    """Open invitations addressed to a signed-in user (by their person or email) with links."""
    if not getattr(user, "is_authenticated", False):
        return []
    person = getattr(user, "person", None)
    condition = Q(email__iexact=user.email) if user.email else Q(pk__in=[])
    if person is not None:
        condition |= Q(person=person)
    qs = Invitation.objects.filter(condition, survey__status=Survey.Status.OPEN).select_related(
        "survey"
    )
    return [(inv, reverse("surveys:respond_invitation", args=[token_for(inv)])) for inv in qs]


def erase_for_person(person: Person) -> int:
    """Blank the copies of an erased person's name and address on their invitations."""
    count = 0
    for invitation in Invitation.objects.filter(person=person):
        invitation.name = ""
        invitation.email = f"erased-{invitation.pk}@invalid.invalid"
        invitation.save(update_fields=["name", "email"])
        count += 1
    return count


# --- importing in the worker, with progress ------------------------------------------------

PROGRESS_EVERY = 200
PENDING_DIR = "pending/invitations"


def _progress_key(job_id: int) -> str:
    return f"surveys-invitation-import:{job_id}"


def invitation_import_queue(*, survey: Survey, user, upload) -> InvitationImport:
    """Keep the uploaded invitee list (after the upload checks) and queue its import; a long
    list is read in the worker, never in the request. Returns the job to follow."""
    from ..tasks import import_invitations

    _require(user, survey)
    data = uploads.read(upload)
    name = (getattr(upload, "name", "") or "invitees")[-200:]
    with transaction.atomic():
        job = InvitationImport.objects.create(survey=survey, created_by=user, filename=name)
        job.storage_name = default_storage.save(
            f"{PENDING_DIR}/{job.pk}-{get_random_string(16)}", ContentFile(data)
        )
        job.save(update_fields=["storage_name"])
        import_invitations.delay_on_commit(job.pk)
    return job


def invitation_import_progress(job: InvitationImport) -> int:
    """Rows checked so far (the worker writes it to the cache, outside its transaction)."""
    if job.status == InvitationImport.Status.DONE:
        return job.total
    return int(cache.get(_progress_key(job.pk)) or 0)


def invitation_import_run(*, job_id: int) -> InvitationImport | None:
    """The worker's part: read the stored list, import it (all or nothing), record the report
    and delete the file. Runs once per job: a redelivered task finds it started and stops."""
    updated = InvitationImport.objects.filter(
        pk=job_id, status=InvitationImport.Status.QUEUED
    ).update(status=InvitationImport.Status.RUNNING)
    if not updated:
        return None
    job = InvitationImport.objects.select_related("survey", "created_by").get(pk=job_id)
    try:
        with default_storage.open(job.storage_name, "rb") as stored:
            stored.name = job.filename
            rows = read_invitee_file(stored)
        job.total = len(rows)
        job.save(update_fields=["total"])

        def progress(done: int) -> None:
            cache.set(_progress_key(job.pk), done, timeout=3600)

        report = invitations_import(
            survey=job.survey, user=job.created_by, rows=rows, progress=progress
        )
    except (ValidationError, PermissionDenied) as error:
        job.status = InvitationImport.Status.FAILED
        job.messages = list(getattr(error, "messages", [str(error)]))[:200]
    except Exception:
        job.status = InvitationImport.Status.FAILED
        job.messages = [_("The file could not be read; nothing was imported.")]
        raise
    else:
        job.status = InvitationImport.Status.DONE
        job.created = report.created
        job.messages = report.skipped[:200]
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "created", "messages", "finished_at"])
        default_storage.delete(job.storage_name)
        cache.delete(_progress_key(job.pk))
    return job


def invitation_imports_delete_abandoned(*, hours: int | None = None) -> int:
    """Housekeeping (beat): lists whose import never ran (no worker took it) within ``hours``
    (``TEILHABE_UPLOAD_RETENTION_HOURS``) are deleted and their job marked failed."""
    from datetime import timedelta

    hours = hours if hours is not None else settings.TEILHABE_UPLOAD_RETENTION_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    stale = InvitationImport.objects.filter(
        status=InvitationImport.Status.QUEUED, created_at__lt=cutoff
    )
    count = 0
    for job in stale:
        default_storage.delete(job.storage_name)
        job.status = InvitationImport.Status.FAILED
        job.messages = [_("The import did not start in time; nothing was imported.")]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "messages", "finished_at"])
        count += 1
    return count
