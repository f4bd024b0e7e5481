"""Pages of implementation tracking (reporting links, the lead organisation's page), the
catalogue settings, the public catalogue and the field of action ↔ monitoring area links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_link
from core.views import add_validation_error, require_perm
from participation.models import FieldOfAction, Process

from .. import selectors, services
from ..forms import AreaLinksForm, ProgressForm, ReportingLinkForm, SettingsForm
from ..models import Measure, ReportingLink
from ..services.tracking import link_measures
from .catalogue import _process


@login_required
def catalogue_settings(request, pk: int):
    process = _process(request, pk, "measures.curate")
    current = services.catalogue_settings(process)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_settings_update(
                user=request.user, process=process, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("measures:settings", pk)
    return render(
        request,
        "measures/simple_form.html",
        {
            "process": process,
            "form": form,
            "title": _("Catalogue settings"),
            "intro": _("The public page: %(url)s")
            % {"url": request.build_absolute_uri(reverse("measures:public", args=[pk]))},
            "cancel_url": reverse("measures:catalogue", args=[pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def reporting_links(request, pk: int):
    process = _process(request, pk, "measures.curate")
    form = ReportingLinkForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            services.reporting_link_create(user=request.user, process=process, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The link was created and mailed to the contact."))
            return redirect("measures:links", pk)
    links = ReportingLink.objects.filter(process=process).select_related("organisation")
    return render(
        request,
        "measures/links.html",
        {
            "process": process,
            "form": form,
            "links": links,
            "urls": {link.pk: absolute_link("measures:report", link.token) for link in links},
            "title": _("Progress reporting links"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def reporting_link_deactivate(request, pk: int, link_pk: int):
    process = _process(request, pk, "measures.curate")
    link = get_object_or_404(ReportingLink, process=process, pk=link_pk)
    if request.method == "POST":
        services.reporting_link_deactivate(user=request.user, link=link)
        messages.success(request, _("The link was switched off."))
        return redirect("measures:links", pk)
    return render(
        request,
        "measures/confirm.html",
        {
            "process": process,
            "title": _("Switch off this link?"),
            "text": _("%(org)s can no longer report through it.") % {"org": link.organisation},
            "cancel_url": reverse("measures:links", args=[pk]),
        },
    )


def report(request, token: str):
    """The lead organisation's page, reached by the personal link: no account needed.

    Shows only the measures the organisation leads in that process; one form per measure.
    """
    link = (
        ReportingLink.objects.select_related("process", "organisation").filter(token=token).first()
    )
    if link is None or not link.active:
        return render(
            request, "measures/report_closed.html", {"title": _("Link not active")}, status=404
        )
    measures = list(link_measures(link))
    forms = {
        m.pk: ProgressForm(
            measure=m,
            prefix=f"m{m.pk}",
            initial={"reported_on": timezone.localdate(), "status": m.status},
        )
        for m in measures
    }
    done = None
    status = 200
    if request.method == "POST":
        try:
            measure_pk = int(request.POST.get("measure", "0"))
        except ValueError:
            measure_pk = 0
        measure = next((m for m in measures if m.pk == measure_pk), None)
        if measure is None:
            raise PermissionDenied(_("This measure is not led by your organisation."))
        form = ProgressForm(request.POST, request.FILES, measure=measure, prefix=f"m{measure.pk}")
        forms[measure.pk] = form
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.progress_report_submit(
                    link=link,
                    measure=measure,
                    progress=d["progress"],
                    status=d["status"] if d["status"] != measure.status else "",
                    note=d["note"],
                    reported_on=d["reported_on"],
                    attachment=d["attachment"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
                status = 400
            else:
                messages.success(
                    request, _("Thank you, the report on %(m)s was saved.") % {"m": measure.code}
                )
                return redirect(reverse("measures:report", args=[token]) + f"#m{measure.pk}")
        else:
            status = 400
    return render(
        request,
        "measures/report.html",
        {
            "link": link,
            "rows": [(m, forms[m.pk]) for m in measures],
            "done": done,
            "title": _("Progress of your measures"),
        },
        status=status,
    )


def public_catalogue(request, pk: int):
    """Adopted measures with their progress, for everyone; only if the process switched it on."""
    process = get_object_or_404(Process, pk=pk)
    settings_ = selectors.public_settings(process)
    if settings_ is None:
        raise Http404(_("This catalogue is not public."))
    measures = selectors.public_measures(process)
    groups: dict = {}
    for m in measures:
        groups.setdefault(m.field_of_action, []).append(m)
    tree = selectors.goal_tree(process=process)
    return render(
        request,
        "measures/public.html",
        {
            "process": process,
            "intro": settings_.public_intro,
            "groups": groups.items(),
            "fields_progress": [(b["field"], b["progress"]) for b in tree],
            "title": _("Measures of %(p)s") % {"p": process.title},
            "statuses": Measure.Status,
        },
    )


@login_required
def area_links(request):
    require_perm(request.user, "participation.manage_catalogues")
    if request.method == "POST":
        created = services.field_of_action_areas_seed()
        messages.success(request, _("%(n)s standard links were added.") % {"n": created})
        return redirect("measures:area_links")
    return render(
        request,
        "measures/area_links.html",
        {"rows": selectors.area_links(), "title": _("Monitoring areas of the fields of action")},
    )


@login_required
def area_links_edit(request, foa_pk: int):
    require_perm(request.user, "participation.manage_catalogues")
    foa = get_object_or_404(FieldOfAction, pk=foa_pk)
    current = [
        a.pk for row in selectors.area_links() if row["field"].pk == foa.pk for a in row["areas"]
    ]
    form = AreaLinksForm(request.POST or None, initial={"areas": current})
    if request.method == "POST" and form.is_valid():
        services.field_of_action_areas_set(
            user=request.user, field_of_action=foa, areas=form.cleaned_data["areas"]
        )
        messages.success(request, _("The areas were saved."))
        return redirect("measures:area_links")
    return render(
        request,
        "measures/simple_form.html",
        {
            "form": form,
            "title": _("Monitoring areas of %(f)s") % {"f": foa},
            "cancel_url": reverse("measures:area_links"),
        },
        status=400 if request.method == "POST" else 200,
    )
