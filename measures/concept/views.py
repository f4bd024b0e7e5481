"""Pages of the concept document: chapters and their order, the summary's content, generation
with progress, versions (read, download, publish, compare), and the public reader pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_response
from core.views import add_validation_error, form_page, require_perm
from participation.models import Process

from ..models import Chapter, ConceptVersion, GenerationJob
from . import compare, render_html, selectors, services
from .forms import ChapterForm, ConceptForm, GenerateForm, SummaryForm

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def _process(request, pk: int, perm: str = "measures.read_concept") -> Process:
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, perm, process)
    return process


@login_required
def home(request, pk: int):
    process = _process(request, pk)
    manage = selectors.can_manage(request.user, process)
    concept = (
        services.concept_ensure(process=process) if manage else getattr(process, "concept", None)
    )
    versions = list(selectors.versions_for(user=request.user, process=process))
    context = {
        "process": process,
        "concept": concept,
        "can_manage": manage,
        "versions": versions,
        "latest": selectors.latest_versions(versions),
    }
    if manage:
        context.update(
            chapters=list(selectors.chapters(concept)),
            jobs=list(selectors.jobs_for(user=request.user, process=process)[:10]),
            generate_form=GenerateForm(),
        )
    return render(request, "measures/concept/home.html", context)


@login_required
def concept_edit(request, pk: int):
    process = _process(request, pk, "measures.manage_concept")
    concept = services.concept_ensure(process=process)
    form = ConceptForm(request.POST or None, instance=concept)
    return form_page(
        request,
        form=form,
        title=_("Title page"),
        save=lambda data: services.concept_update(concept=concept, user=request.user, **data),
        success=lambda _obj: reverse("measures:concept", args=[pk]),
        cancel_url=reverse("measures:concept", args=[pk]),
        success_message=_("The title page was saved."),
    )


@login_required
def chapter_edit(request, pk: int, chapter_pk: int):
    process = _process(request, pk, "measures.manage_concept")
    chapter = get_object_or_404(
        Chapter.objects.select_related("concept", "field_of_action"),
        pk=chapter_pk,
        concept__process=process,
    )
    form = ChapterForm(request.POST or None, instance=chapter)
    return form_page(
        request,
        form=form,
        title=_("Chapter: %(title)s") % {"title": chapter.heading},
        save=lambda data: services.chapter_update(chapter=chapter, user=request.user, **data),
        success=lambda _obj: reverse("measures:concept", args=[pk]) + f"#chapter-{chapter.pk}",
        cancel_url=reverse("measures:concept", args=[pk]),
        success_message=_("The chapter was saved."),
        template="measures/concept/chapter_form.html",
        context={"process": process, "chapter": chapter},
    )


@login_required
@require_POST
def chapter_move(request, pk: int, chapter_pk: int):
    process = _process(request, pk, "measures.manage_concept")
    chapter = get_object_or_404(Chapter, pk=chapter_pk, concept__process=process)
    try:
        services.chapter_move(
            chapter=chapter, user=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("measures:concept", args=[pk]) + f"#chapter-{chapter.pk}")


@login_required
def summary(request, pk: int):
    process = _process(request, pk, "measures.manage_concept")
    concept = services.concept_ensure(process=process)
    initial = {
        "findings": concept.summary_findings.all(),
        "goals": concept.summary_goals.all(),
        "measures": concept.summary_measures.all(),
    }
    form = SummaryForm(request.POST or None, process=process, initial=initial)
    return form_page(
        request,
        form=form,
        title=_("Content of the management summary"),
        save=lambda data: services.summary_select(concept=concept, user=request.user, **data),
        success=lambda _obj: reverse("measures:concept", args=[pk]),
        cancel_url=reverse("measures:concept", args=[pk]),
        success_message=_("The choice for the management summary was saved."),
    )


@login_required
@require_POST
def generate(request, pk: int):
    process = _process(request, pk, "measures.manage_concept")
    concept = services.concept_ensure(process=process)
    form = GenerateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                job = services.concept_generate(
                    concept=concept,
                    user=request.user,
                    variant=data["variant"],
                    year=data.get("year"),
                    language=data["language"],
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect("measures:concept_job", pk, job.pk)
    versions = list(selectors.versions_for(user=request.user, process=process))
    return render(
        request,
        "measures/concept/home.html",
        {
            "process": process,
            "concept": concept,
            "can_manage": True,
            "versions": versions,
            "latest": selectors.latest_versions(versions),
            "chapters": list(selectors.chapters(concept)),
            "jobs": list(selectors.jobs_for(user=request.user, process=process)[:10]),
            "generate_form": form,
        },
        status=400,
    )


@login_required
def job(request, pk: int, job_pk: int):
    process = _process(request, pk, "measures.manage_concept")
    item = get_object_or_404(selectors.jobs_for(user=request.user, process=process), pk=job_pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "id": item.pk,
                "status": item.status,
                "status_label": str(item.get_status_display()),
                "progress": item.progress,
                "stage": item.stage,
                "error": item.error,
                "version": item.version_id,
                "version_url": reverse("measures:concept_version", args=[pk, item.version_id])
                if item.version_id
                else None,
            }
        )
    return render(
        request,
        "measures/concept/job.html",
        {"process": process, "job": item, "running": item.status in ("pending", "running")},
    )


@login_required
def version(request, pk: int, version_pk: int):
    process = _process(request, pk)
    item = selectors.version_for(user=request.user, process=process, pk=version_pk)
    return _reader(request, process, item, public=False)


def _reader(request, process, item: ConceptVersion, *, public: bool):
    body = ""
    if item.html:
        with item.html.open("rb") as handle:
            body = render_html.extract_body(handle.read().decode("utf-8"))
    return render(
        request,
        "measures/concept/reader.html",
        {
            "process": process,
            "version": item,
            "body": mark_safe(body),  # noqa: S308 (written by render_html from escaped/sanitised parts)
            "css": mark_safe(render_html.SCREEN_CSS),  # noqa: S308
            "public": public,
            "html_lang": item.language,
            "can_manage": not public and selectors.can_manage(request.user, process),
        },
    )


def _download(item: ConceptVersion, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    field = getattr(item, fmt)
    if not field:
        raise Http404
    return file_response(field, content_type=CONTENT_TYPES[fmt], inline=fmt == "html")


@login_required
def download(request, pk: int, version_pk: int, fmt: str):
    process = _process(request, pk)
    item = selectors.version_for(user=request.user, process=process, pk=version_pk)
    return _download(item, fmt)


@login_required
def publish(request, pk: int, version_pk: int):
    """A confirmation page (works without JavaScript), then publish or withdraw."""
    process = _process(request, pk, "measures.manage_concept")
    item = selectors.version_for(user=request.user, process=process, pk=version_pk)
    if request.method == "POST":
        wanted = request.POST.get("published") == "1"
        try:
            services.version_publish(version=item, user=request.user, published=wanted)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The version is published.")
                if wanted
                else _("The version is no longer published."),
            )
        return redirect("measures:concept", pk)
    return render(request, "measures/concept/publish.html", {"process": process, "version": item})


@login_required
def compare_versions(request, pk: int):
    process = _process(request, pk)
    versions = list(selectors.versions_for(user=request.user, process=process))
    by_id = {v.pk: v for v in versions}
    result = None
    error = ""
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        try:
            old, new = by_id[int(a)], by_id[int(b)]
        except (KeyError, ValueError):
            error = _("Choose two versions from the lists.")
        else:
            result = {"old": old, "new": new, "diff": compare.diff(old.snapshot, new.snapshot)}
    return render(
        request,
        "measures/concept/compare.html",
        {
            "process": process,
            "versions": versions,
            "result": result,
            "error": error,
            "a": a,
            "b": b,
        },
        status=400 if error else 200,
    )


# --- public pages (no account) -------------------------------------------------------------


def public_home(request, pk: int):
    process = get_object_or_404(Process, pk=pk)
    versions = list(selectors.public_versions(process))
    if not versions:
        raise Http404
    return render(
        request,
        "measures/concept/public.html",
        {"process": process, "latest": selectors.latest_versions(versions)},
    )


def public_version(request, pk: int, version_pk: int):
    process = get_object_or_404(Process, pk=pk)
    item = get_object_or_404(selectors.public_versions(process), pk=version_pk)
    return _reader(request, process, item, public=True)


def public_download(request, pk: int, version_pk: int, fmt: str):
    process = get_object_or_404(Process, pk=pk)
    item = get_object_or_404(selectors.public_versions(process), pk=version_pk)
    return _download(item, fmt)


__all__ = [
    "GenerationJob",
    "chapter_edit",
    "chapter_move",
    "compare_versions",
    "concept_edit",
    "download",
    "generate",
    "home",
    "job",
    "public_download",
    "public_home",
    "public_version",
    "publish",
    "summary",
    "version",
]
