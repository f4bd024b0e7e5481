"""Pages of findings (IST/SOLL with numbered citations) and goals (with roll-up and weights)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.views import add_validation_error
from participation.models import Statement

from .. import selectors, services
from ..forms import (
    CiteIndicatorForm,
    CiteStatementForm,
    CiteSurveyFigureForm,
    FindingForm,
    OperationalGoalForm,
    StrategicGoalForm,
    WeightsForm,
)
from ..models import Evidence, Finding, Measure, OperationalGoal, StrategicGoal
from ..services.locking import EditConflict
from .catalogue import _process, _with_version

CITATION = re.compile(r"\[(\d{1,3})\]")


def cited_html(text: str, numbers: set[int]) -> str:
    """Paragraphs with ``[n]`` turned into links to reference n (unknown numbers marked)."""

    def link(match):
        n = int(match.group(1))
        if n in numbers:
            return f'<a href="#ref-{n}" class="citation">[{n}]</a>'
        return (
            f'<span class="citation-missing" title="{escape(_("No such reference"))}">[{n}?]</span>'
        )

    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return mark_safe(
        "".join(
            f"<p>{CITATION.sub(link, escape(p)).replace(chr(10), '<br>')}</p>" for p in paragraphs
        )
    )


@login_required
def finding_list(request, pk: int):
    process = _process(request, pk)
    findings = selectors.finding_list(
        user=request.user,
        process=process,
        filters={
            "field_of_action": request.GET.get("field_of_action") or None,
            "target_group": request.GET.get("target_group") or None,
            "without_evidence": request.GET.get("without_evidence") == "1",
        },
    )
    return render(
        request,
        "measures/findings.html",
        {
            "process": process,
            "findings": findings,
            "title": _("Findings (IST/SOLL)"),
            "fields": process.fields_of_action.all(),
            "groups": process.target_groups.all(),
            "can_curate": request.user.has_perm("measures.curate", process),
            "chosen": request.GET,
        },
    )


def _finding(process, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.select_related("field_of_action", "target_group"), process=process, pk=pk
    )


@login_required
def finding_detail(request, pk: int, finding_pk: int):
    process = _process(request, pk)
    finding = _finding(process, finding_pk)
    evidence = selectors.finding_evidence(finding)
    sources = selectors.statement_sources([e.statement for e in evidence if e.statement_id])
    today = selectors.today_values(evidence)
    for e in evidence:
        e.url = selectors.evidence_url(e, sources)
        e.today = today.get(e.pk)
        e.rows = selectors.evidence_rows(e.cited_figure) if e.cited_figure else []
    numbers = {e.number for e in evidence}
    return render(
        request,
        "measures/finding.html",
        {
            "process": process,
            "finding": finding,
            "evidence": evidence,
            "current_html": cited_html(finding.current_state, numbers),
            "target_html": cited_html(finding.target_state, numbers),
            "measures": finding.measures.order_by("number"),
            "can_curate": request.user.has_perm("measures.curate", process),
            "title": finding.title,
        },
    )


@login_required
def finding_edit(request, pk: int, finding_pk: int | None = None):
    process = _process(request, pk, "measures.curate")
    finding = _finding(process, finding_pk) if finding_pk else None
    conflict = None
    if request.method == "POST":
        form = FindingForm(request.POST, instance=finding, process=process)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None) or (finding.version if finding else None)
            try:
                finding = services.finding_save(
                    user=request.user, process=process, finding=finding, version=version, **data
                )
            except EditConflict as error:
                conflict = error
                form = FindingForm(
                    _with_version(request, error.current_version), instance=finding, process=process
                )
                form.is_valid()
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The finding was saved."))
                return redirect(finding.get_absolute_url())
    else:
        form = FindingForm(
            instance=finding,
            process=process,
            initial={"version": finding.version if finding else None},
        )
    return render(
        request,
        "measures/form.html",
        {
            "process": process,
            "form": form,
            "conflict": conflict,
            "title": _("Edit the finding") if finding else _("New finding"),
            "cancel_url": finding.get_absolute_url()
            if finding
            else reverse("measures:findings", args=[pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def finding_cite(request, pk: int, finding_pk: int, kind: str):
    process = _process(request, pk, "measures.curate")
    finding = _finding(process, finding_pk)
    data = request.POST or None
    if kind == "statement":
        statements = Statement.objects.filter(process=process).order_by("-created_at")
        if request.GET.get("all") != "1":
            statements = statements.filter(fields_of_action=finding.field_of_action)
        form = CiteStatementForm(data, statements=statements)
    elif kind == "survey":
        form = CiteSurveyFigureForm(data, process=process)
    elif kind == "indicator":
        form = CiteIndicatorForm(data, process=process, field_of_action=finding.field_of_action)
    else:
        from django.http import Http404

        raise Http404
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if kind == "statement":
                e = services.evidence_cite_statement(
                    user=request.user, finding=finding, statement=d["statement"], note=d["note"]
                )
            elif kind == "survey":
                e = services.evidence_cite_survey_figure(
                    user=request.user,
                    finding=finding,
                    survey=d["survey"],
                    version_number=d["version_number"],
                    question_code=d["question_code"],
                    breakdown=d["breakdown"],
                    note=d["note"],
                )
            else:
                e = services.evidence_cite_indicator_value(
                    user=request.user,
                    finding=finding,
                    indicator=d["indicator"],
                    territory=d["territory"],
                    year=d["year"],
                    target_group=d["target_group"],
                    note=d["note"],
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Cited as reference [%(n)s]. Write [%(n)s] in the text "
                    "where it supports a statement."
                )
                % {"n": e.number},
            )
            return redirect(finding.get_absolute_url() + f"#ref-{e.number}")
    titles = {
        "statement": _("Cite a statement"),
        "survey": _("Cite a survey figure"),
        "indicator": _("Cite an indicator value"),
    }
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "title": titles[kind],
            "cancel_url": finding.get_absolute_url(),
            "intro": _(
                "Cited figures are kept as they are now (small-count protected) and shown "
                "beside today's value."
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def evidence_remove(request, pk: int, finding_pk: int, evidence_pk: int):
    process = _process(request, pk, "measures.curate")
    finding = _finding(process, finding_pk)
    evidence = get_object_or_404(Evidence, finding=finding, pk=evidence_pk)
    if request.method == "POST":
        services.evidence_remove(user=request.user, evidence=evidence)
        messages.success(request, _("The reference was removed."))
        return redirect(finding.get_absolute_url())
    return render(
        request,
        "measures/confirm.html",
        {
            "process": process,
            "title": _("Remove reference [%(n)s]?") % {"n": evidence.number},
            "text": evidence.cited_label,
            "cancel_url": finding.get_absolute_url(),
        },
    )


@login_required
def object_history(request, pk: int, kind: str, obj_pk: int):
    process = _process(request, pk)
    model = {
        "finding": Finding,
        "strategic": StrategicGoal,
        "operational": OperationalGoal,
        "measure": Measure,
    }.get(kind)
    if model is None:
        from django.http import Http404

        raise Http404
    obj = get_object_or_404(model, process=process, pk=obj_pk)
    back = (
        obj.get_absolute_url()
        if hasattr(obj, "get_absolute_url")
        else reverse("measures:goals", args=[pk])
    )
    return render(
        request,
        "measures/history.html",
        {
            "process": process,
            "object": obj,
            "back": back,
            "entries": services.history_entries(obj),
            "title": _("History of “%(o)s”") % {"o": obj},
        },
    )


# --- goals -------------------------------------------------------------------------------------


@login_required
def goals(request, pk: int):
    process = _process(request, pk)
    return render(
        request,
        "measures/goals.html",
        {
            "process": process,
            "tree": selectors.goal_tree(process=process),
            "can_curate": request.user.has_perm("measures.curate", process),
            "title": _("Goals and progress"),
        },
    )


def _goal_page(request, process, *, form, title, save, cancel_url, make_form):
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            save(data)
        except EditConflict as error:
            conflict = error
            form = make_form(_with_version(request, error.current_version))
            form.is_valid()
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(cancel_url)
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


@login_required
def strategic_goal_edit(request, pk: int, goal_pk: int | None = None):
    process = _process(request, pk, "measures.curate")
    goal = get_object_or_404(StrategicGoal, process=process, pk=goal_pk) if goal_pk else None

    def make_form(data=None):
        return StrategicGoalForm(
            data,
            instance=goal,
            process=process,
            initial={"version": goal.version if goal else None},
        )

    def save(data):
        version = data.pop("version", None) or (goal.version if goal else None)
        services.strategic_goal_save(
            user=request.user, process=process, goal=goal, version=version, **data
        )

    return _goal_page(
        request,
        process,
        form=make_form(request.POST or None),
        title=_("Strategic goal"),
        save=save,
        make_form=make_form,
        cancel_url=reverse("measures:goals", args=[pk]),
    )


@login_required
def operational_goal_edit(request, pk: int, goal_pk: int | None = None):
    process = _process(request, pk, "measures.curate")
    goal = get_object_or_404(OperationalGoal, process=process, pk=goal_pk) if goal_pk else None
    parent = goal.strategic_goal if goal else None
    if parent is None and request.GET.get("strategic"):
        parent = get_object_or_404(StrategicGoal, process=process, pk=request.GET["strategic"])
    foa = parent.field_of_action if parent else None

    def make_form(data=None):
        return OperationalGoalForm(
            data,
            instance=goal,
            process=process,
            field_of_action=foa,
            initial={"version": goal.version if goal else None, "strategic_goal": parent},
        )

    def save(data):
        version = data.pop("version", None) or (goal.version if goal else None)
        strategic = data["strategic_goal"]
        services.operational_goal_save(
            user=request.user, strategic_goal=strategic, goal=goal, version=version, **data
        )

    return _goal_page(
        request,
        process,
        form=make_form(request.POST or None),
        title=_("Operational goal"),
        save=save,
        make_form=make_form,
        cancel_url=reverse("measures:goals", args=[pk]),
    )


@login_required
def weights(request, pk: int):
    process = _process(request, pk, "measures.curate")
    tree = selectors.goal_tree(process=process)
    measures = Measure.objects.filter(process=process, status__in=Measure.ADOPTED_STATUSES)
    form = WeightsForm(request.POST or None, tree=tree, measures=measures)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.weights_update(user=request.user, process=process, weights=form.weights())
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("%(n)s weights were changed.") % {"n": n})
            return redirect("measures:goals", pk)
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "title": _("Weights of the progress roll-up"),
            "intro": _(
                "Each level's progress is the weighted average of the level below. "
                "Weight 0 leaves an item out."
            ),
            "cancel_url": reverse("measures:goals", args=[pk]),
        },
        status=400 if request.method == "POST" else 200,
    )
