"""Staff pages: surveys of a process, their status, responses and invitations.

(Creating and editing the questionnaire is the designer's job: ``surveys/views/designer.py``.)
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.views import add_validation_error, require_perm

from .. import selectors
from ..forms import InvitationImportForm, InvitationPeopleForm
from ..models import InvitationImport, Survey
from ..services import definition as defs
from ..services import invitations as inv_services
from .designer import staff_processes


def _survey(pk: int) -> Survey:
    return get_object_or_404(
        Survey.objects.select_related("process", "phase", "current_version"), pk=pk
    )


@login_required
def survey_index(request):
    surveys = selectors.survey_list(user=request.user)
    return render(
        request,
        "surveys/staff/survey_index.html",
        {
            "surveys": surveys,
            "my_invitations": inv_services.invitations_for_user(request.user),
            "title": _("Surveys"),
            "can_design": staff_processes(request.user).exists(),
        },
    )


@login_required
def survey_detail(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.view_survey", survey)
    public_url = request.build_absolute_uri(
        reverse("surveys:respond_public", args=[survey.public_id])
    )
    return render(
        request,
        "surveys/staff/survey_detail.html",
        {
            "survey": survey,
            "title": str(survey),
            "responses": selectors.response_counts(survey),
            "invitations": selectors.invitation_counts(survey),
            "versions": survey.versions.all(),
            "public_url": public_url,
            "can_change": request.user.has_perm("surveys.change_survey", survey),
            "transitions": defs.ALLOWED_TRANSITIONS.get(survey.status, set()),
            "status_labels": dict(Survey.Status.choices),
        },
    )


@login_required
@require_POST
def survey_transition(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.change_survey", survey)
    to = request.POST.get("to", "")
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("surveys:survey_detail", args=[survey.pk])
    allowed = to in defs.ALLOWED_TRANSITIONS.get(survey.status, set())
    if allowed and not is_confirmed(request):
        if to == Survey.Status.OPEN:
            return confirmation_page(
                request,
                title=_("Open the survey “%(survey)s”?") % {"survey": survey},
                consequences=[
                    _(
                        "Respondents can answer from now on: the public link works and "
                        "invitations can be sent."
                    )
                ],
                checklist=selectors.survey_open_checklist(survey),
                confirm_label=_("Open the survey"),
                cancel_url=back,
                danger=False,
            )
        return confirmation_page(
            request,
            title=_("Close the survey “%(survey)s”?") % {"survey": survey},
            consequences=selectors.survey_close_consequences(survey),
            confirm_label=_("Close the survey"),
            cancel_url=back,
        )
    try:
        defs.survey_transition(survey=survey, user=request.user, to=to)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The status was changed."))
    return redirect(back)


def _invitation_page(request, survey, *, import_form=None, people_form=None, status=200):
    page = Paginator(
        survey.invitations.select_related("person", "target_group").order_by("id"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/staff/invitation_list.html",
        {
            "survey": survey,
            "title": _("Invitations: %(survey)s") % {"survey": survey},
            "page": page,
            "counts": selectors.invitation_counts(survey),
            "import_form": import_form or InvitationImportForm(),
            "people_form": people_form or InvitationPeopleForm(process=survey.process),
        },
        status=status,
    )


@login_required
def invitation_list(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.manage_invitations", survey)
    return _invitation_page(request, survey)


def _report(request, report) -> None:
    messages.success(request, _("%(n)s invitation(s) created.") % {"n": report.created})
    for reason in report.skipped[:20]:
        messages.warning(request, reason)


@login_required
@require_POST
def invitation_import(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.manage_invitations", survey)
    form = InvitationImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = inv_services.invitation_import_queue(
                survey=survey, user=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect("surveys:invitation_import_status", pk=survey.pk, job_id=job.pk)
    return _invitation_page(request, survey, import_form=form, status=400)


@login_required
def invitation_import_status(request, pk: int, job_id: int):
    """Progress of an invitee import (reloads itself while the worker is busy; no JavaScript
    needed), then its report."""
    survey = _survey(pk)
    require_perm(request.user, "surveys.manage_invitations", survey)
    job = get_object_or_404(InvitationImport, pk=job_id, survey=survey)
    running = job.status in (InvitationImport.Status.QUEUED, InvitationImport.Status.RUNNING)
    return render(
        request,
        "surveys/staff/invitation_import_status.html",
        {
            "survey": survey,
            "job": job,
            "running": running,
            "done": inv_services.invitation_import_progress(job),
        },
    )


@login_required
@require_POST
def invitation_people(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.manage_invitations", survey)
    form = InvitationPeopleForm(request.POST, process=survey.process)
    if form.is_valid():
        report = inv_services.invitations_from_people(
            survey=survey, user=request.user, people=form.cleaned_data["people"]
        )
        _report(request, report)
        return redirect("surveys:invitation_list", pk=survey.pk)
    return _invitation_page(request, survey, people_form=form, status=400)


@login_required
@require_POST
def invitation_send(request, pk: int):
    survey = _survey(pk)
    require_perm(request.user, "surveys.manage_invitations", survey)
    reminder = request.POST.get("kind") == "reminder"
    try:
        count = inv_services.invitations_send(survey=survey, user=request.user, reminder=reminder)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("%(n)s reminder(s) queued.") if reminder else _("%(n)s invitation(s) queued."))
            % {"n": count},
        )
    return redirect("surveys:invitation_list", pk=survey.pk)
