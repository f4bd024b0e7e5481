"""Pages for staff and facilitators: list, edit, status, agenda, invitations, check-in,
briefing pack, protocol and photos."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.files import file_response
from core.spreadsheets import download
from core.views import add_validation_error, form_page, require_perm
from participation.models import FieldOfAction, Process
from participation.selectors import process_list

from .. import protocol, selectors, services
from ..forms import AgendaItemForm, CheckInSearchForm, InviteForm, PhotoForm, WorkshopForm
from ..models import DocumentJob, Photo, Workshop, WorkshopAgendaItem, WorkshopInvitation


def get_workshop(request, pk: int, perm: str) -> Workshop:
    workshop = get_object_or_404(
        Workshop.objects.select_related("process").prefetch_related("fields_of_action"), pk=pk
    )
    require_perm(request.user, perm, workshop)
    return workshop


def _error_message(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def workshop_list(request):
    require_perm(request.user, "workshops.view_workshops")
    creatable = [
        p
        for p in process_list(user=request.user)
        if request.user.has_perm("workshops.add_workshop", p)
    ]
    return render(
        request,
        "workshops/list.html",
        {"workshops": selectors.workshop_list(user=request.user), "creatable": creatable},
    )


@login_required
def workshop_edit(request, pk: int | None = None, process_pk: int | None = None):
    if pk:
        workshop = get_workshop(request, pk, "workshops.change_workshop")
        process = workshop.process
    else:
        workshop = None
        process = get_object_or_404(Process, pk=process_pk)
        require_perm(request.user, "workshops.add_workshop", process)
    form = WorkshopForm(request.POST or None, instance=workshop, process=process)
    return form_page(
        request,
        form=form,
        title=str(workshop) if workshop else _("New workshop"),
        save=lambda data: services.workshop_save(
            process=process, user=request.user, workshop=workshop, **data
        ),
        success=lambda obj: obj.get_absolute_url(),
        cancel_url=workshop.get_absolute_url() if workshop else reverse("workshops:list"),
        success_message=_("The workshop was saved."),
    )


@login_required
def workshop_detail(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.view_workshop")
    can_edit = request.user.has_perm("workshops.change_workshop", workshop)
    transitions = [
        (Workshop.Status(to).value, Workshop.Status(to).label)
        for to in sorted(services.workshops.TRANSITIONS[Workshop.Status(workshop.status)])
    ]
    return render(
        request,
        "workshops/detail.html",
        {
            "workshop": workshop,
            "agenda": workshop.agenda.all(),
            "can_edit": can_edit,
            "can_manage": request.user.has_perm("workshops.manage_workshop", workshop),
            "can_brief": request.user.has_perm("workshops.view_briefing", workshop),
            "transitions": transitions if can_edit else [],
            "attendance": selectors.attendance(workshop=workshop) if can_edit else None,
            "facilitators": workshop.facilitators.all(),
        },
    )


@login_required
def workshop_transition(request, pk: int):
    """Change the status; closing asks for confirmation first (a page, no JavaScript)."""
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    to = request.POST.get("to") or request.GET.get("to", "")
    if to not in Workshop.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(workshop.get_absolute_url())
    if request.method == "POST" and (to != Workshop.Status.CLOSED or is_confirmed(request)):
        try:
            services.workshop_transition(workshop=workshop, user=request.user, to=to)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(
                request,
                _("The workshop is now %(status)s.") % {"status": Workshop.Status(to).label},
            )
        return redirect(workshop.get_absolute_url())
    return confirmation_page(
        request,
        title=_("Close the workshop?"),
        consequences=[
            _("A closed workshop cannot be changed any more: no cards, no votes, no photos.")
        ],
        confirm_label=_("Close the workshop"),
        cancel_url=workshop.get_absolute_url(),
    )


@login_required
def agenda_item_edit(request, pk: int, item_pk: int | None = None):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    item = get_object_or_404(WorkshopAgendaItem, pk=item_pk, workshop=workshop) if item_pk else None
    url = workshop.get_absolute_url() + "#agenda"
    return form_page(
        request,
        form=AgendaItemForm(request.POST or None, instance=item),
        title=_("Edit agenda item") if item else _("New agenda item"),
        save=lambda data: services.agenda_item_save(
            workshop=workshop, user=request.user, item=item, **data
        ),
        success=lambda obj: url,
        cancel_url=url,
        success_message=_("The agenda item was saved."),
    )


@login_required
@require_POST
def agenda_item_delete(request, pk: int, item_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    item = get_object_or_404(WorkshopAgendaItem, pk=item_pk, workshop=workshop)
    services.agenda_item_delete(item=item, user=request.user)
    messages.success(request, _("The agenda item was deleted."))
    return redirect(workshop.get_absolute_url() + "#agenda")


# --- invitations and check-in -------------------------------------------------------------


@login_required
def invitations(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    form = InviteForm(request.POST or None, process=workshop.process)
    if request.method == "POST" and "people" in request.POST:
        if form.is_valid():
            try:
                report = services.invitations_create(
                    workshop=workshop, user=request.user, people=form.cleaned_data["people"]
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("%(n)s people invited.") % {"n": report.created})
                for reason in report.skipped:
                    messages.warning(request, reason)
                return redirect("workshops:invitations", pk=workshop.pk)
    elif request.method == "POST":
        reminder = request.POST.get("reminder") == "1"
        if not is_confirmed(request):
            count = selectors.invitations_to_send(workshop=workshop, reminder=reminder).count()
            if reminder:
                title = _("Send reminders?")
                text = _(
                    "%(n)s people who were invited and have not answered yet get a reminder "
                    "email now. Emails cannot be called back."
                )
            else:
                title = _("Send the invitations?")
                text = _(
                    "%(n)s invited people who have not had an email yet get their invitation "
                    "with a personal link to accept or decline now. Emails cannot be called back."
                )
            return confirmation_page(
                request,
                title=title,
                consequences=[text % {"n": count}],
                confirm_label=_("Send reminders") if reminder else _("Send the invitations"),
                danger=False,
                cancel_url=reverse("workshops:invitations", args=[workshop.pk]),
            )
        try:
            count = services.invitations_send(
                workshop=workshop, user=request.user, reminder=reminder
            )
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("%(n)s emails are being sent.") % {"n": count})
        return redirect("workshops:invitations", pk=workshop.pk)
    return render(
        request,
        "workshops/invitations.html",
        {
            "workshop": workshop,
            "form": form,
            "invitations": workshop.invitations.select_related("person__organisation"),
            "attendance": selectors.attendance(workshop=workshop),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def check_in(request, pk: int):
    """The door: search by name, one click checks in (the conference's check-in script)."""
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    form = CheckInSearchForm(request.GET or None)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render(
        request,
        "workshops/check_in.html",
        {
            "workshop": workshop,
            "form": form,
            "q": search,
            "invitations": selectors.invitation_search(workshop=workshop, search=search),
            "attendance": selectors.attendance(workshop=workshop),
        },
    )


@login_required
def check_in_counts(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    return render(
        request, "workshops/_counts.html", {"attendance": selectors.attendance(workshop=workshop)}
    )


@login_required
@require_POST
def check_in_invitation(request, pk: int, invitation_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    invitation = get_object_or_404(
        WorkshopInvitation.objects.select_related("person__organisation"),
        pk=invitation_pk,
        workshop=workshop,
    )
    undo = request.POST.get("undo") == "1"
    try:
        invitation = services.invitation_check_in(
            invitation=invitation, user=request.user, undo=undo
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        if request.headers.get("X-Requested-With") == "fetch":
            return render(
                request,
                "workshops/_checkin_row.html",
                {"i": invitation, "workshop": workshop, "q": request.POST.get("q", "")},
            )
        messages.success(
            request,
            (_("%(name)s is no longer checked in.") if undo else _("%(name)s is checked in."))
            % {"name": invitation.person.display_name},
        )
    url = reverse("workshops:check_in", args=[workshop.pk])
    q = request.POST.get("q", "")
    return redirect(f"{url}?q={q}" if q else url)


# --- briefing pack, protocol, photos ------------------------------------------------------


@login_required
def briefing(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.view_briefing")
    context = protocol.briefing_context(workshop)
    context["can_manage"] = request.user.has_perm("workshops.manage_workshop", workshop)
    return render(request, "workshops/briefing.html", context)


@login_required
@require_POST
def document_request(request, pk: int, kind: str):
    """Queue the PDF of the briefing pack or protocol; its page shows the progress."""
    if kind not in DocumentJob.Kind.values:
        raise Http404(_("Unknown document."))
    workshop = get_workshop(request, pk, services.documents.PERMISSION[kind])
    job = services.document_request(
        workshop=workshop,
        user=request.user,
        kind=kind,
        language=getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE,
    )
    return redirect("workshops:document", pk=workshop.pk, job_pk=job.pk)


def _document_job(request, pk: int, job_pk: int) -> tuple[Workshop, DocumentJob]:
    job = get_object_or_404(DocumentJob.objects.select_related("workshop"), pk=job_pk, workshop=pk)
    require_perm(request.user, services.documents.PERMISSION[job.kind], job.workshop)
    return job.workshop, job


@login_required
def document(request, pk: int, job_pk: int):
    """Progress of a PDF being built (JSON with ?format=json), then its download."""
    workshop, job = _document_job(request, pk, job_pk)
    file_url = (
        reverse("workshops:document_file", args=[workshop.pk, job.pk])
        if job.status == DocumentJob.Status.DONE
        else None
    )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "progress": job.progress,
                "stage": job.stage,
                "error": job.error,
                "file_url": file_url,
            }
        )
    back = "workshops:briefing" if job.kind == DocumentJob.Kind.BRIEFING else "workshops:protocol"
    return render(
        request,
        "workshops/document.html",
        {
            "workshop": workshop,
            "job": job,
            "file_url": file_url,
            "back_url": reverse(back, args=[workshop.pk]),
            "title": job.get_kind_display(),
        },
    )


@login_required
def document_file(request, pk: int, job_pk: int):
    workshop, job = _document_job(request, pk, job_pk)
    if job.status != DocumentJob.Status.DONE:
        raise Http404(_("The file is not ready yet."))
    return file_response(job.file, content_type="application/pdf")


@login_required
def protocol_page(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.view_protocol")
    context = protocol.protocol_context(workshop)
    context["can_manage"] = request.user.has_perm("workshops.manage_workshop", workshop)
    context["can_edit"] = request.user.has_perm("workshops.change_workshop", workshop)
    return render(request, "workshops/protocol.html", context)


@login_required
def protocol_export(request, pk: int, fmt: str):
    workshop = get_workshop(request, pk, "workshops.view_protocol")
    name = f"protokoll-workshop-{workshop.pk}"
    if fmt not in ("docx", "csv", "xlsx"):
        raise Http404(_("Unknown format."))  # the PDF is built in the background (document)
    if fmt == "docx":
        response = HttpResponse(
            protocol.protocol_docx(workshop),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        headers, rows = protocol.card_rows(workshop)
        return download(
            fmt=fmt, filename=f"workshop-{workshop.pk}-cards", headers=headers, rows=rows
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def protocol_send(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.manage_workshop")
    protocol_url = reverse("workshops:protocol", args=[workshop.pk])
    if request.method == "POST" and is_confirmed(request):
        try:
            count = services.protocol_send(workshop=workshop, user=request.user)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(
                request, _("The protocol is being sent to %(n)s participants.") % {"n": count}
            )
        return redirect(protocol_url)
    return confirmation_page(
        request,
        title=_("Send the protocol?"),
        consequences=[
            _(
                "Everyone who accepted or attended gets the protocol (PDF) by email. Emails "
                "cannot be called back."
            )
        ],
        confirm_label=_("Send the protocol"),
        cancel_url=protocol_url,
        danger=False,
    )


@login_required
def photos(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.photo_add(
                    workshop=workshop,
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The photo was attached."))
                return redirect("workshops:photos", pk=workshop.pk)
    return render(
        request,
        "workshops/photos.html",
        {"workshop": workshop, "form": form, "photos": selectors.photos(workshop=workshop)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def photo_file(request, pk: int, photo_pk: int):
    workshop = get_workshop(request, pk, "workshops.view_protocol")
    photo = get_object_or_404(Photo, pk=photo_pk, workshop=workshop)
    return file_response(photo.file, content_type=photo.content_type, inline=True)


@login_required
@require_POST
def photo_delete(request, pk: int, photo_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    photo = get_object_or_404(Photo, pk=photo_pk, workshop=workshop)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Delete the photo?"),
            consequences=[_("The file is removed for good.")],
            confirm_label=_("Delete"),
            cancel_url=reverse("workshops:photos", args=[workshop.pk]),
        )
    services.photo_delete(photo=photo, user=request.user)
    messages.success(request, _("The photo was deleted."))
    return redirect("workshops:photos", pk=workshop.pk)


@login_required
def briefing_questions(request, pk: int):
    """Choose the survey questions whose figures the briefing pack shows for this workshop's
    fields of action (project staff; the tag lives with the survey and serves every workshop
    of the field)."""
    from surveys.models import QuestionTopic, Survey
    from surveys.results import reports
    from surveys.results.services import question_topic_set
    from surveys.structure import get as get_structure

    workshop = get_workshop(request, pk, "workshops.manage_workshop")
    fields = list(workshop.fields_of_action.all())
    field_ids = {f.pk for f in fields}
    surveys = Survey.objects.filter(
        process=workshop.process, current_version__isnull=False
    ).select_related("current_version")
    topics = {
        (t.survey_id, t.question): t
        for t in QuestionTopic.objects.filter(survey__in=surveys).prefetch_related(
            "fields_of_action"
        )
    }
    blocks = []
    for survey in surveys:
        structure = get_structure(survey.current_version)
        rows = []
        for q in reports.answered_questions(structure):
            topic = topics.get((survey.pk, q.code))
            tagged = {f.pk for f in topic.fields_of_action.all()} if topic else set()
            rows.append(
                {
                    "name": f"q-{survey.pk}-{q.code}",
                    "code": q.code,
                    "label": reports.question_label(q),
                    "checked": bool(tagged & field_ids),
                    "tagged": tagged,
                }
            )
        blocks.append({"survey": survey, "rows": rows})
    if request.method == "POST":
        try:
            with transaction.atomic():
                for block in blocks:
                    for row in block["rows"]:
                        wanted = request.POST.get(row["name"]) == "1"
                        if wanted == row["checked"]:
                            continue
                        ids = row["tagged"] | field_ids if wanted else row["tagged"] - field_ids
                        question_topic_set(
                            survey=block["survey"],
                            user=request.user,
                            question=row["code"],
                            fields_of_action=[f for f in FieldOfAction.objects.filter(pk__in=ids)],
                        )
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The survey questions of the briefing pack were saved."))
            return redirect("workshops:briefing", pk=workshop.pk)
    return render(
        request,
        "workshops/briefing_questions.html",
        {"workshop": workshop, "blocks": blocks, "fields": fields},
    )
