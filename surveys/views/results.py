"""Results pages: dashboard, one figure per stable address, free texts, exports, public page.

Every page reads the stored result cells (``surveys.results.reports``); nothing is aggregated
in a request. Users without the raw-data right (``surveys.view_raw_results``) and the public
page see figures with small-count protection.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import charts
from core.files import file_response
from core.numbers import localized_day
from core.views import require_perm, safe_next
from participation.models import FieldOfAction, TargetGroup

from ..models import Answer, Survey, SurveyVersion
from ..results import reports, selectors, services
from ..results.charts import breakdown_chart, question_chart
from ..results.models import ExportJob, ResultsPublication, ResultState
from ..structure import get as get_structure


def _version(survey: Survey, number: int) -> SurveyVersion:
    return get_object_or_404(SurveyVersion, survey=survey, number=number)


def _suppress(user, survey) -> bool:
    return not user.has_perm("surveys.view_raw_results", survey)


def _context(survey, version, *, by: str, suppress: bool, public: bool = False) -> dict:
    structure = get_structure(version)
    bds = reports.breakdowns(version, structure)
    if by and by not in {b.name for b in bds}:
        raise Http404(_("Unknown breakdown."))
    services.results_funnel_ensure_fresh(version=version)
    results = []
    for q in reports.answered_questions(structure):
        result = reports.question_result(version, q.code, breakdown=by, suppress=suppress)
        result["chart"] = question_chart(result)
        result["breakdown_chart"] = breakdown_chart(result) if by else ""
        results.append(result)
    overview = reports.survey_overview(version, suppress=suppress)
    days_chart = charts.column_chart(
        [(localized_day(d["key"]), d["count"]) for d in overview["days"]],
        title=_("Responses per day"),
    )
    state = ResultState.objects.filter(version=version).first()
    return {
        "survey": survey,
        "version": version,
        "versions": list(survey.versions.order_by("number")),
        "results": results,
        "overview": overview,
        "days_chart": days_chart,
        "breakdowns": bds,
        "by": by,
        "suppress": suppress,
        "public": public,
        "min_count": reports.min_count(),
        "state": state,
    }


@login_required
def results_home(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.view_results", survey)
    version = survey.current_version or survey.versions.order_by("-number").first()
    if version is None:
        raise Http404(_("This survey has no versions."))
    return redirect("surveys:results_dashboard", pk=survey.pk, version=version.number)


@login_required
def results_dashboard(request, pk: int, version: int):
    survey = get_object_or_404(Survey.objects.select_related("process"), pk=pk)
    require_perm(request.user, "surveys.view_results", survey)
    version_obj = _version(survey, version)
    suppress = _suppress(request.user, survey)
    context = _context(survey, version_obj, by=request.GET.get("by", ""), suppress=suppress)
    publication = ResultsPublication.objects.filter(survey=survey).first()
    context.update(
        can_raw=not suppress,
        can_export=request.user.has_perm("surveys.export_results", survey),
        is_public=bool(publication and publication.public),
    )
    return render(request, "surveys/results/dashboard.html", context)


@login_required
def results_question(request, pk: int, version: int, code: str):
    """The stable address of one figure: survey, version, question and ``?by=`` breakdown."""
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.view_results", survey)
    version_obj = _version(survey, version)
    structure = get_structure(version_obj)
    if code not in structure.questions or not structure.questions[code].qtype.answered:
        raise Http404(_("Unknown question."))
    by = request.GET.get("by", "")
    bds = reports.breakdowns(version_obj, structure)
    if by and by not in {b.name for b in bds}:
        raise Http404(_("Unknown breakdown."))
    suppress = _suppress(request.user, survey)
    result = reports.question_result(version_obj, code, breakdown=by, suppress=suppress)
    result["chart"] = question_chart(result)
    result["breakdown_chart"] = breakdown_chart(result) if by else ""
    return render(
        request,
        "surveys/results/question.html",
        {
            "survey": survey,
            "version": version_obj,
            "result": result,
            "breakdowns": bds,
            "by": by,
            "suppress": suppress,
            "min_count": reports.min_count(),
            "can_raw": not suppress,
        },
    )


def public_results(request, public_id: str):
    survey = get_object_or_404(Survey, public_id=public_id)
    publication = ResultsPublication.objects.filter(survey=survey, public=True).first()
    if publication is None or survey.current_version is None:
        raise Http404(_("These results are not public."))
    context = _context(
        survey, survey.current_version, by=request.GET.get("by", ""), suppress=True, public=True
    )
    return render(request, "surveys/results/dashboard.html", context)


# --- free texts ----------------------------------------------------------------------------


class TagForm(forms.Form):
    fields_of_action = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fields of action"),
        queryset=FieldOfAction.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Target groups"),
        queryset=TargetGroup.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    to_statement = forms.BooleanField(
        label=gettext_lazy("Add to the input pool as a statement"), required=False
    )


@login_required
def free_texts(request, pk: int, version: int, code: str):
    survey = get_object_or_404(Survey.objects.select_related("process"), pk=pk)
    require_perm(request.user, "surveys.view_raw_results", survey)
    version_obj = _version(survey, version)
    structure = get_structure(version_obj)
    q = structure.questions.get(code)
    if q is None:
        raise Http404(_("Unknown question."))
    search = request.GET.get("q", "").strip()
    by, group = request.GET.get("by", ""), request.GET.get("group", "")
    bds = reports.breakdowns(version_obj, structure)
    fields = request.GET.get("field", "")
    try:
        listed = selectors.free_text_list(
            survey=survey,
            version=version_obj,
            code=code,
            by=by,
            group=group,
            search=search,
            field=fields,
            untagged=bool(request.GET.get("untagged")),
        )
    except ValidationError as error:
        raise Http404(_("Unknown breakdown.")) from error
    small_group, answers = listed.small_group, listed.answers
    # A statement's source link narrows the list to the one answer it quotes.
    only_answer = request.GET.get("answer", "")
    if only_answer.isdigit():
        answers = answers.filter(pk=int(only_answer))
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    for answer in page:
        tag = getattr(answer, "free_text_tag", None)
        answer.tags = (
            [str(f) for f in tag.fields_of_action.all()] + [str(g) for g in tag.target_groups.all()]
            if tag
            else []
        )
    return render(
        request,
        "surveys/results/free_texts.html",
        {
            "survey": survey,
            "version": version_obj,
            "question": q,
            "question_text": reports.question_label(q),
            "page": page,
            "search": search,
            "by": by,
            "group": group,
            "breakdowns": bds,
            "small_group": small_group,
            "fields": FieldOfAction.objects.filter(active=True),
            "field": fields,
            "tag_form": TagForm(),
            "can_tag": request.user.has_perm("surveys.tag_free_text", survey),
        },
    )


@login_required
@require_POST
def free_text_tag_many(request, pk: int):
    """One tagging panel for the answers ticked on the free-text page: their fields of action
    and target groups are set to the chosen ones (and they go into the input pool if asked)."""
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.tag_free_text", survey)
    back = safe_next(
        request, request.POST.get("next"), reverse("surveys:results", args=[survey.pk])
    )
    ids = [int(v) for v in request.POST.getlist("answers") if v.isdigit()]
    answers = list(
        services.free_text_answers(survey).filter(pk__in=ids).select_related("response__survey")
    )
    form = TagForm(request.POST)
    if not answers:
        messages.error(request, _("Tick at least one answer to tag."))
        return redirect(back)
    if not form.is_valid():
        messages.error(
            request,
            _("The tags could not be saved: %(errors)s")
            % {"errors": "; ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
        return redirect(back)
    try:
        with transaction.atomic():  # all ticked answers, or none
            for answer in answers:
                services.free_text_tag(
                    answer=answer,
                    user=request.user,
                    fields_of_action=list(form.cleaned_data["fields_of_action"]),
                    target_groups=list(form.cleaned_data["target_groups"]),
                )
                if form.cleaned_data["to_statement"]:
                    services.free_text_to_statement(answer=answer, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(n)s answer(s) tagged.") % {"n": len(answers)}
            if not form.cleaned_data["to_statement"]
            else _("%(n)s answer(s) tagged and added to the input pool.") % {"n": len(answers)},
        )
    return redirect(back)


@login_required
@require_POST
def free_text_tag(request, pk: int, answer_id: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.tag_free_text", survey)
    answer = get_object_or_404(
        Answer.objects.select_related("response__survey", "question__version"),
        pk=answer_id,
        response__survey=survey,
    )
    form = TagForm(request.POST, prefix=f"a{answer.pk}")
    back = safe_next(
        request,
        request.POST.get("next"),
        reverse(
            "surveys:results_free_texts",
            args=[survey.pk, answer.question.version.number, answer.question.code],
        ),
    )
    if not form.is_valid():
        messages.error(
            request,
            _("The tags could not be saved: %(errors)s")
            % {"errors": "; ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
        return redirect(back)
    try:
        with transaction.atomic():  # tagged and pooled together, or neither
            services.free_text_tag(
                answer=answer,
                user=request.user,
                fields_of_action=list(form.cleaned_data["fields_of_action"]),
                target_groups=list(form.cleaned_data["target_groups"]),
            )
            if form.cleaned_data["to_statement"]:
                services.free_text_to_statement(answer=answer, user=request.user)
        if form.cleaned_data["to_statement"]:
            messages.success(request, _("The answer is now a statement in the input pool."))
        else:
            messages.success(request, _("The tags were saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


# --- exports, publication, rebuild ---------------------------------------------------------


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportJob.Format.choices)
    labels = forms.BooleanField(label=gettext_lazy("Labels instead of codes"), required=False)
    suppressed = forms.BooleanField(
        label=gettext_lazy("Report with small-count protection (for publication)"),
        required=False,
    )


@login_required
def exports(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.export_results", survey)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.export_job_create(survey=survey, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("surveys:results_export", pk=survey.pk, job_id=job.pk)
    jobs = ExportJob.objects.filter(survey=survey).select_related("created_by")[:30]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/results/exports.html",
        {"survey": survey, "form": form, "jobs": jobs},
        status=status,
    )


@login_required
def export_detail(request, pk: int, job_id: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.export_results", survey)
    job = get_object_or_404(ExportJob, pk=job_id, survey=survey)
    return render(request, "surveys/results/export_detail.html", {"survey": survey, "job": job})


@login_required
def export_download(request, pk: int, job_id: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.export_results", survey)
    job = get_object_or_404(ExportJob, pk=job_id, survey=survey)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("The export is not ready."))
    return file_response(job.file)


@login_required
@require_POST
def results_publication(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.export_results", survey)
    public = request.POST.get("public") == "1"
    services.results_publication_set(survey=survey, user=request.user, public=public)
    messages.success(
        request,
        _("The results are public now (with small-count protection).")
        if public
        else _("The results are no longer public."),
    )
    return redirect("surveys:results", pk=survey.pk)


@login_required
@require_POST
def results_rebuild(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, "surveys.export_results", survey)
    services.results_rebuild_request(survey=survey, user=request.user)
    messages.success(request, _("The results are being recounted."))
    return redirect("surveys:results", pk=survey.pk)
