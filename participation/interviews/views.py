"""Pages for interviews, the interview guide, the code system and coding. Thin doors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.charts import bar_chart
from core.spreadsheets import download
from core.views import add_validation_error, form_page, require_perm

from ..models import Code, CodedPassage, GuideQuestion, Interview, Process
from . import selectors, services
from .forms import CodeForm, CodingFilterForm, GuideQuestionForm, InterviewForm, PassageForm
from .transcripts import paragraphs


def _process(request, pk: int, perm: str) -> Process:
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, perm, process)
    return process


def _interview(request, pk: int, interview_pk: int, perm: str) -> Interview:
    interview = get_object_or_404(
        Interview.objects.select_related("process", "target_group", "facilitator"),
        pk=interview_pk,
        process_id=pk,
    )
    require_perm(request.user, perm, interview)
    return interview


def _paths(process) -> dict[int, str]:
    return {node.code.pk: node.path for node in selectors.code_tree(process=process)}


@login_required
def interview_list(request, pk: int):
    process = _process(request, pk, "participation.view_process")
    return render(
        request,
        "participation/interviews/list.html",
        {
            "process": process,
            "interviews": selectors.interview_list(user=request.user, process=process),
            "guide": process.guide_questions.all(),
            "can_add": request.user.has_perm("participation.add_interview", process),
            "can_manage": request.user.has_perm("participation.manage_interviews", process),
        },
    )


@login_required
def interview_edit(request, pk: int, interview_pk: int | None = None):
    if interview_pk:
        interview = _interview(request, pk, interview_pk, "participation.change_interview")
        process = interview.process
    else:
        process = _process(request, pk, "participation.add_interview")
        interview = None
    form = InterviewForm(
        request.POST or None,
        request.FILES or None,
        instance=interview,
        process=process,
        user=request.user,
    )
    return form_page(
        request,
        form=form,
        title=str(interview) if interview else _("New interview"),
        save=lambda data: services.interview_save(
            process=process, user=request.user, interview=interview, **data
        ),
        success=lambda obj: obj.get_absolute_url(),
        cancel_url=interview.get_absolute_url()
        if interview
        else reverse("participation:interview_list", args=[process.pk]),
        success_message=_("The interview was saved."),
    )


@login_required
@require_POST
def interview_delete(request, pk: int, interview_pk: int):
    interview = get_object_or_404(Interview, pk=interview_pk, process_id=pk)
    require_perm(request.user, "participation.manage_interviews", interview.process)
    services.interview_delete(interview=interview, user=request.user)
    messages.success(request, _("The interview was deleted."))
    return redirect("participation:interview_list", pk=pk)


@login_required
def interview_detail(request, pk: int, interview_pk: int):
    """The transcript as numbered sentences, its coded passages and the coding form."""
    interview = _interview(request, pk, interview_pk, "participation.view_interview")
    process = interview.process
    paths = _paths(process)
    can_code = request.user.has_perm("participation.code_interview", interview)
    form = PassageForm(request.POST or None, interview=interview, paths=paths)
    if request.method == "POST":
        require_perm(
            request.user,
            "participation.code_interview",
            interview,
            message=_("You may only code interviews assigned to you."),
        )
        if form.is_valid():
            try:
                services.passage_code(
                    interview=interview,
                    user=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    codes=form.cleaned_data["codes"],
                    memo=form.cleaned_data["memo"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The passage was coded and added to the statements."))
                return redirect(interview.get_absolute_url() + "#passages")
    passages = list(
        interview.passages.prefetch_related("codes").select_related("coded_by").order_by("start")
    )
    coded = [(p.start, p.end) for p in passages]
    # A statement's source link names the passage to highlight in the transcript.
    wanted = request.GET.get("passage", "")
    highlight = next((p for p in passages if str(p.pk) == wanted), None)
    transcript = [
        [
            {"segment": s, "coded": any(a < s.end and s.start < b for a, b in coded)}
            for s in paragraph
        ]
        for paragraph in paragraphs(interview.transcript)
    ]
    return render(
        request,
        "participation/interviews/detail.html",
        {
            "process": process,
            "interview": interview,
            "transcript": transcript,
            "passages": [(p, [paths.get(c.pk, c.name) for c in p.codes.all()]) for p in passages],
            "form": form,
            "can_code": can_code and bool(interview.transcript),
            "has_codes": bool(paths),
            "can_change": request.user.has_perm("participation.change_interview", interview),
            "can_manage": request.user.has_perm("participation.manage_interviews", process),
            "guide": process.guide_questions.all(),
            "highlight": highlight,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def passage_delete(request, pk: int, interview_pk: int, passage_pk: int):
    interview = _interview(request, pk, interview_pk, "participation.code_interview")
    passage = get_object_or_404(CodedPassage, pk=passage_pk, interview=interview)
    services.passage_delete(passage=passage, user=request.user)
    messages.success(request, _("The coded passage and its statement were deleted."))
    return redirect(interview.get_absolute_url() + "#passages")


# --- interview guide ----------------------------------------------------------------------


@login_required
def guide_question_edit(request, pk: int, question_pk: int | None = None):
    process = _process(request, pk, "participation.manage_interviews")
    question = (
        get_object_or_404(GuideQuestion, pk=question_pk, process=process) if question_pk else None
    )
    form = GuideQuestionForm(request.POST or None, instance=question, process=process)
    list_url = reverse("participation:interview_list", args=[process.pk]) + "#guide"
    return form_page(
        request,
        form=form,
        title=_("Edit guide question") if question else _("New guide question"),
        save=lambda data: services.guide_question_save(
            process=process, user=request.user, question=question, **data
        ),
        success=lambda obj: list_url,
        cancel_url=list_url,
        success_message=_("The question was saved."),
    )


@login_required
@require_POST
def guide_question_delete(request, pk: int, question_pk: int):
    process = _process(request, pk, "participation.manage_interviews")
    question = get_object_or_404(GuideQuestion, pk=question_pk, process=process)
    services.guide_question_delete(question=question, user=request.user)
    messages.success(request, _("The question was deleted."))
    return redirect(reverse("participation:interview_list", args=[process.pk]) + "#guide")


# --- code system --------------------------------------------------------------------------


@login_required
def code_list(request, pk: int):
    process = _process(request, pk, "participation.view_process")
    return render(
        request,
        "participation/interviews/codes.html",
        {
            "process": process,
            "nodes": selectors.code_tree(process=process),
            "can_manage": request.user.has_perm("participation.manage_interviews", process),
        },
    )


@login_required
@require_POST
def code_system_seed(request, pk: int):
    process = _process(request, pk, "participation.manage_interviews")
    created = services.code_system_seed(process=process, user=request.user)
    messages.success(
        request, _("%(n)s codes were added from the fields of action.") % {"n": len(created)}
    )
    return redirect("participation:code_list", pk=process.pk)


@login_required
def code_edit(request, pk: int, code_pk: int | None = None):
    process = _process(request, pk, "participation.manage_interviews")
    code = get_object_or_404(Code, pk=code_pk, process=process) if code_pk else None
    form = CodeForm(request.POST or None, instance=code, process=process, paths=_paths(process))
    list_url = reverse("participation:code_list", args=[process.pk])
    return form_page(
        request,
        form=form,
        title=_("Edit code") if code else _("New code"),
        save=lambda data: services.code_save(process=process, user=request.user, code=code, **data),
        success=lambda obj: list_url,
        cancel_url=list_url,
        success_message=_("The code was saved."),
    )


@login_required
@require_POST
def code_delete(request, pk: int, code_pk: int):
    process = _process(request, pk, "participation.manage_interviews")
    code = get_object_or_404(Code, pk=code_pk, process=process)
    try:
        services.code_delete(code=code, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The code was deleted."))
    return redirect("participation:code_list", pk=process.pk)


# --- analysis -----------------------------------------------------------------------------


@login_required
def coding_overview(request, pk: int):
    """Code frequencies by target group and field of action: a bar chart and the tables."""
    process = _process(request, pk, "participation.view_coding")
    form = CodingFilterForm(request.GET or None, process=process)
    filters = form.cleaned_data if form.is_valid() else {}
    group = filters.get("target_group")
    field = filters.get("field_of_action")
    frequencies = selectors.code_frequencies(
        process=process,
        target_group_id=group.pk if group else None,
        field_id=field.pk if field else None,
    )
    chart_rows = [(row["node"].path, row["total"]) for row in frequencies.rows if row["total"]]
    chart = bar_chart(chart_rows, title=_("Coded passages per code"), fmt=str, labels_above=True)
    return render(
        request,
        "participation/interviews/coding_overview.html",
        {
            "process": process,
            "form": form,
            "frequencies": frequencies,
            "chart": mark_safe(chart),  # noqa: S308 - built from escaped parts in core.charts
            "query": request.GET.urlencode(),
        },
    )


@login_required
def code_quotes(request, pk: int, code_pk: int):
    process = _process(request, pk, "participation.view_coding")
    code = get_object_or_404(Code, pk=code_pk, process=process)
    paths = _paths(process)
    passages = [
        (p, [paths.get(c.pk, c.name) for c in p.codes.all()])
        for p in selectors.passages_for_code(code=code)
    ]
    return render(
        request,
        "participation/interviews/code_quotes.html",
        {"process": process, "code": code, "path": paths.get(code.pk), "passages": passages},
    )


@login_required
def passage_export(request, pk: int, fmt: str):
    process = _process(request, pk, "participation.view_coding")
    headers, rows = selectors.passage_export_rows(process=process)
    return download(fmt=fmt, filename=f"coded-passages-{process.pk}", headers=headers, rows=rows)
