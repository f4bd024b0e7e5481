"""Answering pages for respondents (no account): landing and consent, one page per section,
resume, language switch, thank-you, opt-out. Work without JavaScript.

The respondent's place is kept in the session (``request.session["surveys"][public_id]``):
the response id, the chosen language and the resume code to show. A personal link's token is
exchanged at once for the invitation id in the session and a token-free address. In an
anonymised survey the invitation id leaves the session when the response starts (the browser
keeps it in a signed cookie, presented again to complete), and the response id leaves it when
the response is complete: no server-side record holds the two together.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.ratelimit import request_exceeded

from ..answering.forms import data_from_post, question_views
from ..i18n import SURVEY_LANGUAGES, is_rtl, pick
from ..models import Invitation, Response, Survey
from ..services import invitations as inv_services
from ..services import responses as services
from ..structure import get as get_structure

HONEYPOT = "website"


# --- helpers ------------------------------------------------------------------------------


def _survey(public_id: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("current_version"), public_id=public_id)


def _slot(request, survey: Survey) -> dict:
    return request.session.get("surveys", {}).get(survey.public_id, {})


def _store(request, survey: Survey, **values) -> None:
    data = request.session.get("surveys", {})
    slot = data.get(survey.public_id, {})
    for key, value in values.items():
        if value is None:
            slot.pop(key, None)
        else:
            slot[key] = value
    data[survey.public_id] = slot
    request.session["surveys"] = data


def _clear(request, survey: Survey) -> None:
    data = request.session.get("surveys", {})
    data.pop(survey.public_id, None)
    request.session["surveys"] = data


def _language(request, survey: Survey) -> str:
    """The respondent's language for this survey; also activates it for this request."""
    language = _pick_language(request, survey)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _pick_language(request, survey: Survey) -> str:
    wanted = request.POST.get("switch_lang") or request.GET.get("lang")
    if wanted in survey.languages:
        _store(request, survey, lang=wanted)
        return wanted
    stored = _slot(request, survey).get("lang")
    if stored in survey.languages:
        return stored
    accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in survey.languages:
            return code
    return survey.default_language


def _test_mode(request, survey: Survey) -> bool:
    wants = request.GET.get("test") == "1" or _slot(request, survey).get("test")
    return bool(wants and request.user.has_perm("surveys.test_survey", survey))


def _context(request, survey: Survey, language: str, **extra) -> dict:
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return {
        "survey": survey,
        "language": language,
        "html_lang": language,
        "html_dir": "rtl" if is_rtl(language) else "ltr",
        "title": pick(survey.title, language, survey.default_language),
        "survey_languages": [(code, SURVEY_LANGUAGES[code][0]) for code in survey.languages],
        "honeypot": HONEYPOT,
        "is_test": _slot(request, survey).get("test", False),
        **extra,
    }


def _message(request, survey, language, heading, text, status=200):
    return render(
        request,
        "surveys/respond/message.html",
        _context(request, survey, language, heading=heading, text=text),
        status=status,
    )


def _unavailable(request, survey, language, exc: services.SurveyUnavailable):
    if exc.code == "completed":
        heading = _("Survey already completed")
    else:
        heading = _("Survey not available")
    status = 200 if exc.code == "completed" else 403
    return _message(request, survey, language, heading, exc.message, status=status)


def _response(request, survey: Survey) -> Response | None:
    pk = _slot(request, survey).get("r")
    if not pk:
        return None
    return Response.objects.select_related("version").filter(pk=pk, survey=survey).first()


def _page_url(survey: Survey, section: str) -> str:
    return reverse("surveys:respond_page", args=[survey.public_id, section])


def _first_page(response: Response, survey: Survey) -> str:
    state = services.load_state(response)
    visible = [s.code for s in state.visible_sections()]
    if response.current_section in visible:
        return _page_url(survey, response.current_section)
    if visible:
        return _page_url(survey, visible[0])
    return reverse("surveys:respond_thanks", args=[survey.public_id])


def _rate_limited(request, survey, scope: str, limit: int, window: int) -> bool:
    if survey.access_mode != Survey.AccessMode.PUBLIC:
        return False
    return request_exceeded(request, scope, limit, window, key=str(survey.pk))


def _starts_limited(request, survey) -> bool:
    """Starts per hour from one address: the survey's own limit (set by staff for tablets on
    shared Wi-Fi), else the installation's."""
    limit = survey.starts_per_hour or settings.SURVEY_PUBLIC_STARTS_PER_HOUR
    return _rate_limited(request, survey, "start", limit, 3600)


def _too_many(request, survey, language):
    return _message(
        request,
        survey,
        language,
        _("Too many requests"),
        _("Too many requests came from your connection. Please wait a few minutes and try again."),
        status=429,
    )


# --- landing and consent ------------------------------------------------------------------


def _consent_page(request, survey, language, *, action, invitation=None, error=""):
    return render(
        request,
        "surveys/respond/start.html",
        _context(
            request,
            survey,
            language,
            action=action,
            description=pick(survey.description, language, survey.default_language),
            privacy=pick(survey.privacy_notice, language, survey.default_language),
            error=error,
            resume_url=reverse("surveys:respond_resume", args=[survey.public_id])
            if invitation is None or survey.anonymised
            else "",
        ),
        status=400 if error else 200,
    )


def _start(request, survey, language, *, invitation=None, test=False):
    """The consent form was posted: check it, start the response, go to the first page."""
    action = request.get_full_path()
    if request.POST.get(HONEYPOT):
        # A bot filled the invisible field: answer as if fine, store nothing.
        return _message(request, survey, language, _("Thank you"), "")
    if request.POST.get("consent") != "yes":
        return _consent_page(
            request,
            survey,
            language,
            action=action,
            invitation=invitation,
            error=_("Please confirm that you have read the privacy notice and agree."),
        )
    if not test and _starts_limited(request, survey):
        return _too_many(request, survey, language)
    try:
        response, code = services.response_start(
            survey=survey, language=language, invitation=invitation, is_test=test
        )
    except services.SurveyUnavailable as exc:
        return _unavailable(request, survey, language, exc)
    _store(request, survey, r=response.pk, lang=language, code=code, test=test or None)
    if invitation is not None and survey.anonymised:
        return _hand_invitation_to_browser(
            request, survey, invitation, redirect(_first_page(response, survey))
        )
    return redirect(_first_page(response, survey))


@never_cache
@require_http_methods(["GET", "POST"])
def respond_public(request, public_id: str):
    survey = _survey(public_id)
    language = _language(request, survey)
    test = _test_mode(request, survey)
    if test:
        _store(request, survey, test=True)
    try:
        services.response_admission(survey=survey, user=request.user, test=test)
    except ValidationError:
        return _message(
            request,
            survey,
            language,
            _("Survey by invitation"),
            _(
                "This survey is answered by personal invitation. "
                "Please use the link from your email."
            ),
            status=403,
        )
    response = _response(request, survey)
    if response is not None and response.status == Response.Status.IN_PROGRESS:
        return redirect(_first_page(response, survey))
    if not test:
        try:
            services.survey_availability(survey)
        except services.SurveyUnavailable as exc:
            return _unavailable(request, survey, language, exc)
    if request.method == "POST":
        return _start(request, survey, language, test=test)
    return _consent_page(request, survey, language, action=request.get_full_path())


PENDING_KEY = "survey_invitations"
INVITATION_COOKIE = "teilhabe_inv_{public_id}"
INVITATION_COOKIE_SALT = "surveys.invitation"
INVITATION_COOKIE_AGE = 90 * 24 * 3600


@never_cache
@require_http_methods(["GET", "POST"])
def respond_invitation(request, token: str):
    """A personal link: note the invitation in the session and move on to an address without
    the token, so that the token appears in no later request line, log, history or Referer
    (in particular not beside the time a response is completed)."""
    invitation = inv_services.invitation_by_token(token)
    if invitation is None:
        raise Http404(_("This link is not valid."))
    public_id = invitation.survey.public_id
    pending = request.session.get(PENDING_KEY, {})
    pending[public_id] = invitation.pk
    request.session[PENDING_KEY] = pending
    return redirect("surveys:respond_invited", public_id=public_id)


def _invitation(request, survey: Survey):
    """The invitation this browser came with: from the session until an anonymised response
    starts, afterwards from a signed cookie that only the browser keeps (so no server-side
    record holds the response next to the invitation)."""
    pk = request.session.get(PENDING_KEY, {}).get(survey.public_id)
    if pk is None:
        pk = request.get_signed_cookie(
            INVITATION_COOKIE.format(public_id=survey.public_id),
            default=None,
            salt=INVITATION_COOKIE_SALT,
            max_age=INVITATION_COOKIE_AGE,
        )
    if pk is None:
        return None
    return Invitation.objects.select_related("survey").filter(pk=pk, survey=survey).first()


def _forget_pending(request, survey: Survey) -> None:
    pending = request.session.get(PENDING_KEY, {})
    if pending.pop(survey.public_id, None) is not None:
        request.session[PENDING_KEY] = pending


def _hand_invitation_to_browser(request, survey: Survey, invitation, http_response):
    """Anonymised survey, response started: the invitation leaves the session for a signed
    cookie, presented again only to complete."""
    _forget_pending(request, survey)
    http_response.set_signed_cookie(
        INVITATION_COOKIE.format(public_id=survey.public_id),
        str(invitation.pk),
        salt=INVITATION_COOKIE_SALT,
        max_age=INVITATION_COOKIE_AGE,
        path=reverse("surveys:respond_public", args=[survey.public_id]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return http_response


def _drop_invitation_cookie(survey: Survey, http_response):
    http_response.delete_cookie(
        INVITATION_COOKIE.format(public_id=survey.public_id),
        path=reverse("surveys:respond_public", args=[survey.public_id]),
        samesite="Lax",
    )
    return http_response


@never_cache
@require_http_methods(["GET", "POST"])
@transaction.atomic  # the invitation is marked opened together with the response it starts
def respond_invited(request, public_id: str):
    survey = _survey(public_id)
    invitation = _invitation(request, survey)
    if invitation is None:
        language = _language(request, survey)
        return _message(
            request,
            survey,
            language,
            _("Survey by invitation"),
            _("Please open the personal link from your email again."),
            status=403,
        )
    services.response_admission(survey=survey, user=request.user, invitation=invitation)
    # The invitee's language preselects the survey's only where responses are linked to
    # invitations anyway; in an anonymised survey it would be a copied attribute.
    if (
        not survey.anonymised
        and not _slot(request, survey).get("lang")
        and invitation.language in survey.languages
    ):
        _store(request, survey, lang=invitation.language)
    language = _language(request, survey)
    if invitation.completed_at:
        _forget_pending(request, survey)
        return _unavailable(
            request,
            survey,
            language,
            services.SurveyUnavailable(
                _("You have already completed this survey. Thank you!"), "completed"
            ),
        )
    try:
        services.survey_availability(survey)
    except services.SurveyUnavailable as exc:
        return _unavailable(request, survey, language, exc)
    inv_services.invitation_opened(invitation=invitation)
    if not survey.anonymised:
        existing = Response.objects.filter(invitation=invitation).first()
        if existing is not None:
            _store(request, survey, r=existing.pk, lang=language, code=None)
            return redirect(_first_page(existing, survey))
    else:
        response = _response(request, survey)
        if response is not None and response.status == Response.Status.IN_PROGRESS:
            return _hand_invitation_to_browser(
                request, survey, invitation, redirect(_first_page(response, survey))
            )
    if request.method == "POST":
        return _start(request, survey, language, invitation=invitation)
    return _consent_page(
        request, survey, language, action=request.get_full_path(), invitation=invitation
    )


# --- pages --------------------------------------------------------------------------------


def _render_page(
    request,
    survey,
    response,
    state,
    section,
    language,
    *,
    errors=None,
    submitted=None,
    notice="",
    status=200,
):
    structure = state.structure
    visible = [s.code for s in state.visible_sections()]
    index = visible.index(section.code) if section.code in visible else 0
    raw = dict(state.raw)
    other = dict(state.other)
    if submitted:
        for key, value in submitted.items():
            if key.endswith("_other") and key[: -len("_other")] in structure.questions:
                other[key[: -len("_other")]] = value
            else:
                raw[key] = value
    views = question_views(
        section,
        structure=structure,
        raw=raw,
        other=other,
        values=state.values,
        errors=errors or {},
        language=language,
        default_language=survey.default_language,
        seed=str(response.client_id),
    )
    earlier_values = {
        code: value
        for code, value in state.values.items()
        if structure.questions[code].section_code != section.code
    }
    return render(
        request,
        "surveys/respond/page.html",
        _context(
            request,
            survey,
            language,
            response=response,
            section=section,
            section_title=pick(section.title, language, survey.default_language),
            section_description=pick(section.description, language, survey.default_language),
            questions=views,
            error_list=[v for v in views if v.error],
            page_number=index + 1,
            page_count=len(visible),
            is_last=index + 1 >= len(visible),
            is_first=index == 0,
            resume_code=_slot(request, survey).get("code"),
            earlier_values=earlier_values,
            notice=notice,
            shown=" ".join(v.code for v in views if v.visible and v.answered),
            page_form=True,
        ),
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond_page(request, public_id: str, section: str):
    survey = _survey(public_id)
    language = _language(request, survey)
    response = _response(request, survey)
    if response is None:
        if _slot(request, survey).get("done"):
            return redirect("surveys:respond_thanks", public_id=public_id)
        return redirect("surveys:respond_public", public_id=public_id)
    if response.status == Response.Status.COMPLETE:
        return redirect("surveys:respond_thanks", public_id=public_id)
    if not response.is_test:
        try:
            services.survey_availability(survey)
        except services.SurveyUnavailable as exc:
            return _unavailable(request, survey, language, exc)
    structure = get_structure(response.version)
    sdef = structure.section(section)
    if sdef is None:
        raise Http404(_("This page does not exist."))
    if response.language != language:
        Response.objects.filter(pk=response.pk).update(language=language)
        response.language = language
    if request.method == "GET":
        state = services.load_state(response, structure)
        if sdef.code not in [s.code for s in state.visible_sections()]:
            return redirect(_first_page(response, survey))
        return _render_page(request, survey, response, state, sdef, language)

    if request.POST.get(HONEYPOT):
        raise PermissionDenied(_("The form could not be accepted."))
    if not response.is_test and _rate_limited(
        request, survey, "post", settings.SURVEY_PUBLIC_POSTS_PER_MINUTE, 60
    ):
        return _too_many(request, survey, language)
    return _post_page(request, survey, response, structure, sdef, language)


@transaction.atomic
def _post_page(request, survey, response, structure, sdef, language):
    """Save the page and, after the last one, complete the response: one transaction. A
    completion refused for a missing answer rolls back only itself (the service is atomic), so
    the answers of this page stay saved."""
    public_id = survey.public_id
    nav = request.POST.get("nav", "next")
    data = data_from_post(sdef, request.POST)
    shown = set(request.POST.get("shown", "").split()) if "shown" in request.POST else None
    try:
        result = services.response_save_page(
            response=response,
            section_code=sdef.code,
            data=data,
            shown=shown,
            require=nav == "next",
            language=language,
        )
    except services.SurveyUnavailable:
        return redirect("surveys:respond_thanks", public_id=public_id)
    state = result.state
    visible = [s.code for s in state.visible_sections()]
    if nav == "back":
        index = visible.index(sdef.code) if sdef.code in visible else 0
        return redirect(_page_url(survey, visible[max(index - 1, 0)]))
    if nav == "lang":
        return _render_page(
            request,
            survey,
            response,
            state,
            sdef,
            language,
            submitted=data,
            errors={k: v for k, v in result.errors.items() if v.code != "required"},
        )
    if result.errors or result.newly_shown:
        notice = (
            _("Based on your answers, further questions are shown on this page.")
            if result.newly_shown
            else ""
        )
        return _render_page(
            request,
            survey,
            response,
            state,
            sdef,
            language,
            errors=result.errors,
            submitted=data,
            notice=notice,
            status=400 if result.errors else 200,
        )
    if result.next_section:
        return redirect(_page_url(survey, result.next_section))
    invitation = _invitation(request, survey) if response.via_invitation else None
    try:
        services.response_complete(
            response=response,
            anonymous_invitation_id=invitation.pk if invitation is not None else None,
        )
    except ValidationError:
        missing = services.missing_required(services.load_state(response, structure))
        first = missing[0][0] if missing else sdef.code
        return redirect(_page_url(survey, first) + "?missing=1")
    except services.SurveyUnavailable as exc:
        return _unavailable(request, survey, language, exc)
    if survey.anonymised:
        # Nothing in the session may keep the response (next to a signed-in user, say).
        _store(request, survey, r=None, code=None, done=True)
    else:
        _store(request, survey, code=None)
    return _drop_invitation_cookie(survey, redirect("surveys:respond_thanks", public_id=public_id))


@never_cache
def respond_thanks(request, public_id: str):
    survey = _survey(public_id)
    language = _language(request, survey)
    return render(
        request,
        "surveys/respond/thanks.html",
        _context(
            request,
            survey,
            language,
            text=pick(survey.thank_you, language, survey.default_language),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond_resume(request, public_id: str):
    survey = _survey(public_id)
    language = _language(request, survey)
    error = ""
    if request.method == "POST":
        if request_exceeded(request, "resume", 20, 3600):
            return _too_many(request, survey, language)
        response = services.response_by_resume_code(
            survey=survey, code=request.POST.get("code", "")
        )
        if response is not None:
            _store(
                request,
                survey,
                r=response.pk,
                code=request.POST["code"].strip().upper(),
                lang=response.language if response.language in survey.languages else language,
            )
            return redirect(_first_page(response, survey))
        error = _("This code was not found. Please check it and try again.")
    return render(
        request,
        "surveys/respond/resume.html",
        _context(request, survey, language, error=error),
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def opt_out(request, token: str):
    invitation = inv_services.invitation_by_token(token)
    if invitation is None:
        raise Http404(_("This link is not valid."))
    survey = invitation.survey
    language = _language(request, survey)
    if request.method == "POST":
        inv_services.invitation_opt_out(invitation=invitation)
        return _message(
            request,
            survey,
            language,
            _("You will receive no further emails"),
            _("We will not send you further emails about this survey."),
        )
    return render(request, "surveys/respond/opt_out.html", _context(request, survey, language))
