"""Writes of the concept document: chapters, the summary selection, generation and publication.

Generation runs in a Celery task (``measures.generate_concept``) that calls ``job_run``: it
gathers the data, renders PDF, DOCX and HTML, and stores them as a new ``ConceptVersion`` in
one transaction. If anything fails the job records why and no version is written, so the
previous versions stay exactly as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.files import secret_name
from participation.models import FieldOfAction, Process
from participation.services import audit_log

from ..models import Chapter, Concept, ConceptVersion, GenerationJob, Variant
from . import gather, render_docx, render_html, render_pdf

K = Chapter.Kind
STANDARD_BEFORE = [K.FOREWORD, K.INTRODUCTION, K.PARTICIPATION, K.DATA]
STANDARD_AFTER = [
    K.IMPLEMENTATION,
    K.ANNEX_MEASURES,
    K.ANNEX_INDICATORS,
    K.ANNEX_GLOSSARY,
    K.ANNEX_ORGANISATIONS,
]
NOT_IN_SUMMARY = {K.ANNEX_MEASURES, K.ANNEX_INDICATORS, K.ANNEX_GLOSSARY, K.ANNEX_ORGANISATIONS}
YEAR_RANGE = (2000, 2100)
FORMATS = ("pdf", "docx", "html")


@transaction.atomic
def concept_ensure(*, process: Process, title: str = "") -> Concept:
    """The process's concept with its standard chapters (missing ones are added at the end of
    their group; staff's order and texts are kept)."""
    concept, _created = Concept.objects.select_for_update().get_or_create(
        process=process, defaults={"title": title or process.title}
    )
    existing = list(concept.chapters.all())
    kinds = {c.kind for c in existing}
    fields = {c.field_of_action_id for c in existing if c.field_of_action_id}
    wanted: list[tuple[str, FieldOfAction | None]] = [(k, None) for k in STANDARD_BEFORE]
    wanted += [(K.FIELD_OF_ACTION, f) for f in process.fields_of_action.order_by("order", "name")]
    wanted += [(k, None) for k in STANDARD_AFTER]
    order = max((c.order for c in existing), default=0)
    for kind, field in wanted:
        if field is not None and field.pk in fields:
            continue
        if field is None and kind in kinds:
            continue
        order += 1
        Chapter.objects.create(
            concept=concept,
            kind=kind,
            field_of_action=field,
            order=order,
            in_summary=kind not in NOT_IN_SUMMARY,
        )
    return concept


def chapter_update(
    *, chapter: Chapter, user, title: str, text: str, summary_text: str, in_summary: bool
) -> Chapter:
    chapter.title = title.strip()
    chapter.text = text
    chapter.summary_text = summary_text
    chapter.in_summary = in_summary
    chapter.updated_by = user if getattr(user, "is_authenticated", False) else None
    chapter.full_clean()
    chapter.save()
    audit_log(
        actor=user, action="concept.chapter_update", obj=chapter, process=chapter.concept.process
    )
    return chapter


@transaction.atomic
def chapter_move(*, chapter: Chapter, user, direction: str) -> Chapter:
    """Swap the chapter with its neighbour above (``up``) or below (``down``)."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a chapter up or down.")})
    siblings = list(
        Chapter.objects.select_for_update().filter(concept_id=chapter.concept_id).order_by("order")
    )
    index = next(i for i, c in enumerate(siblings) if c.pk == chapter.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if other_index < 0 or other_index >= len(siblings):
        raise ValidationError(
            {
                "direction": _("The chapter is already the first.")
                if direction == "up"
                else _("The chapter is already the last.")
            }
        )
    me, other = siblings[index], siblings[other_index]
    mine, theirs = me.order, other.order
    # The unique (concept, order) constraint holds at every step: park one chapter first.
    parked = (
        Chapter.objects.filter(concept_id=chapter.concept_id).aggregate(m=Max("order"))["m"] or 0
    ) + 1
    Chapter.objects.filter(pk=me.pk).update(order=parked)
    Chapter.objects.filter(pk=other.pk).update(order=mine)
    Chapter.objects.filter(pk=me.pk).update(
        order=theirs, updated_by=user if getattr(user, "is_authenticated", False) else None
    )
    audit_log(
        actor=user,
        action="concept.chapter_move",
        obj=me,
        process=chapter.concept.process,
        direction=direction,
    )
    me.refresh_from_db()
    return me


@transaction.atomic
def chapters_reorder(*, concept: Concept, user, order: list[int]) -> None:
    """Put the chapters in the given order (a list of all chapter ids)."""
    chapters = {c.pk: c for c in Chapter.objects.select_for_update().filter(concept=concept)}
    if sorted(order) != sorted(chapters):
        raise ValidationError({"order": _("Name every chapter of the concept exactly once.")})
    offset = max(c.order for c in chapters.values()) + len(chapters) + 1
    for position, pk in enumerate(order):
        Chapter.objects.filter(pk=pk).update(order=offset + position)
    for position, pk in enumerate(order, 1):
        Chapter.objects.filter(pk=pk).update(order=position)
    audit_log(actor=user, action="concept.chapters_reorder", obj=concept, process=concept.process)


@transaction.atomic
def concept_update(*, concept: Concept, user, title: str, subtitle: str, publisher: str) -> Concept:
    concept.title, concept.subtitle, concept.publisher = (
        title.strip(),
        subtitle.strip(),
        publisher.strip(),
    )
    concept.full_clean(exclude=["process"])
    concept.save()
    audit_log(actor=user, action="concept.update", obj=concept, process=concept.process)
    return concept


@transaction.atomic
def summary_select(*, concept: Concept, user, findings=(), goals=(), measures=()) -> Concept:
    """Choose what of the catalogue the management summary shows. Everything must belong to
    the concept's process."""
    errors = {}
    for name, items in (("findings", findings), ("goals", goals), ("measures", measures)):
        foreign = [i for i in items if i.process_id != concept.process_id]
        if foreign:
            errors[name] = _("Only items of this process can be chosen.")
    if errors:
        raise ValidationError(errors)
    concept.summary_findings.set(findings)
    concept.summary_goals.set(goals)
    concept.summary_measures.set(measures)
    audit_log(
        actor=user,
        action="concept.summary_select",
        obj=concept,
        process=concept.process,
        findings=len(findings),
        goals=len(goals),
        measures=len(measures),
    )
    return concept


def _validate_request(variant: str, year: int | None, language: str) -> None:
    errors = {}
    if variant not in Variant.values:
        errors["variant"] = _(
            "Choose the full concept, the management summary or the integration report."
        )
    if variant == Variant.REPORT:
        if year is None:
            errors["year"] = _("An integration report needs its year.")
        elif not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            errors["year"] = _("Enter a year between %(a)s and %(b)s.") % {
                "a": YEAR_RANGE[0],
                "b": YEAR_RANGE[1],
            }
    if language not in ("de", "en"):
        errors["language"] = _("Choose German or English.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def concept_generate(
    *,
    concept: Concept,
    user,
    variant: str,
    year: int | None = None,
    language: str = "de",
    publish: bool = False,
) -> GenerationJob:
    """Queue the generation of a new version (published when done if ``publish``). Refuses a
    second job of the same variant while one is waiting or running."""
    _validate_request(variant, year, language)
    if variant != Variant.REPORT:
        year = None
    busy = (
        GenerationJob.objects.select_for_update()
        .filter(concept=concept, variant=variant, status__in=["pending", "running"])
        .exists()
    )
    if busy:
        raise ValidationError(
            {"variant": _("This document is being generated already; wait until it is done.")}
        )
    job = GenerationJob.objects.create(
        concept=concept,
        variant=variant,
        year=year,
        language=language,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        stage=_("Waiting for a worker"),
        publish=publish,
    )
    audit_log(
        actor=user, action="concept.generate", obj=job, process=concept.process, variant=variant
    )
    from .tasks import generate_concept

    generate_concept.delay_on_commit(job.pk)
    return job


@dataclass
class Built:
    files: dict[str, bytes]
    pages: int
    document: object
    snapshot: dict
    seconds: float


def build_files(
    concept: Concept,
    *,
    variant: str,
    year: int | None,
    language: str,
    formats=FORMATS,
    progress=None,
) -> Built:
    """Gather and render without storing anything (the task and ``build_concept`` use it)."""
    progress = progress or (lambda _p, _s: None)
    started = time.perf_counter()
    with translation.override(language):
        doc, snapshot = gather.build(
            concept, variant=variant, year=year, language=language, progress=progress
        )
        files: dict[str, bytes] = {}
        pages = 0
        if "html" in formats:
            progress(82, _("Writing the HTML reader version"))
            files["html"] = render_html.standalone(doc, mode="reader").encode("utf-8")
        if "docx" in formats:
            progress(85, _("Writing the Word file"))
            files["docx"] = render_docx.render(doc)
        if "pdf" in formats:
            progress(90, _("Typesetting the PDF"))
            rendered = render_pdf.render(doc)
            files["pdf"] = rendered.data
            pages = rendered.pages
        else:
            pages = render_pdf.page_count(doc)
    return Built(
        files=files,
        pages=pages,
        document=doc,
        snapshot=snapshot,
        seconds=time.perf_counter() - started,
    )


def _set_progress(job_id: int, pct: int, stage: str) -> None:
    GenerationJob.objects.filter(pk=job_id).update(progress=min(99, max(0, pct)), stage=stage[:200])


def job_run(*, job_id: int) -> ConceptVersion | None:
    """Run a generation job (idempotent: a finished job is left alone)."""
    job = GenerationJob.objects.select_related("concept__process", "requested_by").get(pk=job_id)
    if job.status in (GenerationJob.Status.DONE, GenerationJob.Status.FAILED):
        return job.version
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationJob.Status.RUNNING, started_at=timezone.now(), progress=1, error=""
    )
    concept = job.concept
    try:
        built = build_files(
            concept,
            variant=job.variant,
            year=job.year,
            language=job.language,
            progress=lambda pct, stage: _set_progress(job.pk, pct, stage),
        )
        _set_progress(job.pk, 97, _("Storing the version"))
        version = _store(job, built)
    except DatabaseError:
        GenerationJob.objects.filter(pk=job.pk).update(status=GenerationJob.Status.PENDING)
        raise  # the task retries these
    except Exception as exc:  # recorded for staff; a retry would fail the same way
        with translation.override(job.language):
            reason = _("The document could not be generated: %(error)s") % {
                "error": str(exc) or exc.__class__.__name__
            }
        GenerationJob.objects.filter(pk=job.pk).update(
            status=GenerationJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
        )
        return None
    return version


def _file_name(concept: Concept, job: GenerationJob, number: int, ext: str) -> str:
    part = job.variant if job.year is None else f"{job.variant}-{job.year}"
    return secret_name(f"concept-{concept.process_id}-{part}-{job.language}-v{number}.{ext}")


@transaction.atomic
def _store(job: GenerationJob, built: Built) -> ConceptVersion:
    concept = Concept.objects.select_for_update().get(pk=job.concept_id)
    number = (
        ConceptVersion.objects.filter(concept=concept, variant=job.variant).aggregate(
            n=Max("number")
        )["n"]
        or 0
    ) + 1
    doc = built.document
    version = ConceptVersion(
        concept=concept,
        variant=job.variant,
        year=job.year,
        language=job.language,
        number=number,
        created_by=job.requested_by,
        fingerprint=gather.fingerprint(
            built.snapshot, variant=job.variant, year=job.year, language=job.language
        ),
        snapshot=built.snapshot,
        pages=built.pages,
        chapters=len(doc.chapters),
        measures=doc.measures,
        endnotes=len(doc.endnotes),
        notes=doc.notes[:500],
        published=job.publish,
        published_at=timezone.now() if job.publish else None,
    )
    for ext, data in built.files.items():
        getattr(version, ext).save(
            _file_name(concept, job, number, ext), ContentFile(data), save=False
        )
    version.save()
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationJob.Status.DONE,
        progress=100,
        stage=_("Done"),
        version=version,
        finished_at=timezone.now(),
    )
    return version


@transaction.atomic
def version_publish(*, version: ConceptVersion, user, published: bool) -> ConceptVersion:
    """Publish a version (readers and, for the process's public page, everyone) or withdraw it."""
    version = ConceptVersion.objects.select_for_update().get(pk=version.pk)
    if published and not version.html:
        raise ValidationError(_("This version has no HTML reader version to publish."))
    version.published = published
    version.published_at = timezone.now() if published else None
    version.save(update_fields=["published", "published_at"])
    audit_log(
        actor=user,
        action="concept.publish" if published else "concept.withdraw",
        obj=version,
        process=version.concept.process,
    )
    return version
