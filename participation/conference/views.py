"""Pages of the kick-off conference. The registration form is the only public page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import ratelimit
from core.clientaddr import client_address
from core.confirm import confirmation_page, is_confirmed
from core.spreadsheets import download
from core.views import add_validation_error, form_page, require_perm

from ..models import AgendaItem, Conference, ConferenceCard, Process, Registration, TopicTable
from ..selectors import process_list
from . import selectors, services
from .forms import (
    AgendaItemForm,
    CardForm,
    CheckInSearchForm,
    ConferenceForm,
    RegistrationForm,
    TopicTableForm,
)


def _conference(request, pk: int, perm: str) -> Conference:
    conference = get_object_or_404(Conference.objects.select_related("process"), pk=pk)
    require_perm(request.user, perm, conference)
    return conference


@login_required
def conference_list(request):
    require_perm(request.user, "participation.view_conferences")
    creatable = [
        p
        for p in process_list(user=request.user)
        if request.user.has_perm("participation.change_process", p)
    ]
    return render(
        request,
        "participation/conference/list.html",
        {"conferences": selectors.conference_list(user=request.user), "creatable": creatable},
    )


@login_required
def conference_edit(request, pk: int | None = None, process_pk: int | None = None):
    if pk:
        conference = _conference(request, pk, "participation.manage_conference")
        process = conference.process
    else:
        conference = None
        process = get_object_or_404(Process, pk=process_pk)
        require_perm(request.user, "participation.change_process", process)
    form = ConferenceForm(request.POST or None, instance=conference)
    return form_page(
        request,
        form=form,
        title=str(conference) if conference else _("New conference"),
        save=lambda data: services.conference_save(
            process=process, user=request.user, conference=conference, **data
        ),
        success=lambda obj: obj.get_absolute_url(),
        cancel_url=conference.get_absolute_url()
        if conference
        else reverse("participation:conference_list"),
        success_message=_("The conference was saved."),
    )


@login_required
def conference_detail(request, pk: int):
    conference = _conference(request, pk, "participation.view_conference")
    can_manage = request.user.has_perm("participation.manage_conference", conference)
    tables = selectors.tables_with_cards(conference=conference)
    return render(
        request,
        "participation/conference/detail.html",
        {
            "conference": conference,
            "agenda": conference.agenda.all(),
            "tables": [
                (t, request.user.has_perm("participation.write_on_table", t)) for t in tables
            ],
            "attendance": selectors.attendance(conference=conference) if can_manage else None,
            "can_manage": can_manage,
            "public_url": request.build_absolute_uri(
                reverse("participation:conference_register", args=[conference.pk])
            ),
        },
    )


@login_required
def agenda_item_edit(request, pk: int, item_pk: int | None = None):
    conference = _conference(request, pk, "participation.manage_conference")
    item = get_object_or_404(AgendaItem, pk=item_pk, conference=conference) if item_pk else None
    form = AgendaItemForm(request.POST or None, instance=item)
    url = conference.get_absolute_url() + "#agenda"
    return form_page(
        request,
        form=form,
        title=_("Edit agenda item") if item else _("New agenda item"),
        save=lambda data: services.agenda_item_save(
            conference=conference, user=request.user, item=item, **data
        ),
        success=lambda obj: url,
        cancel_url=url,
        success_message=_("The agenda item was saved."),
    )


@login_required
@require_POST
def agenda_item_delete(request, pk: int, item_pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    item = get_object_or_404(AgendaItem, pk=item_pk, conference=conference)
    services.agenda_item_delete(item=item, user=request.user)
    messages.success(request, _("The agenda item was deleted."))
    return redirect(conference.get_absolute_url() + "#agenda")


@login_required
def table_edit(request, pk: int, table_pk: int | None = None):
    conference = _conference(request, pk, "participation.manage_conference")
    table = get_object_or_404(TopicTable, pk=table_pk, conference=conference) if table_pk else None
    form = TopicTableForm(request.POST or None, instance=table, process=conference.process)
    url = conference.get_absolute_url() + "#tables"
    return form_page(
        request,
        form=form,
        title=_("Edit topic table") if table else _("New topic table"),
        save=lambda data: services.table_save(
            conference=conference, user=request.user, table=table, **data
        ),
        success=lambda obj: url,
        cancel_url=url,
        success_message=_("The topic table was saved."),
    )


@login_required
def table_detail(request, table_pk: int):
    """A topic table's cards; its facilitator (and staff) add cards here."""
    table = get_object_or_404(
        TopicTable.objects.select_related("conference__process", "field_of_action", "facilitator"),
        pk=table_pk,
    )
    require_perm(request.user, "participation.view_conference", table.conference)
    can_write = request.user.has_perm("participation.write_on_table", table)
    form = CardForm(request.POST or None, process=table.conference.process)
    if request.method == "POST":
        require_perm(request.user, "participation.write_on_table", table)
        if form.is_valid():
            try:
                services.card_create(table=table, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The card was added to the statements."))
                return redirect(table.get_absolute_url())
    kinds = selectors.card_kinds(conference=table.conference)
    return render(
        request,
        "participation/conference/table.html",
        {
            "table": table,
            "conference": table.conference,
            "cards": [(c, kinds.get(c.pk, "")) for c in table.cards.select_related("author")],
            "form": form,
            "can_write": can_write,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def card_delete(request, table_pk: int, card_pk: int):
    table = get_object_or_404(TopicTable.objects.select_related("conference"), pk=table_pk)
    require_perm(request.user, "participation.write_on_table", table)
    card = get_object_or_404(ConferenceCard, pk=card_pk, table=table)
    services.card_delete(card=card, user=request.user)
    messages.success(request, _("The card was deleted."))
    return redirect(table.get_absolute_url())


# --- registration (public) ----------------------------------------------------------------


def _rate_limited(request) -> bool:
    """Count registration attempts per IP (in the shared cache, Redis in deployment)."""
    return ratelimit.exceeded(
        "registration",
        client_address(request),
        getattr(settings, "TEILHABE_REGISTRATION_RATE_LIMIT", 10),
        getattr(settings, "TEILHABE_REGISTRATION_RATE_WINDOW", 3600),
    )


def conference_register(request, pk: int):
    """The public registration form (no account needed)."""
    conference = get_object_or_404(Conference, pk=pk)
    form = RegistrationForm(request.POST or None)
    context = {
        "conference": conference,
        "agenda": conference.agenda.all(),
        "form": form,
        "title": _("Register: %(title)s") % {"title": conference.title},
    }
    if not conference.accepts_registrations:
        return render(request, "participation/conference/register.html", context, status=200)
    if request.method == "POST":
        if _rate_limited(request):
            context["rate_limited"] = True
            return render(request, "participation/conference/register.html", context, status=429)
        if form.is_valid():
            try:
                services.registration_create(
                    conference=conference,
                    language=getattr(request, "LANGUAGE_CODE", ""),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                # The same answer whether the address was new or registered already: the
                # e-mail to the address tells its owner the truth, the page tells nobody.
                return redirect(
                    reverse("participation:conference_registered", args=[conference.pk])
                )
        return render(request, "participation/conference/register.html", context, status=400)
    return render(request, "participation/conference/register.html", context)


def conference_registered(request, pk: int):
    conference = get_object_or_404(Conference, pk=pk)
    return render(
        request,
        "participation/conference/registered.html",
        {"conference": conference, "title": conference.title},
    )


# --- staff: registrations and check-in ----------------------------------------------------


@login_required
def registration_list(request, pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    return render(
        request,
        "participation/conference/registrations.html",
        {
            "conference": conference,
            "registrations": conference.registrations.all(),
            "attendance": selectors.attendance(conference=conference),
        },
    )


@login_required
def registration_export(request, pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    headers = [
        _("Name"),
        _("Organisation"),
        _("Email"),
        _("Accessibility needs"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
    ]
    rows = [
        [
            r.name,
            r.organisation,
            r.email,
            r.accessibility_needs,
            r.get_status_display(),
            r.created_at.isoformat(timespec="seconds"),
            r.checked_in_at.isoformat(timespec="seconds") if r.checked_in_at else "",
        ]
        for r in conference.registrations.all()
    ]
    return download(
        fmt="csv", filename=f"registrations-{conference.pk}", headers=headers, rows=rows
    )


@login_required
@require_POST
def registration_cancel(request, pk: int, registration_pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    registration = get_object_or_404(Registration, pk=registration_pk, conference=conference)
    if not is_confirmed(request):
        consequences = [_("%(name)s loses the place.") % {"name": registration.name}]
        successor = selectors.next_on_waiting_list(conference=conference)
        if registration.status == Registration.Status.REGISTERED and successor is not None:
            if conference.has_started():
                consequences.append(
                    _("The conference has begun, so nobody moves up from the waiting list.")
                )
            else:
                consequences.append(
                    _("%(name)s moves up from the waiting list and is emailed at once.")
                    % {"name": successor.name}
                )
        consequences.append(
            _("The registration cannot be restored; the person would have to register again.")
        )
        return confirmation_page(
            request,
            title=_("Cancel the registration of %(name)s?") % {"name": registration.name},
            consequences=consequences,
            confirm_label=_("Cancel the registration"),
            cancel_url=reverse("participation:registration_list", args=[conference.pk]),
        )
    moved_up = services.registration_cancel(registration=registration, user=request.user)
    messages.success(
        request, _("The registration of %(name)s was cancelled.") % {"name": registration.name}
    )
    if moved_up is not None:
        messages.success(
            request,
            _("%(name)s moved up from the waiting list and gets a confirmation email.")
            % {"name": moved_up.name},
        )
    return redirect("participation:registration_list", pk=conference.pk)


@login_required
@require_POST
def registrations_anonymise(request, pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Remove the personal data of all registrations?"),
            consequences=[
                _(
                    "Names, email addresses and accessibility needs of all %(n)s registrations "
                    "of “%(title)s” are removed for good. This cannot be undone."
                )
                % {"n": conference.registrations.count(), "title": conference.title},
                _("Names become “Participant 1”, “Participant 2” and so on."),
                _("The attendance figures and check-in times stay."),
                _("Nobody can be emailed about this conference any more."),
            ],
            confirm_label=_("Remove personal data"),
            cancel_url=reverse("participation:registration_list", args=[conference.pk]),
        )
    try:
        count = services.registrations_anonymise(conference=conference, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Personal data of %(n)s registrations was removed.") % {"n": count},
        )
    return redirect("participation:registration_list", pk=conference.pk)


def _wants_partial(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def check_in(request, pk: int):
    """Search by name, check in with one click; counts refresh without reload when JS runs."""
    conference = _conference(request, pk, "participation.manage_conference")
    form = CheckInSearchForm(request.GET or None)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    context = {
        "conference": conference,
        "form": form,
        "q": search,
        "registrations": selectors.registration_search(conference=conference, search=search),
        "attendance": selectors.attendance(conference=conference),
    }
    return render(request, "participation/conference/check_in.html", context)


@login_required
def check_in_counts(request, pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    return render(
        request,
        "participation/conference/_counts.html",
        {"attendance": selectors.attendance(conference=conference)},
    )


@login_required
@require_POST
def check_in_registration(request, pk: int, registration_pk: int):
    conference = _conference(request, pk, "participation.manage_conference")
    registration = get_object_or_404(Registration, pk=registration_pk, conference=conference)
    undo = request.POST.get("undo") == "1"
    try:
        registration = services.registration_check_in(
            registration=registration, user=request.user, undo=undo
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if _wants_partial(request):
            return render(
                request,
                "participation/conference/_checkin_row.html",
                {
                    "r": registration,
                    "conference": conference,
                    "q": request.POST.get("q", ""),
                    "attendance": selectors.attendance(conference=conference),
                },
            )
        messages.success(
            request,
            (_("%(name)s is no longer checked in.") if undo else _("%(name)s is checked in."))
            % {"name": registration.name},
        )
    url = reverse("participation:check_in", args=[conference.pk])
    q = request.POST.get("q", "")
    return redirect(f"{url}?q={q}" if q else url)


# --- documentation ------------------------------------------------------------------------


@login_required
def documentation(request, pk: int):
    conference = _conference(request, pk, "participation.view_conference")
    kinds = selectors.card_kinds(conference=conference)
    tables = list(selectors.tables_with_cards(conference=conference))
    for table in tables:
        for card in table.cards.all():
            card.kind_label = kinds.get(card.pk, "")
    return render(
        request,
        "participation/conference/documentation.html",
        {
            "conference": conference,
            "agenda": conference.agenda.all(),
            "attendance": selectors.attendance(conference=conference),
            "tables": tables,
        },
    )


@login_required
def documentation_export(request, pk: int, fmt: str):
    conference = _conference(request, pk, "participation.view_conference")
    kinds = selectors.card_kinds(conference=conference)
    headers = [_("Table"), _("Field of action"), _("Facilitator"), _("Kind"), _("Card")]
    rows = [
        [
            str(table),
            table.field_of_action.label,
            table.facilitator.get_full_name() or table.facilitator.get_username(),
            kinds.get(card.pk, ""),
            card.text,
        ]
        for table in selectors.tables_with_cards(conference=conference)
        for card in table.cards.all()
    ]
    return download(
        fmt=fmt, filename=f"conference-{conference.pk}-cards", headers=headers, rows=rows
    )
