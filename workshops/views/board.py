"""The facilitators' result board, the participants' queue, clusters, merging and votes.

Every form posts and reloads without JavaScript; ``static/js/workshop_board.js`` adds fast
entry (fetch, localStorage, retry), drag and drop and polling of ``board_state``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.qr import qr_svg
from core.views import add_validation_error, safe_next
from participation.models import Statement

from .. import selectors, services
from ..forms import (
    AcceptForm,
    CardEditForm,
    CardForm,
    CardMoveForm,
    ClusterForm,
    MergeForm,
    VoteForm,
)
from ..models import Card, Cluster, Column, Vote
from .staff import _error_message, get_workshop


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in (
        request.headers.get("Accept", "")
    )


def _board_url(workshop, anchor: str = "") -> str:
    return reverse("workshops:board", args=[workshop.pk]) + (f"#{anchor}" if anchor else "")


def _card_json(card: Card) -> dict:
    return {
        "id": card.pk,
        "number": card.number,
        "column": card.column,
        "kind": card.kind,
        "text": card.text,
        "note": card.note,
        "cluster_id": card.cluster_id,
        "position": card.position,
        "status": card.status,
        "version": card.version,
    }


def _board_context(request, workshop, forms: dict | None = None) -> dict:
    forms = forms or {}
    columns = selectors.board(workshop=workshop)
    for block in columns:
        block.form = forms.get(block.column.value) or CardForm(
            initial={"column": block.column.value}, auto_id=f"id_{block.column.value}_%s"
        )
        block.kinds = [(k.value, k.label) for k in services.board.COLUMN_KINDS[block.column]]
    open_vote = workshop.votes.filter(status=Vote.Status.OPEN).first()
    return {
        "workshop": workshop,
        "columns": columns,
        "queue_count": selectors.queue(workshop=workshop).count(),
        "open_vote": open_vote,
        "vote_state": selectors.vote_state(open_vote) if open_vote else None,
        "can_edit": request.user.has_perm("workshops.change_workshop", workshop),
        "state_url": reverse("workshops:board_state", args=[workshop.pk]),
        "column_choices": Column.choices,
        "kind_labels": {k: str(v) for k, v in Statement.Kind.choices},
    }


@login_required
def board(request, pk: int):
    """The board; POST adds one card (only its text is needed)."""
    workshop = get_workshop(request, pk, "workshops.view_workshop")
    forms = {}
    status = 200
    if request.method == "POST":
        require_perm_edit(request, workshop)
        form = CardForm(request.POST, auto_id=f"id_{request.POST.get('column', '')}_%s")
        if form.is_valid():
            try:
                card, created = services.card_create(
                    workshop=workshop, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                if _wants_json(request):
                    return JsonResponse(
                        {"card": _card_json(card), "created": created},
                        status=201 if created else 200,
                    )
                messages.success(request, _("Card %(n)s was added.") % {"n": card.number})
                return redirect(_board_url(workshop, f"new-{card.column}"))
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        forms[request.POST.get("column", "")] = form
        status = 400
    return render(
        request, "workshops/board.html", _board_context(request, workshop, forms), status=status
    )


def require_perm_edit(request, workshop) -> None:
    if not request.user.has_perm("workshops.change_workshop", workshop):
        raise PermissionDenied(_("Only the workshop's facilitators and project staff edit it."))


@login_required
def board_state(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.view_workshop")
    return JsonResponse(selectors.board_state(workshop=workshop))


def _card(workshop, card_pk: int) -> Card:
    return get_object_or_404(Card.objects.select_related("workshop"), pk=card_pk, workshop=workshop)


@login_required
def card_edit(request, pk: int, card_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    card = _card(workshop, card_pk)
    initial = {
        "text": card.text,
        "kind": card.kind,
        "note": card.note,
        "target_groups": list(card.target_groups.all()),
        "version": card.version,
    }
    form = CardEditForm(request.POST or None, initial=initial, process=workshop.process)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.card_update(card=card, user=request.user, **form.cleaned_data)
        except services.CardConflict as error:
            conflict = error.card
            form.add_error(None, error)
            # Keep what was typed; the next save is based on the version now shown.
            data = request.POST.copy()
            data["version"] = conflict.version
            form.data = data
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if _wants_json(request):
                card.refresh_from_db()
                return JsonResponse({"card": _card_json(card)})
            messages.success(request, _("Card %(n)s was saved.") % {"n": card.number})
            return redirect(_board_url(workshop, f"card-{card.pk}"))
    if request.method == "POST" and _wants_json(request):
        payload = {"errors": form.errors.get_json_data()}
        if conflict is not None:
            payload["card"] = _card_json(conflict)
        return JsonResponse(payload, status=409 if conflict else 400)
    return render(
        request,
        "workshops/card_edit.html",
        {"workshop": workshop, "card": card, "form": form, "conflict": conflict},
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@login_required
@require_POST
def card_move(request, pk: int, card_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    card = _card(workshop, card_pk)
    form = CardMoveForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        messages.error(request, _("The card could not be moved: %(e)s") % {"e": form.errors})
        return redirect(_board_url(workshop))
    try:
        card = services.card_move(card=card, user=request.user, **form.cleaned_data)
    except services.CardConflict as error:
        if _wants_json(request):
            return JsonResponse(
                {
                    "errors": {"__all__": [{"message": str(error.messages[0])}]},
                    "card": _card_json(error.card),
                },
                status=409,
            )
        _error_message(request, error)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse(
                {"errors": {"__all__": [{"message": m} for m in error.messages]}}, status=400
            )
        _error_message(request, error)
    else:
        if _wants_json(request):
            return JsonResponse({"card": _card_json(card)})
        messages.success(request, _("Card %(n)s was moved.") % {"n": card.number})
    return redirect(_board_url(workshop, f"card-{card.pk}"))


@login_required
def card_reject(request, pk: int, card_pk: int):
    """Take a card off the board or reject a queued card (asks first)."""
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    card = _card(workshop, card_pk)
    back = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), _board_url(workshop)
    )
    if request.method == "POST" and is_confirmed(request):
        try:
            services.card_reject(
                card=card, user=request.user, version=request.POST.get("version") or None
            )
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Card %(n)s was removed.") % {"n": card.number})
        return redirect(back)
    return confirmation_page(
        request,
        title=_("Remove card %(n)s?") % {"n": card.number},
        consequences=[
            _("The card “%(text)s” leaves the board and is kept as rejected.")
            % {"text": card.text[:200]},
        ],
        confirm_label=_("Remove the card"),
        cancel_url=back,
    )


def _board_cards(workshop, column: str | None = None):
    qs = Card.objects.filter(workshop=workshop, status=Card.Status.ACCEPTED)
    if column:
        qs = qs.filter(column=column)
    return qs.order_by("column", "position", "id")


@login_required
def cards_merge(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    form = MergeForm(request.POST or None, cards=_board_cards(workshop))
    if request.method == "POST" and form.is_valid():
        chosen = sorted(form.cleaned_data["cards"], key=lambda c: c.number)
        try:
            card = services.cards_merge(
                workshop=workshop, user=request.user, cards=chosen, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("The cards were merged into card %(n)s.") % {"n": card.number}
            )
            return redirect(_board_url(workshop, f"card-{card.pk}"))
    return render(
        request,
        "workshops/form.html",
        {
            "workshop": workshop,
            "form": form,
            "title": _("Merge cards"),
            "cancel_url": _board_url(workshop),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cluster_edit(request, pk: int, cluster_pk: int | None = None):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    cluster = get_object_or_404(Cluster, pk=cluster_pk, workshop=workshop) if cluster_pk else None
    initial = {"column": request.GET.get("column", Column.IDEAS)}
    if cluster:
        initial = {
            "title": cluster.title,
            "column": cluster.column,
            "cards": list(cluster.cards.all()),
        }
    form = ClusterForm(request.POST or None, initial=initial, cards=_board_cards(workshop))
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_save(
                workshop=workshop, user=request.user, cluster=cluster, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The cluster was saved."))
            return redirect(_board_url(workshop, f"cluster-{cluster.pk}"))
    return render(
        request,
        "workshops/form.html",
        {
            "workshop": workshop,
            "form": form,
            "title": _("Edit cluster") if cluster else _("New cluster"),
            "cancel_url": _board_url(workshop),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cluster_delete(request, pk: int, cluster_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    cluster = get_object_or_404(Cluster, pk=cluster_pk, workshop=workshop)
    if request.method == "POST" and is_confirmed(request):
        try:
            services.cluster_delete(cluster=cluster, user=request.user)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The cluster was dissolved; its cards stay."))
        return redirect(_board_url(workshop))
    return confirmation_page(
        request,
        title=_("Dissolve the cluster “%(t)s”?") % {"t": cluster.title},
        consequences=[_("Its cards stay on the board without a cluster.")],
        confirm_label=_("Dissolve"),
        cancel_url=_board_url(workshop, f"cluster-{cluster.pk}"),
    )


@login_required
def queue(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    cards = list(selectors.queue(workshop=workshop))
    forms = {
        c.pk: AcceptForm(initial={"text": c.text, "column": c.column}, auto_id=f"id_q{c.pk}_%s")
        for c in cards
    }
    if request.method == "POST":
        card = _card(workshop, int(request.POST.get("card", 0) or 0))
        form = AcceptForm(request.POST, auto_id=f"id_q{card.pk}_%s")
        if form.is_valid():
            try:
                services.card_accept(card=card, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Card %(n)s is on the board.") % {"n": card.number})
                return redirect("workshops:queue", pk=workshop.pk)
        forms[card.pk] = form
    return render(
        request,
        "workshops/queue.html",
        {"workshop": workshop, "items": [(c, forms[c.pk]) for c in cards]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def join_code(request, pk: int):
    """The code and QR code to show on the projector."""
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    if request.method == "POST":
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("Give the workshop a new code?"),
                consequences=[
                    _(
                        "The code %(code)s and its QR code stop working at once; participants "
                        "who have not joined yet need the new code."
                    )
                    % {"code": workshop.join_code},
                ],
                confirm_label=_("Give the workshop a new code"),
                cancel_url=reverse("workshops:join_code", args=[workshop.pk]),
            )
        services.workshop_new_join_code(workshop=workshop, user=request.user)
        messages.success(request, _("The workshop has a new code; the old one no longer works."))
        return redirect("workshops:join_code", pk=workshop.pk)
    url = request.build_absolute_uri(reverse("workshops:join_with_code", args=[workshop.join_code]))
    return render(
        request,
        "workshops/join_code.html",
        {
            "workshop": workshop,
            "join_url": url,
            "short_url": request.build_absolute_uri(reverse("workshops:join")),
            "qr": qr_svg(url, title=_("QR code to join the workshop")),
        },
    )


# --- votes --------------------------------------------------------------------------------


@login_required
def vote_open(request, pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    form = VoteForm(
        request.POST or None,
        cards=_board_cards(workshop, Column.IDEAS),
        clusters=Cluster.objects.filter(workshop=workshop, column=Column.IDEAS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_open(workshop=workshop, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The vote is open. Participants vote on their phones."))
            return redirect("workshops:vote_detail", pk=workshop.pk, vote_pk=vote.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "workshop": workshop,
            "form": form,
            "title": _("Open a vote"),
            "cancel_url": _board_url(workshop),
            "submit": _("Open the vote"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def vote_detail(request, pk: int, vote_pk: int):
    workshop = get_workshop(request, pk, "workshops.view_workshop")
    vote = get_object_or_404(Vote, pk=vote_pk, workshop=workshop)
    state = selectors.vote_state(vote)
    if _wants_json(request):
        return JsonResponse(state)
    items = sorted(state["items"], key=lambda i: (i["rank"] or 0, -(i["dots"] or 0)))
    return render(
        request,
        "workshops/vote.html",
        {
            "workshop": workshop,
            "vote": vote,
            "state": state,
            "items": items,
            "can_edit": request.user.has_perm("workshops.change_workshop", workshop),
        },
    )


@login_required
def vote_close(request, pk: int, vote_pk: int):
    workshop = get_workshop(request, pk, "workshops.change_workshop")
    vote = get_object_or_404(Vote, pk=vote_pk, workshop=workshop)
    detail = reverse("workshops:vote_detail", args=[workshop.pk, vote.pk])
    if request.method == "POST" and is_confirmed(request):
        try:
            services.vote_close(vote=vote, user=request.user)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("The vote is closed; the ranking is stored."))
        return redirect(detail)
    return confirmation_page(
        request,
        title=_("Close the vote “%(t)s”?") % {"t": vote.title},
        consequences=[_("Nobody can vote afterwards; the ranking is stored as it stands.")],
        confirm_label=_("Close the vote"),
        cancel_url=detail,
    )
