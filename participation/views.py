"""Web pages of the participation core. Thin: parse, check permission, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.views import add_validation_error, form_page, paginate, require_perm

from . import selectors, services
from .dashboard import home_links
from .forms import (
    FieldOfActionForm,
    MembershipForm,
    OrganisationForm,
    PersonEraseForm,
    PersonForm,
    PhaseForm,
    ProcessForm,
    TargetGroupForm,
)
from .models import (
    FieldOfAction,
    Organisation,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
)

# --- home and processes -------------------------------------------------------------------


@login_required
def home(request):
    processes = selectors.process_list(user=request.user)
    return render(
        request,
        "participation/home.html",
        {
            "processes": processes,
            "memberships": selectors.memberships_without_access(user=request.user),
            "taking_part": home_links(request.user),
            "can_add": request.user.has_perm("participation.add_process"),
            "can_keep_directory": request.user.has_perm("participation.view_directory"),
        },
    )


@login_required
def process_create(request):
    require_perm(request.user, "participation.add_process")
    form = ProcessForm(
        request.POST or None,
        may_set_territory=request.user.has_perm("participation.change_territory"),
    )
    return form_page(
        request,
        form=form,
        title=_("New process"),
        save=lambda data: services.process_create(user=request.user, **data),
        success=lambda process: process.get_absolute_url(),
        cancel_url=reverse("participation:home"),
        success_message=_("The process was created."),
    )


@login_required
def process_dashboard(request, pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.view_process", process)
    dashboard = selectors.process_dashboard(
        process=process, today=timezone.localdate(), user=request.user
    )
    return render(
        request,
        "participation/process_dashboard.html",
        {
            "process": process,
            "dashboard": dashboard,
            "can_change": request.user.has_perm("participation.change_process", process),
            "can_delete": request.user.has_perm("participation.delete_process", process),
        },
    )


@login_required
def process_edit(request, pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.change_process", process)
    form = ProcessForm(
        request.POST or None,
        instance=process,
        may_set_territory=request.user.has_perm("participation.change_territory"),
    )
    return form_page(
        request,
        form=form,
        title=_("Edit process"),
        save=lambda data: services.process_update(process=process, user=request.user, **data),
        success=lambda p: p.get_absolute_url(),
        cancel_url=process.get_absolute_url(),
        success_message=_("The process was saved."),
    )


@login_required
def process_delete(request, pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.delete_process", process)
    try:
        summary = services.process_deletion_summary(process=process)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(process.get_absolute_url())
    if is_confirmed(request):
        try:
            services.process_delete(process=process, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(process.get_absolute_url())
        messages.success(request, _("The process “%(title)s” was deleted.") % {"title": process})
        return redirect("participation:home")
    return confirmation_page(
        request,
        title=_("Delete the process “%(title)s”?") % {"title": process},
        consequences=[
            _(
                "The process is deleted with everything in it, for good. This cannot be undone. "
                "Export what you want to keep first."
            ),
            *(
                _("%(count)s × %(kind)s") % {"count": count, "kind": kind}
                for kind, count in summary
            ),
        ],
        confirm_label=_("Delete the process"),
        cancel_url=process.get_absolute_url(),
    )


@login_required
def phase_edit(request, pk: int, phase_pk: int | None = None):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.change_process", process)
    phase = get_object_or_404(Phase, pk=phase_pk, process=process) if phase_pk else None
    form = PhaseForm(request.POST or None, instance=phase, process=process)
    return form_page(
        request,
        form=form,
        title=_("Edit phase") if phase else _("New phase"),
        save=lambda data: services.phase_save(
            process=process, user=request.user, phase=phase, **data
        ),
        success=lambda p: process.get_absolute_url(),
        cancel_url=process.get_absolute_url(),
        success_message=_("The phase was saved."),
    )


@login_required
@require_POST
def phase_delete(request, pk: int, phase_pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.change_process", process)
    phase = get_object_or_404(Phase, pk=phase_pk, process=process)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Delete the phase “%(title)s”?") % {"title": phase.title},
            consequences=[
                _(
                    "The phase disappears from the timeline. What was collected in it (surveys, "
                    "interviews, events) stays."
                )
            ],
            confirm_label=_("Delete the phase"),
            cancel_url=process.get_absolute_url(),
        )
    services.phase_delete(phase=phase, user=request.user)
    messages.success(request, _("The phase was deleted."))
    return redirect(process.get_absolute_url())


@login_required
def process_members(request, pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.change_process", process)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(
                process=process,
                user=request.user,
                member=form.cleaned_data["member"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The role was saved."))
            return redirect("participation:process_members", pk=process.pk)
    memberships = process.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "participation/process_members.html",
        {"process": process, "memberships": memberships, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def process_member_remove(request, pk: int, membership_pk: int):
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, "participation.change_process", process)
    membership = get_object_or_404(ProcessMembership, pk=membership_pk, process=process)
    try:
        services.membership_remove(membership=membership, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("participation:process_members", pk=process.pk)


# --- catalogues ---------------------------------------------------------------------------

CATALOGUES = {
    "target-groups": (TargetGroup, TargetGroupForm),
    "fields-of-action": (FieldOfAction, FieldOfActionForm),
}


def _catalogue(catalogue: str):
    if catalogue not in CATALOGUES:
        raise Http404(_("Unknown catalogue."))
    return CATALOGUES[catalogue]


@login_required
def catalogue_list(request, catalogue: str):
    require_perm(request.user, "participation.view_catalogues")
    model, _form = _catalogue(catalogue)
    items = model.objects.annotate(process_count=Count("processes"))
    return render(
        request,
        "participation/catalogue_list.html",
        {
            "items": items,
            "catalogue": catalogue,
            "title": model._meta.verbose_name_plural,
            "can_edit": request.user.has_perm("participation.manage_catalogues"),
        },
    )


@login_required
def catalogue_edit(request, catalogue: str, item_pk: int | None = None):
    require_perm(request.user, "participation.manage_catalogues")
    model, form_class = _catalogue(catalogue)
    instance = get_object_or_404(model, pk=item_pk) if item_pk else None
    form = form_class(request.POST or None, instance=instance)
    list_url = reverse("participation:catalogue_list", args=[catalogue])
    return form_page(
        request,
        form=form,
        title=f"{model._meta.verbose_name}: {instance}" if instance else model._meta.verbose_name,
        save=lambda data: services.catalogue_item_save(
            model=model, user=request.user, instance=instance, **data
        ),
        success=lambda obj: list_url,
        cancel_url=list_url,
        success_message=_("Saved."),
    )


# --- directory ----------------------------------------------------------------------------


@login_required
def organisation_list(request):
    require_perm(request.user, "participation.view_directory")
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    page = paginate(
        request, selectors.organisation_list(user=request.user, search=search, kind=kind)
    )
    return render(
        request,
        "participation/organisation_list.html",
        {"page": page, "q": search, "kind": kind, "kinds": Organisation.Kind.choices},
    )


@login_required
def organisation_edit(request, pk: int | None = None):
    require_perm(request.user, "participation.change_directory")
    organisation = (
        get_object_or_404(selectors.organisation_list(user=request.user), pk=pk) if pk else None
    )
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        processes=selectors.directory_processes(user=request.user),
    )
    return form_page(
        request,
        form=form,
        title=str(organisation) if organisation else _("New organisation"),
        save=lambda data: services.organisation_save(
            user=request.user, organisation=organisation, **data
        ),
        success=lambda obj: reverse("participation:organisation_list"),
        cancel_url=reverse("participation:organisation_list"),
        success_message=_("The organisation was saved."),
    )


@login_required
def person_list(request):
    require_perm(request.user, "participation.view_directory")
    search = request.GET.get("q", "").strip()
    page = paginate(request, selectors.person_list(user=request.user, search=search))
    return render(request, "participation/person_list.html", {"page": page, "q": search})


@login_required
def person_edit(request, pk: int | None = None):
    require_perm(request.user, "participation.change_directory")
    person = get_object_or_404(selectors.person_list(user=request.user), pk=pk) if pk else None
    if person and person.is_erased:
        messages.error(request, _("This person was erased and cannot be edited."))
        return redirect("participation:person_list")
    form = PersonForm(
        request.POST or None,
        instance=person,
        processes=selectors.directory_processes(user=request.user),
        organisations=selectors.organisation_list(user=request.user),
    )
    return form_page(
        request,
        form=form,
        title=str(person) if person else _("New person"),
        save=lambda data: services.person_save(user=request.user, person=person, **data),
        success=lambda obj: reverse("participation:person_list"),
        cancel_url=reverse("participation:person_list"),
        success_message=_("The person was saved."),
    )


@login_required
def person_erase(request, pk: int):
    require_perm(request.user, "participation.change_directory")
    person = get_object_or_404(selectors.person_list(user=request.user), pk=pk)
    require_perm(request.user, "participation.erase_person", person)
    form = PersonEraseForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("Erase %(name)s") % {"name": person.display_name},
        save=lambda data: services.person_erase(
            person=person, user=request.user, reason=data["reason"]
        ),
        success=lambda obj: reverse("participation:person_list"),
        cancel_url=reverse("participation:person_list"),
        success_message=_("The person was erased. Their contributions are kept under a pseudonym."),
        context={
            "danger": True,
            "intro": _(
                "Erasing removes this person's name, email address, phone number, function, notes "
                "and consent record for good, and their login (if any) is switched off. "
                "Interviews, cards and statements they contributed stay, shown under the "
                "pseudonym %(pseudonym)s. This cannot be undone."
            )
            % {"pseudonym": person.pseudonym},
        },
    )
