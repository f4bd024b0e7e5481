"""Pages without an account: answering an invitation, joining by code on a phone, adding
cards to the queue and voting. Made for 360 px screens and keyboard use."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import add_validation_error

from .. import selectors, services
from ..forms import JoinForm, ParticipantCardForm
from ..models import Vote, Workshop

DEVICE_COOKIE = "teilhabe_device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 180


def invitation_answer(request, token: str):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        raise Http404(_("This link is not valid."))
    if request.method == "POST":
        choice = request.POST.get("answer")
        if choice in ("accept", "decline"):
            try:
                invitation = services.invitation_answer(
                    invitation=invitation, accept=choice == "accept"
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Thank you, we look forward to seeing you.")
                    if choice == "accept"
                    else _("Thank you for letting us know."),
                )
            return redirect("workshops:invitation_answer", token=token)
        messages.error(request, _("Please choose whether you will come."))
    return render(
        request,
        "workshops/invitation_answer.html",
        {
            "invitation": invitation,
            "workshop": invitation.workshop,
            "title": invitation.workshop.title,
        },
    )


def _device_key(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")


def _with_device(request, response, key: str):
    if request.COOKIES.get(DEVICE_COOKIE) != key:
        response.set_cookie(
            DEVICE_COOKIE,
            key,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def join(request):
    """Type the short code (or arrive from the QR code)."""
    form = JoinForm(request.GET or None)
    if request.GET and form.is_valid():
        workshop = services.workshop_by_code(form.cleaned_data["code"])
        if workshop is not None:
            return redirect("workshops:join_with_code", code=workshop.join_code)
        form.add_error("code", _("No workshop has this code. Check the code on the screen."))
    return render(
        request,
        "workshops/join.html",
        {"form": form, "title": _("Join a workshop")},
        status=400 if request.GET and form.errors else 200,
    )


def _workshop(code: str) -> Workshop:
    workshop = services.workshop_by_code(code)
    if workshop is None:
        raise Http404(_("No workshop has this code."))
    return workshop


def join_with_code(request, code: str):
    workshop = _workshop(code)
    participant = services.participant_for(
        workshop=workshop, device_key=_device_key(request), user=request.user
    )
    if participant is not None:
        return redirect("workshops:participant", code=workshop.join_code)
    if request.method == "POST":
        key = _device_key(request) or services.new_device_key()
        try:
            services.participant_join(workshop=workshop, device_key=key, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            response = redirect("workshops:participant", code=workshop.join_code)
            return _with_device(request, response, key)
    return render(
        request, "workshops/join_confirm.html", {"workshop": workshop, "title": workshop.title}
    )


def _participant(request, workshop):
    participant = services.participant_for(
        workshop=workshop, device_key=_device_key(request), user=request.user
    )
    if participant is None:
        raise PermissionDenied(_("Join the workshop first."))
    return participant


def participant_board(request, code: str):
    """The read-only board, the participant's own card form and the open vote."""
    workshop = _workshop(code)
    participant = services.participant_for(
        workshop=workshop, device_key=_device_key(request), user=request.user
    )
    if participant is None:
        return redirect("workshops:join_with_code", code=workshop.join_code)
    form = ParticipantCardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                card, _created = services.card_create(
                    workshop=workshop, participant=participant, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request, _("Thank you! Your card waits for the facilitator to add it.")
                )
                return redirect("workshops:participant", code=workshop.join_code)
        status = 400
    vote = workshop.votes.filter(status=Vote.Status.OPEN).first()
    voted = vote is not None and vote.ballots.filter(participant=participant).exists()
    return render(
        request,
        "workshops/participant.html",
        {
            "workshop": workshop,
            "participant": participant,
            "columns": selectors.board(workshop=workshop),
            "form": form,
            "vote": vote,
            "voted": voted,
            "my_queued": workshop.cards.filter(participant=participant, status="queued").count(),
            "title": workshop.title,
            "state_url": reverse("workshops:participant_state", args=[workshop.join_code]),
        },
        status=status,
    )


def participant_state(request, code: str):
    """What the phone polls: is a vote open (and did this device vote)?"""
    workshop = _workshop(code)
    participant = _participant(request, workshop)
    vote = workshop.votes.filter(status=Vote.Status.OPEN).first()
    return JsonResponse(
        {
            "vote": vote.pk if vote else None,
            "voted": bool(vote and vote.ballots.filter(participant=participant).exists()),
            "cards": workshop.cards.filter(status="accepted").count(),
        }
    )


def _ballot_values(request, vote: Vote, items) -> dict:
    if vote.mode == Vote.Mode.DOTS:
        return {"dots": {item.pk: request.POST.get(f"dots-{item.pk}") or 0 for item in items}}
    ratings = {}
    for item in items:
        impact = request.POST.get(f"impact-{item.pk}")
        feasibility = request.POST.get(f"feasibility-{item.pk}")
        if impact or feasibility:
            ratings[item.pk] = (impact, feasibility)
    return {"ratings": ratings}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def participant_vote(request, code: str):
    workshop = _workshop(code)
    participant = _participant(request, workshop)
    vote = workshop.votes.filter(status=Vote.Status.OPEN).first()
    if vote is None:
        messages.info(request, _("No vote is open at the moment."))
        return redirect("workshops:participant", code=workshop.join_code)
    items = list(vote.items.all())
    errors = []
    if request.method == "POST":
        try:
            services.ballot_cast(
                vote=vote, participant=participant, **_ballot_values(request, vote, items)
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Thank you, your vote is counted."))
            return redirect("workshops:participant", code=workshop.join_code)
    for item in items:  # keep what was entered when the ballot is refused
        item.posted_dots = request.POST.get(f"dots-{item.pk}", "")
        item.posted_impact = _int(request.POST.get(f"impact-{item.pk}"))
        item.posted_feasibility = _int(request.POST.get(f"feasibility-{item.pk}"))
    voted = vote.ballots.filter(participant=participant).exists()
    return render(
        request,
        "workshops/participant_vote.html",
        {
            "workshop": workshop,
            "vote": vote,
            "items": items,
            "errors": errors,
            "voted": voted,
            "posted": request.POST,
            "title": vote.title,
            "scale": range(1, 6),
        },
        status=400 if errors else 200,
    )
