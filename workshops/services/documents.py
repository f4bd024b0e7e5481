"""Briefing pack and protocol as PDF, built by a Celery task with visible progress."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation.services import audit_log

from ..models import DocumentJob, Workshop
from .workshops import require

PERMISSION = {
    DocumentJob.Kind.BRIEFING: "workshops.view_briefing",
    DocumentJob.Kind.PROTOCOL: "workshops.view_protocol",
}


@transaction.atomic
def document_request(*, workshop: Workshop, user, kind: str, language: str) -> DocumentJob:
    """Queue a PDF of the briefing pack or protocol (as it is now). While one of the same kind
    and language is still waiting or running for this workshop, that one is returned."""
    if kind not in PERMISSION:
        raise ValidationError(_("Unknown document."))
    require(user, PERMISSION[kind], workshop)
    Workshop.objects.select_for_update().get(pk=workshop.pk)
    running = (
        DocumentJob.objects.filter(workshop=workshop, kind=kind, language=language)
        .filter(status__in=[DocumentJob.Status.PENDING, DocumentJob.Status.RUNNING])
        .first()
    )
    if running is not None:
        return running
    job = DocumentJob.objects.create(
        workshop=workshop, kind=kind, language=language, requested_by=user
    )
    audit_log(
        actor=user, action="workshop.document_request", obj=job, process=workshop.process, kind=kind
    )
    from ..tasks import build_document

    build_document.delay_on_commit(job.pk)
    return job


def _progress(job_id: int, percent: int, stage: str) -> None:
    DocumentJob.objects.filter(pk=job_id).update(progress=percent, stage=stage[:200])


def document_run(*, job_id: int) -> bool:
    """Build the job's PDF; idempotent (a finished job is left alone). True when a file is ready."""
    from .. import protocol

    job = DocumentJob.objects.select_related("workshop").filter(pk=job_id).first()
    if job is None:
        return False
    if job.status == DocumentJob.Status.DONE:
        return True
    if job.status == DocumentJob.Status.FAILED:
        return False
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING, error="")
    workshop = job.workshop
    with translation.override(job.language):
        try:
            _progress(job.pk, 10, _("Gathering cards, votes and figures"))
            if job.kind == DocumentJob.Kind.BRIEFING:
                pdf = protocol.briefing_pdf(workshop)
                name = f"briefing-workshop-{workshop.pk}.pdf"
            else:
                pdf = protocol.protocol_pdf(workshop)
                name = f"protokoll-workshop-{workshop.pk}.pdf"
            _progress(job.pk, 90, _("Storing the file"))
            job.file.save(name, ContentFile(pdf), save=False)
        except DatabaseError:
            DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.PENDING)
            raise  # the task retries these
        except Exception as exc:  # recorded for staff; a retry would fail the same way
            DocumentJob.objects.filter(pk=job.pk).update(
                status=DocumentJob.Status.FAILED,
                error=(
                    _("The PDF could not be built: %(error)s")
                    % {"error": str(exc) or exc.__class__.__name__}
                )[:2000],
                finished_at=timezone.now(),
            )
            return False
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.DONE,
        file=job.file.name,
        progress=100,
        stage=_("Ready"),
        finished_at=timezone.now(),
    )
    return True
