"""Import of XLSForm / LimeSurvey files and XLSForm export, for project staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.views import require_perm

from ..designer.forms import ImportForm
from ..interchange import NotASurvey
from ..services.interchange import MAX_IMPORT_BYTES, survey_import, survey_xlsform
from .designer import _survey, add_service_error, staff_processes


@login_required
def survey_import_page(request):
    processes = staff_processes(request.user)
    if not processes.exists():
        require_perm(request.user, "surveys.add_survey", None)
    form = ImportForm(request.POST or None, request.FILES or None, processes=processes)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            try:
                report = survey_import(
                    user=request.user, process=form.cleaned_data["process"], data=upload.read()
                )
            except NotASurvey as exc:
                form.add_error(
                    "file", _("This file is not a survey: %(reason)s") % {"reason": exc.message}
                )
            except ValidationError as error:
                form.add_error(None, _("The survey could not be imported; nothing was saved."))
                add_service_error(form, error)
    status = 400 if request.method == "POST" and report is None else 200
    return render(
        request,
        "surveys/designer/import.html",
        {"form": form, "report": report, "title": _("Import a survey")},
        status=status,
    )


@login_required
def survey_export(request, pk: int):
    survey = _survey(request, pk)
    require_perm(request.user, "surveys.change_survey", survey)
    data = survey_xlsform(survey=survey)
    name = slugify(str(survey))[:60] or f"survey-{survey.pk}"
    version = survey.current_version.number if survey.current_version else 1
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version}.xlsx"'
    return response
