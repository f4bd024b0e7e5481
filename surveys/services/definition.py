"""Writes to survey definitions: the survey, its sections, questions and choices.

Callers (the designer pages, the XLSForm/LimeSurvey importers, the API, the demo) use only
these functions. What they may rely on:

* Every function checks the user's permission (``surveys.change_survey`` on the survey's
  process), validates fully and writes all or nothing (``transaction.atomic``); bad input raises
  ``django.core.exceptions.ValidationError`` whose keys name the field, and for structure-wide
  problems ``questions.<code>.<field>`` / ``sections.<code>.<field>``.
* Conditions (``relevant``, ``constraint``) are checked at design time: malformed expressions,
  references to unknown questions or to questions that do not come earlier are refused with a
  message saying what and where.
* **Versioning rule.** A survey's structure lives in its ``current_version``. As long as that
  version has no real (non-test) responses, changes are made in place. The first change after a
  real response exists copies the whole structure into a new version (``number + 1``), makes it
  current and applies the change there; responses keep pointing to the version they were given
  in, so nothing already answered is lost or re-labelled. Therefore every structure function
  **returns the object it changed, which may be a new row** (the counterpart, found by code, in
  the new version): callers must use the returned object, not the one they passed in.
  Test responses on an edited version are discarded when a change would orphan them.
* Every structure change bumps ``SurveyVersion.revision`` (the structure cache key).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_perm
from participation.models import Process, TargetGroup
from participation.services import audit_log

from .. import choice_filters, expressions
from ..i18n import SURVEY_LANGUAGES
from ..models import Choice, Question, Response, Section, Survey, SurveyVersion
from ..question_types import REGISTRY, QuestionType, question_type
from ..selectors import forget_survey
from ..structure import QUESTION_OPTION_FIELDS
from ..structure import build as build_structure

CODE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
# Choice codes may start with a digit (XLSForm and LimeSurvey often use 1, 2, 3 …).
CHOICE_CODE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")
TEXT_FIELDS_SURVEY = ("title", "description", "privacy_notice", "thank_you", "invitation_text")
SURVEY_FIELDS = (
    *TEXT_FIELDS_SURVEY,
    "phase",
    "languages",
    "default_language",
    "access_mode",
    "anonymised",
    "opens_at",
    "closes_at",
    "starts_per_hour",
)
# What a question definition may hold besides its code (the structure writes the same).
QUESTION_FIELDS = ("type", "text", *QUESTION_OPTION_FIELDS)
QUESTION_TEXT_FIELDS = ("text", "hint", "scale_min_label", "scale_max_label", "validation_message")
SECTION_FIELDS = ("title", "description", "relevant")


# --- helpers ------------------------------------------------------------------------------


def _save_survey(survey: Survey, **kwargs) -> None:
    """Save and drop this process's cached copy, so respondents see the change at once (other
    processes within ``selectors.SURVEY_CACHE_SECONDS``)."""
    survey.save(**kwargs)
    forget_survey(survey.public_id)


def _require_change(user, survey_or_process) -> None:
    if user is None:  # system callers (demo, management commands run by an operator)
        return
    require_perm(
        user,
        "surveys.change_survey",
        survey_or_process,
        message=_("You may not change surveys of this process."),
    )


def texts(value: Any, field: str, default_language: str = "de") -> dict:
    """Normalise a per-language text: a plain string becomes ``{default_language: string}``."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return {default_language: value}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationError(
            {field: [_('Expected a text per language, e.g. {"de": "…", "en": "…"}.')]}
        )
    unknown = sorted(code for code in value if code not in SURVEY_LANGUAGES)
    if unknown:
        raise ValidationError(
            {field: [_("Unknown language code(s): %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return {k: v.strip() for k, v in value.items() if v and v.strip()}


def _check_code(code: Any, field: str = "code", pattern: re.Pattern = CODE_RE) -> str:
    code = (code or "").strip() if isinstance(code, str) else code
    if not isinstance(code, str) or not pattern.match(code):
        raise ValidationError(
            {
                field: [
                    _(
                        "%(code)s is not a valid code: use letters, digits and _ (up to 64 "
                        "characters), starting with a letter."
                    )
                    % {"code": repr(code)}
                ]
            }
        )
    return code


def _full_clean(instance: models.Model) -> None:
    instance.full_clean(validate_unique=False, validate_constraints=True)


def has_real_responses(version: SurveyVersion) -> bool:
    return Response.objects.filter(version=version, is_test=False).exists()


def _bump(version: SurveyVersion) -> None:
    SurveyVersion.objects.filter(pk=version.pk).update(revision=F("revision") + 1)
    version.revision += 1


def _clone_version(version: SurveyVersion, note: str = "") -> SurveyVersion:
    number = (
        SurveyVersion.objects.filter(survey_id=version.survey_id).aggregate(m=models.Max("number"))[
            "m"
        ]
        or 0
    ) + 1
    new = SurveyVersion.objects.create(survey_id=version.survey_id, number=number, note=note)
    section_map: dict[int, Section] = {}
    for section in Section.objects.filter(version=version).order_by("order", "id"):
        old_id = section.pk
        section.pk = None
        section.version = new
        section.save()
        section_map[old_id] = section
    question_map: dict[int, Question] = {}
    for question in Question.objects.filter(version=version).order_by("order", "id"):
        old_id = question.pk
        question.pk = None
        question.version = new
        question.section = section_map[question.section_id]
        question.save()
        question_map[old_id] = question
    Choice.objects.bulk_create(
        [
            Choice(
                question=question_map[c.question_id],
                kind=c.kind,
                code=c.code,
                order=c.order,
                label=c.label,
                target_group_id=c.target_group_id,
                filter_values=c.filter_values,
            )
            for c in Choice.objects.filter(question__version=version)
        ]
    )
    return new


def writable_version(*, survey: Survey) -> SurveyVersion:
    """The version that structure changes go to, creating a new one when the current has real
    responses (the versioning rule). Locks the survey row for the rest of the transaction."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    version = survey.current_version
    if version is None:
        version = SurveyVersion.objects.create(survey=survey, number=1)
        survey.current_version = version
        _save_survey(survey, update_fields=["current_version", "updated_at"])
    elif has_real_responses(version):
        version = _clone_version(
            version,
            note=_("Created on %(date)s because version %(n)s already has responses.")
            % {"date": timezone.localdate().isoformat(), "n": version.number},
        )
        survey.current_version = version
        _save_survey(survey, update_fields=["current_version", "updated_at"])
    return version


def _drop_test_answers(version: SurveyVersion) -> None:
    """Test responses would block deleting questions they answered; they are discarded."""
    Response.objects.filter(version=version, is_test=True).delete()


def _section_in(version: SurveyVersion, section: Section) -> Section:
    if section.version_id == version.pk:
        return section
    return Section.objects.get(version=version, code=section.code)


def _question_in(version: SurveyVersion, question: Question) -> Question:
    if question.version_id == version.pk:
        return question
    return Question.objects.get(version=version, code=question.code)


def _choice_in(version: SurveyVersion, choice: Choice) -> Choice:
    if choice.question.version_id == version.pk:
        return choice
    return Choice.objects.get(
        question__version=version,
        question__code=choice.question.code,
        kind=choice.kind,
        code=choice.code,
    )


def _renumber(queryset, moved=None, position: int | None = None) -> None:
    items = [obj for obj in queryset if moved is None or obj.pk != moved.pk]
    if moved is not None:
        index = len(items) if position is None else max(0, min(position, len(items)))
        items.insert(index, moved)
    for index, obj in enumerate(items, start=1):
        if obj.order != index:
            obj.order = index
            type(obj).objects.filter(pk=obj.pk).update(order=index)


# --- structure-wide checks ----------------------------------------------------------------


def condition_codes(version: SurveyVersion) -> dict[str, list[str] | None]:
    """Question code -> the values a condition may compare its answer with (None: any)."""
    return {q.code: q.qtype.condition_codes(q) for q in build_structure(version).questions.values()}


def check_conditions(version: SurveyVersion) -> None:
    """Refuse malformed conditions, references to questions that are not earlier, and
    comparisons with a value that is not one of the question's answer codes."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    codes: set[str] = set()
    answer_codes = condition_codes(version)
    for section in Section.objects.filter(version=version).order_by("order", "id"):
        before_section = set(seen)
        if section.relevant.strip():
            try:
                expressions.validate(section.relevant, known=before_section, codes=answer_codes)
            except expressions.ExpressionError as exc:
                errors.setdefault(f"sections.{section.code}.relevant", []).append(exc.message)
        for question in section.questions.order_by("order", "id"):
            codes.add(question.code)
            if question.relevant.strip():
                try:
                    expressions.validate(question.relevant, known=set(seen), codes=answer_codes)
                except expressions.ExpressionError as exc:
                    errors.setdefault(f"questions.{question.code}.relevant", []).append(exc.message)
            if question.constraint.strip():
                try:
                    expressions.validate(
                        question.constraint, known=set(seen) | {question.code}, allow_self=True
                    )
                except expressions.ExpressionError as exc:
                    errors.setdefault(f"questions.{question.code}.constraint", []).append(
                        exc.message
                    )
            seen.add(question.code)
    # ``<code>_other`` carries the "other, please specify" text of a question that allows
    # other answers: only then is a question of that name in the way (forms and the API both
    # use the name). A plain question named so (common in real forms) is a question like any.
    with_other = set(
        Question.objects.filter(version=version, allow_other=True).values_list("code", flat=True)
    )
    for code in codes:
        if code.endswith("_other") and code[: -len("_other")] in with_other:
            errors.setdefault(f"questions.{code}.code", []).append(
                _("This code is reserved for the 'other' text of question %(code)s.")
                % {"code": code[: -len("_other")]}
            )
    if errors:
        raise ValidationError(errors)


def check_ready(version: SurveyVersion) -> None:
    """What must hold before a survey opens: questions exist, choice questions have choices."""
    errors: dict[str, list[str]] = {}
    questions = list(Question.objects.filter(version=version).prefetch_related("choices"))
    if not [q for q in questions if question_type(q.type).answered]:
        errors.setdefault("__all__", []).append(_("The survey has no questions yet."))
    for q in questions:
        options = [c for c in q.choices.all() if c.kind == Choice.Kind.OPTION]
        rows = [c for c in q.choices.all() if c.kind == Choice.Kind.ROW]
        for message in question_type(q.type).ready_errors(options, rows):
            errors.setdefault(f"questions.{q.code}.choices", []).append(message)
    check_conditions(version)
    if errors:
        raise ValidationError(errors)


# --- surveys ------------------------------------------------------------------------------


def _survey_data(data: dict, default_language: str) -> dict:
    clean = dict(data)
    for name in TEXT_FIELDS_SURVEY:
        if name in clean:
            clean[name] = texts(clean[name], name, default_language)
    if "languages" in clean:
        languages = clean["languages"]
        if isinstance(languages, str):
            languages = [code.strip() for code in languages.split(",") if code.strip()]
        unknown = [code for code in languages if code not in SURVEY_LANGUAGES]
        if unknown:
            raise ValidationError(
                {
                    "languages": [
                        _(
                            "Unknown language code(s): %(codes)s. Use CLDR codes such as de, "
                            "en, sv, sr-Latn, fa-AF (Dari) or ckb (Sorani Kurdish)."
                        )
                        % {"codes": ", ".join(str(c) for c in unknown)}
                    ]
                }
            )
        if not languages:
            raise ValidationError({"languages": [_("Choose at least one language.")]})
        clean["languages"] = list(dict.fromkeys(languages))
    return clean


def _validate_survey(survey: Survey) -> None:
    errors = {}
    if survey.default_language not in survey.languages:
        errors["default_language"] = [_("The default language must be one of the languages.")]
    if not survey.title.get(survey.default_language):
        errors["title"] = [_("The title is needed at least in the default language.")]
    if survey.phase_id and survey.phase.process_id != survey.process_id:
        errors["phase"] = [_("The phase belongs to another process.")]
    if errors:
        raise ValidationError(errors)
    _full_clean(survey)


@transaction.atomic
def survey_create(
    *,
    user,
    process: Process,
    title: dict | str,
    languages: list[str] | None = None,
    default_language: str = "de",
    access_mode: str = Survey.AccessMode.INVITATION,
    anonymised: bool = False,
    **data: Any,
) -> Survey:
    """Create a survey in draft with an empty version 1. ``data``: any of ``SURVEY_FIELDS``."""
    _require_change(user, process)
    unknown = set(data) - set(SURVEY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    clean = _survey_data(
        {"title": title, "languages": languages or [default_language], **data}, default_language
    )
    survey = Survey(
        process=process,
        default_language=default_language,
        access_mode=access_mode,
        anonymised=anonymised,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        **clean,
    )
    _validate_survey(survey)
    _save_survey(survey)
    version = SurveyVersion.objects.create(survey=survey, number=1)
    survey.current_version = version
    _save_survey(survey, update_fields=["current_version"])
    audit_log(actor=user, action="survey.create", obj=survey, process=process)
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, user, **data: Any) -> Survey:
    """Change the survey's settings and texts (not its structure; no new version).

    Access mode and anonymisation cannot change once real responses exist.
    """
    _require_change(user, survey)
    unknown = set(data) - set(SURVEY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    clean = _survey_data(data, data.get("default_language", survey.default_language))
    locked = {"access_mode", "anonymised"} & {
        k for k, v in clean.items() if getattr(survey, k) != v
    }
    if locked and survey.responses.filter(is_test=False).exists():
        raise ValidationError(
            {
                name: [_("This cannot change once the survey has responses.")]
                for name in sorted(locked)
            }
        )
    for name, value in clean.items():
        setattr(survey, name, value)
    _validate_survey(survey)
    _save_survey(survey)
    audit_log(
        actor=user, action="survey.update", obj=survey, process=survey.process, fields=sorted(data)
    )
    return survey


ALLOWED_TRANSITIONS = {
    Survey.Status.DRAFT: {Survey.Status.OPEN},
    Survey.Status.OPEN: {Survey.Status.CLOSED},
    Survey.Status.CLOSED: {Survey.Status.OPEN},
}


@transaction.atomic
def survey_transition(*, survey: Survey, user, to: str) -> Survey:
    """Open (checks the structure is complete), close, or reopen a survey."""
    _require_change(user, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if to not in ALLOWED_TRANSITIONS.get(survey.status, set()):
        raise ValidationError(
            {
                "status": [
                    _("A survey cannot go from %(from)s to %(to)s.")
                    % {"from": survey.get_status_display(), "to": to}
                ]
            }
        )
    if to == Survey.Status.OPEN:
        check_ready(survey.current_version)
    previous = survey.status
    survey.status = to
    _save_survey(survey, update_fields=["status", "updated_at"])
    audit_log(
        actor=user,
        action="survey.transition",
        obj=survey,
        process=survey.process,
        previous=previous,
        to=to,
    )
    return survey


# --- sections -----------------------------------------------------------------------------


def _section_data(data: dict, default_language: str) -> dict:
    clean = {}
    for name, value in data.items():
        if name not in SECTION_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name})
        clean[name] = (
            (value or "").strip() if name == "relevant" else texts(value, name, default_language)
        )
    return clean


@transaction.atomic
def section_create(
    *, survey: Survey, user, code: str, position: int | None = None, **data: Any
) -> Section:
    """Add a page; ``position`` is 0-based (default: at the end)."""
    _require_change(user, survey)
    version = writable_version(survey=survey)
    code = _check_code(code)
    if Section.objects.filter(version=version, code=code).exists():
        raise ValidationError({"code": [_("Another section has this code.")]})
    section = Section(version=version, code=code, **_section_data(data, survey.default_language))
    _full_clean(section)
    section.save()
    _renumber(Section.objects.filter(version=version).order_by("order", "id"), section, position)
    check_conditions(version)
    _bump(version)
    return section


@transaction.atomic
def section_update(*, section: Section, user, code: str | None = None, **data: Any) -> Section:
    survey = section.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    section = _section_in(version, section)
    if code is not None and code != section.code:
        code = _check_code(code)
        if Section.objects.filter(version=version, code=code).exists():
            raise ValidationError({"code": [_("Another section has this code.")]})
        section.code = code
    for name, value in _section_data(data, survey.default_language).items():
        setattr(section, name, value)
    _full_clean(section)
    section.save()
    check_conditions(version)
    _bump(version)
    return section


@transaction.atomic
def section_move(*, section: Section, user, position: int) -> Section:
    survey = section.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    section = _section_in(version, section)
    _renumber(Section.objects.filter(version=version).order_by("order", "id"), section, position)
    check_conditions(version)
    _bump(version)
    return section


@transaction.atomic
def section_delete(*, section: Section, user) -> None:
    """Delete a page with its questions (refused while a later condition refers to them)."""
    survey = section.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    section = _section_in(version, section)
    _drop_test_answers(version)
    section.delete()
    _renumber(Section.objects.filter(version=version).order_by("order", "id"))
    check_conditions(version)
    _bump(version)


# --- questions ----------------------------------------------------------------------------


def _question_data(data: dict, default_language: str) -> dict:
    clean = {}
    for name, value in data.items():
        if name not in QUESTION_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name})
        if name in QUESTION_TEXT_FIELDS:
            clean[name] = texts(value, name, default_language)
        elif name in ("relevant", "constraint", "pattern", "choice_filter"):
            clean[name] = (value or "").strip()
        else:
            clean[name] = value
    return clean


def _validate_question(question: Question) -> None:
    errors: dict[str, list[str]] = {}
    qtype = REGISTRY.get(question.type)
    if qtype is None:
        errors["type"] = [_("Unknown question type %(t)s.") % {"t": repr(question.type)}]
        qtype = QuestionType()
    qtype.validate(question, errors)
    if question.pattern:
        try:
            re.compile(question.pattern)
        except re.error as exc:
            errors["pattern"] = [
                _("The pattern is not a valid regular expression: %(e)s") % {"e": exc}
            ]
    for field in ("relevant", "constraint"):
        source = getattr(question, field)
        if source:
            try:
                expressions.parse(source)
            except expressions.ExpressionError as exc:
                errors.setdefault(field, []).append(exc.message)
    if question.choice_filter:
        try:
            choice_filters.parse(question.choice_filter)
        except ValueError:
            errors.setdefault("choice_filter", []).append(
                _(
                    "The choice filter %(f)s is not understood: write comparisons such as "
                    "district=${district}, joined with and."
                )
                % {"f": question.choice_filter}
            )
    if errors:
        raise ValidationError(errors)
    _full_clean(question)


def _target_group_question_unique(question: Question) -> None:
    if question.is_target_group_question:
        Question.objects.filter(version=question.version_id, is_target_group_question=True).exclude(
            pk=question.pk
        ).update(is_target_group_question=False)


@transaction.atomic
def question_create(
    *,
    section: Section,
    user,
    code: str,
    type: str,
    text: dict | str,
    position: int | None = None,
    choices: list[dict] | None = None,
    rows: list[dict] | None = None,
    **data: Any,
) -> Question:
    """Add a question to ``section``; ``position`` 0-based within the section (default: end).

    ``choices`` / ``rows``: ``[{"code": "a", "label": {...}, "target_group": <code>}]``.
    """
    survey = section.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    section = _section_in(version, section)
    code = _check_code(code)
    if Question.objects.filter(version=version, code=code).exists():
        raise ValidationError({"code": [_("Another question has this code.")]})
    question = Question(
        version=version,
        section=section,
        code=code,
        type=type,
        **_question_data({"text": text, **data}, survey.default_language),
    )
    _validate_question(question)
    question.save()
    _target_group_question_unique(question)
    _write_choices(question, choices or [], Choice.Kind.OPTION, survey.default_language)
    _write_choices(question, rows or [], Choice.Kind.ROW, survey.default_language)
    _renumber(section.questions.order_by("order", "id"), question, position)
    check_conditions(version)
    _bump(version)
    return question


@transaction.atomic
def question_update(*, question: Question, user, code: str | None = None, **data: Any) -> Question:
    """Change a question's settings; returns the (possibly new-version) question."""
    survey = question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    question = _question_in(version, question)
    if code is not None and code != question.code:
        code = _check_code(code)
        if Question.objects.filter(version=version, code=code).exists():
            raise ValidationError({"code": [_("Another question has this code.")]})
        question.code = code
    for name, value in _question_data(data, survey.default_language).items():
        setattr(question, name, value)
    _validate_question(question)
    question.save()
    _target_group_question_unique(question)
    check_conditions(version)
    _bump(version)
    return question


@transaction.atomic
def question_move(
    *, question: Question, user, position: int, section: Section | None = None
) -> Question:
    """Move a question to ``position`` (0-based) in ``section`` (default: its own)."""
    survey = question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    question = _question_in(version, question)
    target = _section_in(version, section) if section is not None else question.section
    if target.pk != question.section_id:
        old_section = question.section
        question.section = target
        question.save(update_fields=["section"])
        _renumber(old_section.questions.order_by("order", "id"))
    _renumber(target.questions.order_by("order", "id"), question, position)
    check_conditions(version)
    _bump(version)
    return question


@transaction.atomic
def question_duplicate(*, question: Question, user, code: str | None = None) -> Question:
    """Copy a question with its choices right after it (code: ``<code>_copy`` by default)."""
    survey = question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    question = _question_in(version, question)
    new_code = code or f"{question.code}_copy"
    n = 2
    while code is None and Question.objects.filter(version=version, code=new_code).exists():
        new_code = f"{question.code}_copy{n}"
        n += 1
    new_code = _check_code(new_code)
    if Question.objects.filter(version=version, code=new_code).exists():
        raise ValidationError({"code": [_("Another question has this code.")]})
    originals = list(question.choices.all())
    copy = Question.objects.get(pk=question.pk)
    copy.pk = None
    copy.code = new_code
    copy.is_target_group_question = False
    copy.save()
    Choice.objects.bulk_create(
        [
            Choice(
                question=copy,
                kind=c.kind,
                code=c.code,
                order=c.order,
                label=c.label,
                target_group_id=c.target_group_id,
                filter_values=c.filter_values,
            )
            for c in originals
        ]
    )
    siblings = list(question.section.questions.order_by("order", "id"))
    index = [q.pk for q in siblings].index(question.pk) + 1
    _renumber(question.section.questions.order_by("order", "id"), copy, index)
    check_conditions(version)
    _bump(version)
    return copy


@transaction.atomic
def question_delete(*, question: Question, user) -> None:
    """Delete a question (refused while another condition refers to it)."""
    survey = question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    question = _question_in(version, question)
    section = question.section
    _drop_test_answers(version)
    question.delete()
    _renumber(section.questions.order_by("order", "id"))
    check_conditions(version)
    _bump(version)


# --- choices ------------------------------------------------------------------------------


def _target_group(value) -> TargetGroup | None:
    if value in (None, ""):
        return None
    if isinstance(value, TargetGroup):
        return value
    group = TargetGroup.objects.filter(code=value).first()
    if group is None:
        raise ValidationError({"target_group": [_("Unknown target group %(c)s.") % {"c": value}]})
    return group


def _write_choices(question: Question, items: list[dict], kind: str, language: str) -> None:
    objs = []
    seen = set()
    for order, item in enumerate(items, start=1):
        code = _check_code(str(item.get("code", "")), "choices", CHOICE_CODE_RE)
        if code in seen:
            raise ValidationError(
                {"choices": [_("The choice code %(c)s is used twice.") % {"c": code}]}
            )
        seen.add(code)
        objs.append(
            Choice(
                question=question,
                kind=kind,
                code=code,
                order=order,
                label=texts(item.get("label") or code, "label", language),
                target_group=_target_group(item.get("target_group")),
                filter_values=_filter_values(item.get("filter_values")),
            )
        )
    Choice.objects.bulk_create(objs)


def _filter_values(value) -> list[dict]:
    """``{"county": "king"}`` or a list of such variants → a list of ``{column: text}``."""
    if not value:
        return []
    variants = [value] if isinstance(value, dict) else value
    if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
        raise ValidationError(
            {"choices": [_('Filter values are written {"column": "value"} per choice.')]}
        )
    return [{str(k): str(v) for k, v in variant.items()} for variant in variants]


@transaction.atomic
def choice_create(
    *,
    question: Question,
    user,
    code: str,
    label: dict | str,
    kind: str = Choice.Kind.OPTION,
    target_group: TargetGroup | str | None = None,
    position: int | None = None,
) -> Choice:
    """Add an answer option (or, ``kind="row"``, a matrix row)."""
    survey = question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    question = _question_in(version, question)
    code = _check_code(code, "code", CHOICE_CODE_RE)
    if question.choices.filter(kind=kind, code=code).exists():
        raise ValidationError({"code": [_("Another choice of this question has this code.")]})
    choice = Choice(
        question=question,
        kind=kind,
        code=code,
        label=texts(label, "label", survey.default_language),
        target_group=_target_group(target_group),
    )
    if not choice.label:
        raise ValidationError({"label": [_("The choice needs a label.")]})
    _full_clean(choice)
    choice.save()
    _renumber(question.choices.filter(kind=kind).order_by("order", "id"), choice, position)
    _bump(version)
    return choice


@transaction.atomic
def choice_update(
    *, choice: Choice, user, code: str | None = None, label=None, target_group="__keep__"
) -> Choice:
    survey = choice.question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    choice = _choice_in(version, choice)
    if code is not None and code != choice.code:
        code = _check_code(code, "code", CHOICE_CODE_RE)
        if choice.question.choices.filter(kind=choice.kind, code=code).exists():
            raise ValidationError({"code": [_("Another choice of this question has this code.")]})
        choice.code = code
    if label is not None:
        choice.label = texts(label, "label", survey.default_language)
        if not choice.label:
            raise ValidationError({"label": [_("The choice needs a label.")]})
    if target_group != "__keep__":
        choice.target_group = _target_group(target_group)
    _full_clean(choice)
    choice.save()
    check_conditions(version)  # a condition may compare with the old code
    _bump(version)
    return choice


@transaction.atomic
def choice_move(*, choice: Choice, user, position: int) -> Choice:
    survey = choice.question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    choice = _choice_in(version, choice)
    _renumber(
        choice.question.choices.filter(kind=choice.kind).order_by("order", "id"), choice, position
    )
    _bump(version)
    return choice


@transaction.atomic
def choice_duplicate(*, choice: Choice, user) -> Choice:
    survey = choice.question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    choice = _choice_in(version, choice)
    siblings = choice.question.choices.filter(kind=choice.kind)
    code = f"{choice.code}_copy"
    n = 2
    while siblings.filter(code=code).exists():
        code = f"{choice.code}_copy{n}"
        n += 1
    copy = Choice.objects.create(
        question=choice.question,
        kind=choice.kind,
        code=code,
        label=dict(choice.label),
        target_group_id=choice.target_group_id,
        order=choice.order,
    )
    index = [c.pk for c in siblings.order_by("order", "id")].index(choice.pk) + 1
    _renumber(siblings.order_by("order", "id"), copy, index)
    _bump(version)
    return copy


@transaction.atomic
def choice_delete(*, choice: Choice, user) -> None:
    survey = choice.question.version.survey
    _require_change(user, survey)
    version = writable_version(survey=survey)
    choice = _choice_in(version, choice)
    question = choice.question
    _drop_test_answers(version)
    choice.delete()
    _renumber(question.choices.filter(kind=choice.kind).order_by("order", "id"))
    check_conditions(version)  # a condition may compare with the deleted code
    _bump(version)


# --- whole definitions (importers, API, demo) ----------------------------------------------


def _write_structure(version: SurveyVersion, sections: list[dict], language: str) -> None:
    if not isinstance(sections, list):
        raise ValidationError({"sections": [_("Expected a list of sections.")]})
    errors: dict[str, list[str]] = {}
    section_codes: set[str] = set()
    question_codes: set[str] = set()
    for s_index, sdef in enumerate(sections, start=1):
        s_code = sdef.get("code") or f"page{s_index}"
        try:
            s_code = _check_code(s_code)
            if s_code in section_codes:
                raise ValidationError({"code": [_("Another section has this code.")]})
            section = Section(
                version=version,
                code=s_code,
                order=s_index,
                **_section_data({k: sdef[k] for k in SECTION_FIELDS if k in sdef}, language),
            )
            _full_clean(section)
            section.save()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"sections.{s_code}.{field}", []).extend(messages)
            continue
        section_codes.add(s_code)
        for q_index, qdef in enumerate(sdef.get("questions", []), start=1):
            q_code = qdef.get("code", "")
            try:
                q_code = _check_code(q_code)
                if q_code in question_codes:
                    raise ValidationError({"code": [_("Another question has this code.")]})
                question_codes.add(q_code)
                question = Question(
                    version=version,
                    section=section,
                    code=q_code,
                    order=q_index,
                    **_question_data(
                        {k: qdef[k] for k in QUESTION_FIELDS if k in qdef and qdef[k] is not None},
                        language,
                    ),
                )
                _validate_question(question)
                question.save()
                _write_choices(question, qdef.get("choices") or [], Choice.Kind.OPTION, language)
                _write_choices(question, qdef.get("rows") or [], Choice.Kind.ROW, language)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.setdefault(f"questions.{q_code or q_index}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if Question.objects.filter(version=version, is_target_group_question=True).count() > 1:
        raise ValidationError(
            {"questions": [_("Only one question can be the target-group question.")]}
        )
    check_conditions(version)


@transaction.atomic
def survey_create_from_definition(
    *, user, process: Process, definition: dict, phase=None, status: str | None = None
) -> Survey:
    """Create a survey with its whole structure from a definition dict.

    Keys: the survey fields (``title``, ``languages``, ``default_language``, ``access_mode``,
    ``anonymised``, ``description``, ``privacy_notice``, ``thank_you``, ``invitation_text``,
    ``opens_at``, ``closes_at``) and ``sections``: ``[{code, title, description, relevant,
    questions: [{code, type, text, <any of QUESTION_FIELDS>, choices: [{code, label,
    target_group}], rows: [...]}]}]`` — the format ``structure.Structure.definition()`` returns.
    Errors name the question: ``questions.<code>.<field>``. ``status="open"`` opens it directly.
    """
    meta = {k: definition[k] for k in SURVEY_FIELDS if k in definition and k != "phase"}
    meta.setdefault("default_language", "de")
    survey = survey_create(user=user, process=process, phase=phase, **meta)
    _write_structure(
        survey.current_version, definition.get("sections", []), survey.default_language
    )
    _bump(survey.current_version)
    if status == Survey.Status.OPEN:
        survey = survey_transition(survey=survey, user=user, to=Survey.Status.OPEN)
    return survey


@transaction.atomic
def survey_structure_replace(*, survey: Survey, user, sections: list[dict]) -> SurveyVersion:
    """Replace the whole structure (e.g. re-import); follows the versioning rule."""
    _require_change(user, survey)
    version = writable_version(survey=survey)
    _drop_test_answers(version)
    Section.objects.filter(version=version).delete()
    _write_structure(version, sections, survey.default_language)
    _bump(version)
    return version
