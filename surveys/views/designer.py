"""The survey designer for project staff: create a survey, edit its settings, pages, questions
and choices (texts in all languages side by side), reorder and duplicate, and preview a page
as a respondent in any language without storing anything.

Every change goes through ``surveys.services.definition``, which applies the versioning rule:
once the version being edited has real responses, the first change creates a new version. The
pages say which version is edited, and the ids in URLs are resolved to the current version
(by code) so that a form opened before such a change still edits the right question.
Works without JavaScript: every button is a small form; reordering is up/down.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, is_confirmed
from core.views import require_perm
from participation.models import Process
from participation.permissions import roles_of

from .. import selectors, structure
from ..answering import values as answer_values
from ..answering.forms import data_from_post, question_views
from ..designer.forms import (
    ConditionBuilderForm,
    QuestionAddForm,
    QuestionForm,
    SectionForm,
    SurveyCreateForm,
    SurveySettingsForm,
    builder_questions,
)
from ..i18n import SURVEY_LANGUAGES, is_rtl, language_name, pick
from ..models import Choice, Question, Response, Section, Survey
from ..question_types import question_type
from ..services import definition as defs

CHANGE = "surveys.change_survey"


def staff_processes(user):
    """Processes whose surveys ``user`` may design (staff role, or superuser)."""
    qs = Process.objects.order_by("title")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(pk__in=[pid for pid, role in roles_of(user).items() if role == "staff"])


def _survey(request, pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("process", "current_version"), pk=pk)
    require_perm(request.user, CHANGE, survey)
    return survey


def _in_current(model, survey: Survey, pk: int):
    """The object ``pk`` of ``survey``, or its counterpart (same code) in the current version."""
    if model is Question:
        obj = get_object_or_404(
            Question.objects.select_related("section"), pk=pk, version__survey=survey
        )
        if obj.version_id != survey.current_version_id:
            obj = Question.objects.filter(version=survey.current_version, code=obj.code).first()
    else:
        obj = get_object_or_404(Section, pk=pk, version__survey=survey)
        if obj.version_id != survey.current_version_id:
            obj = Section.objects.filter(version=survey.current_version, code=obj.code).first()
    if obj is None:
        raise Http404(_("This item no longer exists in the version being edited."))
    return obj


def _version_note(survey: Survey) -> dict:
    version = survey.current_version
    real = Response.objects.filter(version=version, is_test=False).count() if version else 0
    return {"version": version, "real_responses": real}


def _changed(request, survey: Survey, before_version_id: int | None) -> None:
    survey.refresh_from_db(fields=["current_version"])
    if survey.current_version_id != before_version_id:
        messages.info(
            request,
            _(
                "Version %(new)s was created for this change, because the previous version "
                "already has responses. Those responses keep their version and texts."
            )
            % {"new": survey.current_version.number},
        )


def add_service_error(form, error: ValidationError) -> None:
    """Attach a definition-service error to the form: ``questions.<code>.relevant`` goes to the
    ``relevant`` field when the form has one, everything else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = key.rsplit(".", 1)[-1]
        prefix = key.rsplit(".", 1)[0] if "." in key else ""
        target = field if field in form.fields and (not prefix or _own(form, prefix)) else None
        for item in errors:
            if target is None and prefix:
                item = ValidationError(
                    "%(where)s: %(msg)s", params={"where": prefix, "msg": " ".join(item.messages)}
                )
            form.add_error(target, item)


def _own(form, prefix: str) -> bool:
    code = getattr(form, "code_for_errors", None)
    return code is None or prefix.endswith(f".{code}")


def _test_url(survey: Survey) -> str | None:
    try:
        return reverse("surveys:respond_public", args=[survey.public_id]) + "?test=1"
    except NoReverseMatch:  # the answering pages are not installed
        return None


def _designer_url(survey: Survey, anchor: str = "") -> str:
    return reverse("surveys:designer", args=[survey.pk]) + (f"#{anchor}" if anchor else "")


def _condition_builder(request, survey: Survey, **before) -> tuple[ConditionBuilderForm, list]:
    """The condition builder of a page or question form; bound when its button was pressed.
    ``before``: ``before_question`` or ``before_section`` (the questions it may refer to)."""
    questions = builder_questions(
        structure.build(survey.current_version), language=survey.default_language, **before
    )
    data = request.POST if request.method == "POST" and "cb-add" in request.POST else None
    return ConditionBuilderForm(data, questions=questions), questions


def _add_built_condition(request, builder: ConditionBuilderForm):
    """The posted form data with the built condition added to ``relevant`` (None if the
    builder's input is refused; its errors are then on the builder)."""
    if not builder.is_valid():
        return None
    data = request.POST.copy()
    try:
        data["relevant"] = builder.combined(request.POST.get("relevant", ""))
    except ValueError as exc:  # the condition typed so far is malformed
        builder.add_error(None, getattr(exc, "message", str(exc)))
        return None
    messages.info(
        request,
        _("The condition was added to “Show only if”. Save to keep it."),
    )
    return data


# --- survey -------------------------------------------------------------------------------


@login_required
def survey_create(request):
    processes = staff_processes(request.user)
    if not processes.exists():
        require_perm(request.user, "surveys.add_survey", None)
    form = SurveyCreateForm(request.POST or None, processes=processes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = defs.survey_create(
                user=request.user,
                process=data["process"],
                title={data["default_language"]: data["title"]},
                languages=list(dict.fromkeys([data["default_language"], *data["languages"]])),
                default_language=data["default_language"],
                access_mode=data["access_mode"],
                anonymised=data["anonymised"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The survey was created. Add its first page."))
            return redirect("surveys:designer", pk=survey.pk)
    return render(
        request,
        "surveys/designer/survey_create.html",
        {"form": form, "title": _("New survey")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def designer(request, pk: int):
    survey = _survey(request, pk)
    version = survey.current_version
    sections = list(
        Section.objects.filter(version=version)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "id").prefetch_related("choices"),
            )
        )
    )
    language = survey.default_language
    for section in sections:
        section.label = pick(section.title, language, language)
        for question in section.questions.all():
            question.label = pick(question.text, language, language)
            question.missing = [
                code for code in survey.languages if code not in (question.text or {})
            ]
    return render(
        request,
        "surveys/designer/designer.html",
        {
            "survey": survey,
            "sections": sections,
            "title": _("Design: %(survey)s") % {"survey": survey},
            "test_url": _test_url(survey),
            "languages": [(c, language_name(c)) for c in survey.languages],
            "versions": survey.versions.order_by("-number"),
            "transitions": defs.ALLOWED_TRANSITIONS.get(survey.status, set()),
            **_version_note(survey),
        },
    )


@login_required
def survey_settings(request, pk: int):
    survey = _survey(request, pk)
    form = SurveySettingsForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            defs.survey_update(survey=survey, user=request.user, **form.service_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("surveys:designer", pk=survey.pk)
    return render(
        request,
        "surveys/designer/form.html",
        {
            "survey": survey,
            "form": form,
            "title": _("Settings and texts"),
            "cancel_url": _designer_url(survey),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- sections -----------------------------------------------------------------------------


@login_required
def section_edit(request, pk: int, section_pk: int | None = None):
    survey = _survey(request, pk)
    section = _in_current(Section, survey, section_pk) if section_pk else None
    builder, builder_data = _condition_builder(
        request, survey, before_section=section.code if section else ""
    )
    building = builder.is_bound
    data = _add_built_condition(request, builder) if building else request.POST or None
    if building and data is None:
        data = request.POST
    form = SectionForm(data, languages=survey.languages, section=section)
    form.code_for_errors = section.code if section else None
    if request.method == "POST" and not building and form.is_valid():
        before = survey.current_version_id
        data = form.service_data()
        try:
            if section is None:
                section = defs.section_create(survey=survey, user=request.user, **data)
            else:
                section = defs.section_update(section=section, user=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _changed(request, survey, before)
            messages.success(request, _("The page was saved."))
            return redirect(_designer_url(survey, f"section-{section.code}"))
    return render(
        request,
        "surveys/designer/form.html",
        {
            "survey": survey,
            "form": form,
            "title": _("Edit page") if section else _("New page"),
            "cancel_url": _designer_url(survey),
            "builder": builder,
            "builder_data": builder_data,
            **_version_note(survey),
        },
        status=400 if request.method == "POST" and not (building and builder.is_valid()) else 200,
    )


def _neighbour_position(items: list, obj, direction: str) -> int | None:
    index = [item.pk for item in items].index(obj.pk)
    target = index - 1 if direction == "up" else index + 1
    return target if 0 <= target < len(items) else None


@login_required
@require_POST
def section_action(request, pk: int, section_pk: int):
    survey = _survey(request, pk)
    section = _in_current(Section, survey, section_pk)
    action = request.POST.get("action")
    before = survey.current_version_id
    try:
        if action in ("up", "down"):
            siblings = list(Section.objects.filter(version=section.version).order_by("order", "id"))
            position = _neighbour_position(siblings, section, action)
            if position is not None:
                defs.section_move(section=section, user=request.user, position=position)
        elif action == "delete":
            if not is_confirmed(request):
                return confirmation_page(
                    request,
                    title=_("Delete page %(code)s?") % {"code": section.code},
                    consequences=selectors.section_delete_consequences(section),
                    confirm_label=_("Delete the page"),
                    cancel_url=_designer_url(survey, f"section-{section.code}"),
                )
            defs.section_delete(section=section, user=request.user)
            messages.success(request, _("The page %(code)s was deleted.") % {"code": section.code})
        else:
            raise Http404(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, _service_message(error))
    else:
        _changed(request, survey, before)
    return redirect(_designer_url(survey, f"section-{section.code}" if action != "delete" else ""))


def _service_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{key}: {' '.join(messages_)}" if key != "__all__" else " ".join(messages_)
            for key, messages_ in error.message_dict.items()
        )
    return " ".join(error.messages)


# --- questions ----------------------------------------------------------------------------


@login_required
def question_add(request, pk: int, section_pk: int):
    survey = _survey(request, pk)
    section = _in_current(Section, survey, section_pk)
    form = QuestionAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        before = survey.current_version_id
        try:
            kwargs = {"choices": data["choices"]} if data["choices"] else {}
            question = defs.question_create(
                section=section,
                user=request.user,
                code=data["code"],
                type=data["type"],
                text={survey.default_language: data["text"]},
                **kwargs,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _changed(request, survey, before)
            messages.success(
                request, _("The question %(code)s was added.") % {"code": question.code}
            )
            return redirect("surveys:question_edit", pk=survey.pk, question_pk=question.pk)
    return render(
        request,
        "surveys/designer/form.html",
        {
            "survey": survey,
            "form": form,
            "title": _("New question on page %(code)s") % {"code": section.code},
            "cancel_url": _designer_url(survey, f"section-{section.code}"),
            **_version_note(survey),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def question_edit(request, pk: int, question_pk: int):
    survey = _survey(request, pk)
    question = _in_current(Question, survey, question_pk)
    if question.pk != question_pk:
        return redirect("surveys:question_edit", pk=survey.pk, question_pk=question.pk)
    sections = list(Section.objects.filter(version=question.version).order_by("order", "id"))
    builder, builder_data = _condition_builder(request, survey, before_question=question.code)
    building = builder.is_bound
    data = _add_built_condition(request, builder) if building else request.POST or None
    if building and data is None:
        data = request.POST
    form = QuestionForm(data, instance=question, languages=survey.languages, sections=sections)
    form.code_for_errors = question.code
    if request.method == "POST" and not building and form.is_valid():
        data = form.service_data()
        target_section = form.cleaned_data["section"]
        before = survey.current_version_id
        try:
            # Saved and moved together, or neither.
            with transaction.atomic():
                updated = defs.question_update(question=question, user=request.user, **data)
                if target_section != question.section.code:
                    target = Section.objects.get(version=updated.version, code=target_section)
                    updated = defs.question_move(
                        question=updated, user=request.user, section=target, position=10**6
                    )
        except ValidationError as error:
            add_service_error(form, error)
            survey.refresh_from_db()
            question.refresh_from_db()
        else:
            _changed(request, survey, before)
            messages.success(request, _("The question was saved."))
            return redirect(_designer_url(survey, f"question-{updated.code}"))
    languages = [(c, language_name(c), "rtl" if is_rtl(c) else "ltr") for c in survey.languages]
    choices = [
        {
            "pk": c.pk,
            "code": c.code,
            "kind": c.kind,
            "labels": [(code, name, d, c.label.get(code, "")) for code, name, d in languages],
        }
        for c in question.choices.order_by("kind", "order", "id")
    ]
    return render(
        request,
        "surveys/designer/question_edit.html",
        {
            "survey": survey,
            "question": question,
            "form": form,
            "title": _("Question %(code)s") % {"code": question.code},
            "options": [c for c in choices if c["kind"] == Choice.Kind.OPTION],
            "rows": [c for c in choices if c["kind"] == Choice.Kind.ROW],
            "has_options": question_type(question.type).edits_choices,
            "has_rows": question_type(question.type).needs_rows,
            "choices_help": question_type(question.type).choices_help,
            "languages": languages,
            "cancel_url": _designer_url(survey, f"question-{question.code}"),
            "builder": builder,
            "builder_data": builder_data,
            **_version_note(survey),
        },
        status=400 if request.method == "POST" and not (building and builder.is_valid()) else 200,
    )


@login_required
@require_POST
def question_action(request, pk: int, question_pk: int):
    survey = _survey(request, pk)
    question = _in_current(Question, survey, question_pk)
    action = request.POST.get("action")
    before = survey.current_version_id
    anchor = f"question-{question.code}"
    try:
        if action in ("up", "down"):
            siblings = list(question.section.questions.order_by("order", "id"))
            position = _neighbour_position(siblings, question, action)
            if position is not None:
                defs.question_move(question=question, user=request.user, position=position)
        elif action == "duplicate":
            copy = defs.question_duplicate(question=question, user=request.user)
            anchor = f"question-{copy.code}"
            messages.success(
                request,
                _("The question was duplicated as %(code)s.") % {"code": copy.code},
            )
        elif action == "delete":
            if not is_confirmed(request):
                return confirmation_page(
                    request,
                    title=_("Delete question %(code)s?") % {"code": question.code},
                    consequences=selectors.question_delete_consequences(question),
                    confirm_label=_("Delete the question"),
                    cancel_url=_designer_url(survey, anchor),
                )
            defs.question_delete(question=question, user=request.user)
            anchor = f"section-{question.section.code}"
            messages.success(
                request, _("The question %(code)s was deleted.") % {"code": question.code}
            )
        else:
            raise Http404(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, _service_message(error))
    else:
        _changed(request, survey, before)
    return redirect(_designer_url(survey, anchor))


@login_required
@require_POST
def question_choices(request, pk: int, question_pk: int):
    """One form for all choices of a question: edits are saved first, then the button's action
    (``save``, ``add-option``, ``add-row``, or ``up|down|duplicate|delete:<id>``) runs."""
    survey = _survey(request, pk)
    question = _in_current(Question, survey, question_pk)
    before = survey.current_version_id
    action = request.POST.get("action", "save")
    edit_url = reverse("surveys:question_edit", args=[survey.pk, question.pk]) + "#choices"
    try:
        # The edits and the button's action are saved together, or nothing is.
        with transaction.atomic():
            updated: dict[int, Choice] = {}
            for choice in question.choices.order_by("kind", "order", "id"):
                code = request.POST.get(f"c{choice.pk}-code", choice.code).strip()
                label = {
                    lang: request.POST.get(f"c{choice.pk}-label-{lang}", "").strip()
                    for lang in survey.languages
                }
                # Texts in languages the survey no longer offers are kept.
                label = {
                    **{k: v for k, v in choice.label.items() if k not in survey.languages},
                    **{lang: text for lang, text in label.items() if text},
                }
                if code != choice.code or label != choice.label:
                    updated[choice.pk] = defs.choice_update(
                        choice=choice, user=request.user, code=code, label=label or None
                    )
                else:
                    updated[choice.pk] = choice
            verb, _sep, target_id = action.partition(":")
            if verb in ("add-option", "add-row"):
                kind = Choice.Kind.ROW if verb == "add-row" else Choice.Kind.OPTION
                prefix = "new-row" if kind == Choice.Kind.ROW else "new"
                code = request.POST.get(f"{prefix}-code", "").strip()
                label = {
                    lang: request.POST.get(f"{prefix}-label-{lang}", "").strip()
                    for lang in survey.languages
                }
                label = {lang: text for lang, text in label.items() if text}
                defs.choice_create(
                    question=question, user=request.user, code=code, label=label or code, kind=kind
                )
            elif verb in ("up", "down", "duplicate", "delete"):
                choice = updated.get(int(target_id)) if target_id.isdigit() else None
                if choice is None:
                    raise Http404(_("Unknown choice."))
                if verb in ("up", "down"):
                    siblings = list(
                        Choice.objects.filter(question=choice.question, kind=choice.kind).order_by(
                            "order", "id"
                        )
                    )
                    position = _neighbour_position(siblings, choice, verb)
                    if position is not None:
                        defs.choice_move(choice=choice, user=request.user, position=position)
                elif verb == "duplicate":
                    defs.choice_duplicate(choice=choice, user=request.user)
                else:
                    defs.choice_delete(choice=choice, user=request.user)
            elif verb != "save":
                raise Http404(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, _service_message(error))
        return redirect(edit_url)
    _changed(request, survey, before)
    messages.success(request, _("The choices were saved."))
    survey.refresh_from_db()
    current_question = Question.objects.filter(
        version=survey.current_version, code=question.code
    ).first()
    return redirect(
        reverse("surveys:question_edit", args=[survey.pk, (current_question or question).pk])
        + "#choices"
    )


# --- preview ------------------------------------------------------------------------------

P_LANG, P_SECTION, P_GO = "p:lang", "p:section", "p:go"


def _preview_state(request, struct: structure.Structure, language: str):
    """What the preview was given (query string, the respondent pages' field names), read with
    the answering code: raw values, "other" texts and the values conditions see."""
    raw: dict = {}
    other: dict = {}
    values: dict = {}
    for section in struct.sections:
        data = data_from_post(section, request.GET)
        for q in section.questions:
            if not q.qtype.answered:
                continue
            raw[q.code] = data.get(q.code, "")
            other[q.code] = data.get(f"{q.code}_other", "")
            try:
                values[q.code] = answer_values.clean(q, raw[q.code], other[q.code], language).value
            except answer_values.AnswerError:
                values[q.code] = ""
    return raw, other, values


@login_required
def preview(request, pk: int):
    """A page of the survey as respondents see it (the answering pages' own question template
    and live show/hide), in any of the survey's languages. Answers typed here only travel in
    the query string to try the conditions; nothing is stored."""
    survey = _survey(request, pk)
    struct = structure.build(survey.current_version)  # staff only: always fresh
    # The preview's own parameters contain ":", which question codes cannot, so they never
    # clash with the answers (which use the respondents' field names, i.e. the codes).
    language = request.GET.get(P_LANG) or survey.default_language
    if language not in survey.languages:
        language = survey.default_language
    raw, other, values = _preview_state(request, struct, language)
    visible_sections = struct.visible_sections(values)
    codes = [s.code for s in struct.sections]
    current = request.GET.get(P_SECTION) or (codes[0] if codes else "")
    go = request.GET.get(P_GO)
    if go in ("next", "back") and current in codes:
        visible_codes = {s.code for s in visible_sections}
        order = [c for c in codes if c in visible_codes or c == current]
        index = order.index(current) + (1 if go == "next" else -1)
        current = order[max(0, min(index, len(order) - 1))]
    section = struct.section(current)
    with override(language):
        views = (
            question_views(
                section,
                structure=struct,
                raw=raw,
                other=other,
                values=values,
                errors={},
                language=language,
                default_language=survey.default_language,
                seed="preview",
            )
            if section
            else []
        )
        # The questions are rendered in the survey language, like the respondents' page;
        # the page around them stays in the staff member's language.
        questions_html = render_to_string(
            "surveys/designer/_preview_questions.html", {"questions": views}, request
        )
    own = {q.code for q in section.questions} if section else set()
    carried = [
        (name, value)
        for name in request.GET
        if name not in (P_LANG, P_SECTION, P_GO)
        and name.split("__")[0].removesuffix("_other") not in own
        for value in request.GET.getlist(name)
        if value
    ]

    def text(texts: dict) -> str:
        return pick(texts, language, survey.default_language)

    return render(
        request,
        "surveys/designer/preview.html",
        {
            "survey": survey,
            "title": _("Preview: %(survey)s") % {"survey": survey},
            "language": language,
            "dir": "rtl" if is_rtl(language) else "ltr",
            "languages": [(c, SURVEY_LANGUAGES.get(c, (c,))[0]) for c in survey.languages],
            "sections": [
                {"code": s.code, "title": text(s.title) or s.code, "visible": s in visible_sections}
                for s in struct.sections
            ],
            "section": section,
            "section_title": text(section.title) if section else "",
            "section_description": text(section.description) if section else "",
            "section_visible": section in visible_sections if section else False,
            "questions": views,
            "questions_html": questions_html,
            "hidden": [v for v in views if not v.visible],
            "carried": carried,
            "earlier_values": {code: value for code, value in values.items() if code not in own},
            "test_url": _test_url(survey),
            "p_lang": P_LANG,
            "p_section": P_SECTION,
            "p_go": P_GO,
            "is_first": bool(codes) and current == codes[0],
            "is_last": bool(codes) and current == codes[-1],
        },
    )
