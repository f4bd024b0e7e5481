"""Pages of the measure catalogue: list, matrix, detail, editing, workflow, trail, history,
import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import file_response
from core.spreadsheets import download
from core.views import add_validation_error, paginate
from participation.models import Statement

from .. import selectors, services
from ..forms import (
    CommentForm,
    ImportMappingForm,
    ImportUploadForm,
    MeasureForm,
    MilestoneForm,
    ProgressForm,
    ProposeFromStatementsForm,
    TransitionForm,
)
from ..models import Measure, MeasureImport, Milestone
from ..services import imports
from ..services.locking import EditConflict


def _process(request, pk: int, perm: str = "measures.view_catalogue"):
    return selectors.process_for(user=request.user, pk=pk, perm=perm)


def _measure(process, pk: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("process"), process=process, pk=pk)


@login_required
def index(request):
    if not request.user.has_perm("measures.view_any_catalogue"):
        raise PermissionDenied(_("You do not have permission to do this."))
    processes = selectors.catalogue_processes(user=request.user)
    return render(
        request,
        "measures/index.html",
        {"processes": processes, "title": _("Findings, goals and measures")},
    )


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def catalogue(request, pk: int):
    process = _process(request, pk)
    filterset = selectors.measure_list(user=request.user, process=process, filters=request.GET)
    valid = filterset.is_valid()
    measures = filterset.qs if valid else selectors.measure_base(process).none()
    page = paginate(request, measures, per_page=50)
    return render(
        request,
        "measures/catalogue.html",
        {
            "process": process,
            "filter": filterset,
            "page": page,
            "query": _query(request),
            "title": _("Measures"),
            "can_curate": request.user.has_perm("measures.curate", process),
            "can_propose": request.user.has_perm("measures.propose", process),
        },
        status=200 if valid else 400,
    )


@login_required
def matrix(request, pk: int):
    process = _process(request, pk)
    filterset = selectors.measure_list(user=request.user, process=process, filters=request.GET)
    measures = filterset.qs if filterset.is_valid() else selectors.measure_base(process).none()
    table = selectors.measure_matrix(process=process, measures=measures)
    return render(
        request,
        "measures/matrix.html",
        {
            "process": process,
            "filter": filterset,
            "matrix": table,
            "query": _query(request),
            "title": _("Fields of action × target groups"),
        },
    )


@login_required
def export(request, pk: int, fmt: str):
    process = _process(request, pk)
    filterset = selectors.measure_list(user=request.user, process=process, filters=request.GET)
    if not filterset.is_valid():
        raise Http404
    header, rows = imports.export_rows(filterset.qs)
    return download(fmt=fmt, filename=f"massnahmen-{process.pk}", headers=header, rows=rows)


def _measure_form_page(request, process, *, form, title, save, cancel_url, conflict=None):
    return render(
        request,
        "measures/form.html",
        {
            "process": process,
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "conflict": conflict,
        },
        status=400 if request.method == "POST" else 200,
    )


def _with_version(request, version: int):
    data = request.POST.copy()
    data["version"] = str(version)
    return data


@login_required
def measure_create(request, pk: int):
    process = _process(request, pk, "measures.propose")
    form = MeasureForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            measure = services.measure_save(user=request.user, process=process, **data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The measure was proposed."))
            return redirect(measure.get_absolute_url())
    return _measure_form_page(
        request,
        process,
        form=form,
        title=_("Propose a measure"),
        save=None,
        cancel_url=reverse("measures:catalogue", args=[pk]),
    )


@login_required
def measure_edit(request, pk: int, measure_pk: int):
    process = _process(request, pk, "measures.curate")
    measure = _measure(process, measure_pk)
    conflict = None
    if request.method == "POST":
        form = MeasureForm(request.POST, instance=measure, process=process)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None) or measure.version
            try:
                measure = services.measure_save(
                    user=request.user, process=process, measure=measure, version=version, **data
                )
            except EditConflict as error:
                conflict = error
                # The typed input stays; the form now carries the newer version, so saving
                # again (after reading the other changes) overwrites them on purpose.
                form = MeasureForm(
                    _with_version(request, error.current_version), instance=measure, process=process
                )
                form.is_valid()
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The measure was saved."))
                return redirect(measure.get_absolute_url())
    else:
        form = MeasureForm(instance=measure, process=process, initial={"version": measure.version})
    return _measure_form_page(
        request,
        process,
        form=form,
        title=_("Edit %(m)s") % {"m": measure.code},
        save=None,
        cancel_url=measure.get_absolute_url(),
        conflict=conflict,
    )


@login_required
def propose_from_statements(request, pk: int):
    """One step from idea Statements (a workshop cluster, conference cards) to a proposal."""
    process = _process(request, pk, "measures.propose")
    statements = Statement.objects.filter(process=process, kind=Statement.Kind.IDEA).order_by(
        "source_type_id", "source_label", "id"
    )
    if request.GET.get("field_of_action"):
        statements = statements.filter(fields_of_action=request.GET["field_of_action"])
    initial = {"statements": request.GET.getlist("statement")}
    form = ProposeFromStatementsForm(
        request.POST or None, process=process, statements=statements, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_propose_from_statements(
                user=request.user,
                process=process,
                statements=form.cleaned_data["statements"],
                title=form.cleaned_data["title"],
                field_of_action=form.cleaned_data["field_of_action"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The measure was proposed from the statements."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "measures/propose.html",
        {
            "process": process,
            "form": form,
            "title": _("Propose a measure from statements"),
            "cancel_url": reverse("measures:catalogue", args=[pk]),
            "fields": process.fields_of_action.all(),
            "chosen_field": request.GET.get("field_of_action", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def progress_attachment(request, pk: int, measure_pk: int, report_pk: int):
    """A progress report's attachment, for those who may read the measure (never a media URL)."""
    process = _process(request, pk)
    measure = selectors.measure_detail(user=request.user, process=process, pk=measure_pk)
    report = get_object_or_404(measure.progress_reports, pk=report_pk)
    if not report.attachment:
        raise Http404
    return file_response(report.attachment)


@login_required
def measure_detail(request, pk: int, measure_pk: int):
    process = _process(request, pk)
    measure = selectors.measure_detail(user=request.user, process=process, pk=measure_pk)
    can_curate = request.user.has_perm("measures.curate", process)
    choices = [(s, Measure.Status(s).label) for s in services.allowed_transitions(measure)]
    return render(
        request,
        "measures/detail.html",
        {
            "process": process,
            "measure": measure,
            "title": f"{measure.code} {measure.title}",
            "timeline": selectors.measure_timeline(measure),
            "trends": selectors.indicator_trends(measure),
            "origins": list(measure.origins.select_related("statement")),
            "can_curate": can_curate,
            "can_comment": request.user.has_perm("measures.comment", process),
            "transition_form": TransitionForm(choices=choices) if choices and can_curate else None,
            "comment_form": CommentForm(),
        },
    )


@login_required
def measure_transition(request, pk: int, measure_pk: int):
    """The decision page (also the confirmation without JavaScript): new status and reason."""
    process = _process(request, pk, "measures.curate")
    measure = _measure(process, measure_pk)
    choices = [(s, Measure.Status(s).label) for s in services.allowed_transitions(measure)]
    form = TransitionForm(
        request.POST or None, choices=choices, initial={"to": request.GET.get("to")}
    )
    if request.method == "POST":
        to = request.POST.get("to", "")
        reason = request.POST.get("reason", "")
        try:
            services.measure_transition(user=request.user, measure=measure, to=to, reason=reason)
        except ValidationError as error:
            form.is_valid()
            form.errors.clear()
            add_validation_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "measures/transition.html",
        {
            "process": process,
            "measure": measure,
            "form": form,
            "title": _("Decide on %(m)s") % {"m": measure.code},
            "cancel_url": measure.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def measure_comment(request, pk: int, measure_pk: int):
    process = _process(request, pk, "measures.comment")
    measure = _measure(process, measure_pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_comment(
                user=request.user, measure=measure, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect(measure.get_absolute_url() + "#comments")
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "title": _("Comment"),
            "cancel_url": measure.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def milestone_edit(request, pk: int, measure_pk: int, milestone_pk: int | None = None):
    process = _process(request, pk, "measures.curate")
    measure = _measure(process, measure_pk)
    milestone = (
        get_object_or_404(Milestone, measure=measure, pk=milestone_pk) if milestone_pk else None
    )
    initial = (
        {"title": milestone.title, "due_date": milestone.due_date, "done_on": milestone.done_on}
        if milestone
        else None
    )
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(
                user=request.user, measure=measure, milestone=milestone, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect(measure.get_absolute_url() + "#milestones")
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "title": _("Milestone"),
            "cancel_url": measure.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def milestone_delete(request, pk: int, measure_pk: int, milestone_pk: int):
    process = _process(request, pk, "measures.curate")
    measure = _measure(process, measure_pk)
    milestone = get_object_or_404(Milestone, measure=measure, pk=milestone_pk)
    if request.method == "POST":
        services.milestone_delete(user=request.user, milestone=milestone)
        messages.success(request, _("The milestone was deleted."))
        return redirect(measure.get_absolute_url() + "#milestones")
    return render(
        request,
        "measures/confirm.html",
        {
            "process": process,
            "title": _("Delete the milestone?"),
            "text": milestone.title,
            "cancel_url": measure.get_absolute_url(),
        },
    )


@login_required
def progress_record(request, pk: int, measure_pk: int):
    """Staff record a progress report (e.g. given by phone)."""
    process = _process(request, pk, "measures.curate")
    measure = _measure(process, measure_pk)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        measure=measure,
        initial={"reported_on": timezone.localdate(), "status": measure.status},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report_record(
                user=request.user,
                measure=measure,
                progress=data["progress"],
                status=data["status"] if data["status"] != measure.status else "",
                note=data["note"],
                reported_on=data["reported_on"],
                attachment=data["attachment"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The progress report was saved."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "multipart": True,
            "title": _("Progress of %(m)s") % {"m": measure.code},
            "cancel_url": measure.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def measure_history(request, pk: int, measure_pk: int):
    process = _process(request, pk)
    measure = _measure(process, measure_pk)
    return render(
        request,
        "measures/history.html",
        {
            "process": process,
            "object": measure,
            "back": measure.get_absolute_url(),
            "entries": services.history_entries(measure),
            "title": _("History of %(m)s") % {"m": measure.code},
        },
    )


@login_required
def evidence_trail(request, pk: int, measure_pk: int):
    process = _process(request, pk)
    trail = selectors.evidence_trail(user=request.user, process=process, pk=measure_pk)
    return render(
        request,
        "measures/trail.html",
        {
            "process": process,
            "trail": trail,
            "measure": trail.measure,
            "title": _("Evidence trail of %(m)s") % {"m": trail.measure.code},
        },
    )


# --- import ------------------------------------------------------------------------------------


@login_required
def import_upload(request, pk: int):
    process = _process(request, pk, "measures.curate")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.measure_import_upload(
                user=request.user, process=process, name=upload.name, data=upload.read()
            )
        except ValidationError as error:
            form.add_error(
                "file",
                error.message_dict.get("file", error.messages)[0]
                if hasattr(error, "error_dict")
                else error.messages[0],
            )
        else:
            return redirect("measures:import_mapping", pk, job.pk)
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "multipart": True,
            "title": _("Import measures"),
            "submit": _("Upload and map columns"),
            "intro": _(
                "Step 1 of 3: upload. Then map the columns and check the rows; "
                "nothing is imported until every row is valid."
            ),
            "cancel_url": reverse("measures:catalogue", args=[pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_mapping(request, pk: int, job_pk: int):
    process = _process(request, pk, "measures.curate")
    job = get_object_or_404(MeasureImport, process=process, pk=job_pk)
    if job.status == MeasureImport.Status.APPLIED:
        messages.info(request, _("This file was imported already."))
        return redirect("measures:catalogue", pk)
    form = ImportMappingForm(request.POST or None, columns=job.columns, mapping=job.mapping)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "apply":
                job = imports.measure_import_apply(user=request.user, job=job)
                messages.success(request, _("%(n)s measures were imported.") % {"n": job.created})
                return redirect("measures:catalogue", pk)
            job = imports.measure_import_check(user=request.user, job=job, mapping=form.mapping())
        except ValidationError as error:
            job.refresh_from_db()
            if hasattr(error, "error_dict") and "mapping" in error.error_dict:
                form.add_error(None, error.error_dict["mapping"][0].messages[0])
            else:
                form.add_error(None, error.messages[0])
            status = 400
    errors = imports.import_errors(job)
    return render(
        request,
        "measures/import_mapping.html",
        {
            "process": process,
            "job": job,
            "form": form,
            "errors": errors,
            "can_apply": job.status == MeasureImport.Status.CHECKED and not errors,
            "title": _("Import %(f)s") % {"f": job.filename},
            "cancel_url": reverse("measures:catalogue", args=[pk]),
        },
        status=status,
    )
