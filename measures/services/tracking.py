"""Implementation tracking: lead organisations report progress through a personal link.

The link, its schedule and its reminders use ``core.links`` (as the monitoring's data
requests do). A link is due when its ``next_due_on`` has come and it still has measures to
report on; once every such measure has a report in the current period, the due date moves one
interval (``CatalogueSettings.report_every_days``) on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_link, link_remind, links_remind_due
from participation.models import Organisation, Process
from participation.services import audit_log

from ..models import Measure, ProgressReport, ReportingLink
from .catalogue import catalogue_settings, require
from .locking import save_versioned
from .workflow import REPORTABLE, apply_transition

REPORTING_STATUSES = (Measure.Status.ADOPTED, Measure.Status.IN_PROGRESS)
MAX_ATTACHMENT = 10 * 1024 * 1024
ATTACHMENT_TYPES = (
    ".pdf",
    ".docx",
    ".xlsx",
    ".odt",
    ".ods",
    ".png",
    ".jpg",
    ".jpeg",
    ".csv",
    ".txt",
)


def link_measures(link: ReportingLink):
    """The measures a link may report on: led by its organisation, adopted and not finished."""
    return Measure.objects.filter(
        process_id=link.process_id,
        lead_organisation_id=link.organisation_id,
        status__in=REPORTING_STATUSES,
    ).order_by("number")


@transaction.atomic
def reporting_link_create(
    *,
    user,
    process: Process,
    organisation: Organisation,
    contact_name: str,
    contact_email: str,
    first_due_on: date | None = None,
) -> ReportingLink:
    """Give a lead organisation its personal link; the first mail goes out after commit."""
    require(user, "measures.curate", process)
    if not Measure.objects.filter(process=process, lead_organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("The organisation leads no measure of this process.")}
        )
    link = ReportingLink(
        process=process,
        organisation=organisation,
        contact_name=contact_name,
        contact_email=contact_email,
        next_due_on=first_due_on or timezone.localdate(),
        created_by=user,
    )
    link.full_clean()
    link.save()
    audit_log(actor=user, action="measures.reporting_link_create", obj=link, process=process)
    from ..tasks import send_progress_request

    send_progress_request.delay_on_commit(link.pk)
    return link


@transaction.atomic
def reporting_link_deactivate(*, user, link: ReportingLink) -> ReportingLink:
    require(user, "measures.curate", link.process)
    link.active = False
    link.save(update_fields=["active"])
    audit_log(
        actor=user, action="measures.reporting_link_deactivate", obj=link, process=link.process
    )
    return link


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _is_due(link: ReportingLink) -> bool:
    return link.active and link.next_due_on <= timezone.localdate() and link_measures(link).exists()


def _compose(link: ReportingLink, first: bool) -> tuple[str, str, list[str]]:
    measures = list(link_measures(link))
    reminder = (
        not first
        and link.last_reminded_at is not None
        and link.last_reminded_at >= _start_of(link.next_due_on)
    )
    subject = (
        _("Reminder: progress of your measures (%(process)s)")
        if reminder
        else _("Please report the progress of your measures (%(process)s)")
    ) % {"process": link.process.title}
    body = _(
        "Hello %(name)s,\n\nplease tell us how the measures led by %(org)s are progressing:\n"
        "%(measures)s\n\nYour personal link (no account needed):\n%(link)s\n"
    ) % {
        "name": link.contact_name,
        "org": link.organisation.name,
        "measures": "\n".join(f"- {m.code} {m.title}" for m in measures) or "–",
        "link": absolute_link("measures:report", link.token),
    }
    return subject, body, [link.contact_email]


def progress_request_send(*, link_id: int, first: bool = False) -> bool:
    """Mail the link: the first time, then when due, again after each reminder interval."""
    return link_remind(
        model=ReportingLink,
        pk=link_id,
        first=first,
        interval=timedelta(days=settings.MEASURES_REMINDER_DAYS),
        is_open=(lambda link: link.active) if first else _is_due,
        compose=_compose,
    )


def progress_requests_remind_due() -> int:
    """Ask every link that is due (Celery beat runs this); each at most once per interval."""
    today = timezone.localdate()
    ids = list(
        ReportingLink.objects.filter(active=True, next_due_on__lte=today).values_list(
            "pk", flat=True
        )
    )
    return links_remind_due(ids, lambda pk: progress_request_send(link_id=pk))


def _check_attachment(attachment) -> None:
    if attachment is None:
        return
    if not attachment.name.lower().endswith(ATTACHMENT_TYPES):
        raise ValidationError(
            {"attachment": _("Attach a PDF, office document, image or text file.")}
        )
    if attachment.size > MAX_ATTACHMENT:
        raise ValidationError({"attachment": _("The attachment is larger than 10 MB.")})


def _report(
    *,
    measure: Measure,
    progress,
    status: str,
    note: str,
    reported_on: date,
    attachment,
    user=None,
    link: ReportingLink | None = None,
    table=REPORTABLE,
) -> ProgressReport:
    errors = {}
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        errors["progress"] = [_("Progress is a whole number from 0 to 100.")]
    if reported_on is None or reported_on > timezone.localdate():
        errors["reported_on"] = [_("The date of the report must not lie in the future.")]
    if errors:
        raise ValidationError(errors)
    _check_attachment(attachment)
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.status not in REPORTING_STATUSES:
        raise ValidationError(
            _("Progress can be reported only on adopted measures that are not finished.")
        )
    if current.status == Measure.Status.ADOPTED and (progress > 0 or status):
        current = apply_transition(
            measure=current,
            to=Measure.Status.IN_PROGRESS,
            user=user,
            link=link,
            table=table,
            reason=_("Work has begun (progress reported)."),
        )
    if status and status != current.status:
        current = apply_transition(
            measure=current,
            to=status,
            user=user,
            link=link,
            table=table,
            reason=note or _("Reported with progress %(p)s %%") % {"p": progress},
        )
    if current.status == Measure.Status.COMPLETED:
        progress = 100
    current = save_versioned(
        current,
        data={"progress": progress},
        user=user,
        expected_version=None,
        reason="progress report",
    )
    report = ProgressReport(
        measure=current,
        reported_on=reported_on,
        progress=progress,
        status=current.status,
        note=note or "",
        reporting_link=link,
        reported_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if attachment is not None:
        report.attachment = attachment
    report.full_clean(exclude=["measure", "reporting_link", "reported_by", "attachment"])
    report.save()
    return report


@transaction.atomic
def progress_report_submit(
    *,
    link: ReportingLink,
    measure: Measure,
    progress,
    status: str = "",
    note: str = "",
    reported_on: date | None = None,
    attachment=None,
) -> ProgressReport:
    """A lead organisation reports through its link, only on its own adopted measures.

    ``status`` may move the measure on (in progress, completed, discontinued), never decide a
    review. Reporting on every open measure moves the link's due date one interval on.
    """
    link = ReportingLink.objects.select_for_update().get(pk=link.pk)
    if not link.active:
        raise PermissionDenied(_("This link is no longer active."))
    if (
        measure.process_id != link.process_id
        or measure.lead_organisation_id != link.organisation_id
    ):
        raise PermissionDenied(_("This measure is not led by your organisation."))
    report = _report(
        measure=measure,
        progress=progress,
        status=status,
        note=note,
        attachment=attachment,
        reported_on=reported_on or timezone.localdate(),
        link=link,
    )
    link.last_reported_at = timezone.now()
    fields = ["last_reported_at"]
    interval = timedelta(days=catalogue_settings(link.process).report_every_days)
    period_start = _start_of(link.next_due_on) - interval
    waiting = [
        m
        for m in link_measures(link)
        if not m.progress_reports.filter(created_at__gte=period_start).exists()
    ]
    if link.next_due_on <= timezone.localdate() and not waiting:
        link.next_due_on = timezone.localdate() + interval
        link.reminders_sent = 0
        fields += ["next_due_on", "reminders_sent"]
    link.save(update_fields=fields)
    return report


@transaction.atomic
def progress_report_record(
    *,
    user,
    measure: Measure,
    progress,
    status: str = "",
    note: str = "",
    reported_on: date | None = None,
    attachment=None,
) -> ProgressReport:
    """Staff record a report (e.g. from a phone call); same rules as through the link."""
    require(user, "measures.curate", measure.process)
    return _report(
        measure=measure,
        progress=progress,
        status=status,
        note=note,
        attachment=attachment,
        reported_on=reported_on or timezone.localdate(),
        user=user,
    )
