"""Reads of the surveys app that more than one caller needs."""

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from participation.permissions import roles_of

from .i18n import language_name, pick
from .models import Invitation, Question, Response, Section, Survey


def survey_list(*, user, process=None) -> QuerySet[Survey]:
    """Surveys of the processes ``user`` may view (staff and facilitators)."""
    qs = Survey.objects.select_related("process", "phase", "current_version")
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(
            process_id__in=[pid for pid, role in roles_of(user).items() if role != "expert"]
        )
    if process is not None:
        qs = qs.filter(process=process)
    return qs.annotate(
        complete_count=Count(
            "responses",
            filter=Q(responses__status=Response.Status.COMPLETE, responses__is_test=False),
            distinct=True,
        ),
        in_progress_count=Count(
            "responses",
            filter=Q(responses__status=Response.Status.IN_PROGRESS, responses__is_test=False),
            distinct=True,
        ),
    ).order_by("-created_at")


def response_counts(survey: Survey) -> dict[str, int]:
    counts = Response.objects.filter(survey=survey, is_test=False).aggregate(
        complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
        in_progress=Count("id", filter=Q(status=Response.Status.IN_PROGRESS)),
    )
    counts["test"] = Response.objects.filter(survey=survey, is_test=True).count()
    return counts


def invitation_counts(survey: Survey) -> dict[str, int]:
    return Invitation.objects.filter(survey=survey).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        started=Count("id", filter=Q(started_at__isnull=False)),
        completed=Count("id", filter=Q(completed_at__isnull=False)),
        opted_out=Count("id", filter=Q(opted_out_at__isnull=False)),
    )


def _figures_by_phase(process) -> dict[int, dict[str, int]]:
    """Figures of every survey phase of ``process`` in two queries, memoised on the process
    object (the dashboard asks phase by phase; its phases share one process instance)."""
    cached = getattr(process, "_survey_phase_figures", None)
    if cached is not None:
        return cached
    figures: dict[int, dict[str, int]] = {}
    rows = (
        Response.objects.filter(survey__process=process, survey__phase__isnull=False, is_test=False)
        .values("survey__phase")
        .annotate(
            complete=Count("id", filter=Q(status=Response.Status.COMPLETE)),
            in_progress=Count("id", filter=Q(status=Response.Status.IN_PROGRESS)),
        )
    )
    for row in rows:
        figures.setdefault(row["survey__phase"], {}).update(
            complete=row["complete"], in_progress=row["in_progress"]
        )
    sent = (
        Invitation.objects.filter(
            survey__process=process, survey__phase__isnull=False, sent_at__isnull=False
        )
        .values("survey__phase")
        .annotate(n=Count("id"))
    )
    for row in sent:
        figures.setdefault(row["survey__phase"], {})["sent"] = row["n"]
    process._survey_phase_figures = figures
    return figures


def phase_figures(phase) -> list[tuple[str, int]]:
    """Dashboard figures of a survey phase (registered in ``SurveysConfig.ready``)."""
    own = _figures_by_phase(phase.process).get(phase.pk, {})
    return [
        (_("Responses complete"), own.get("complete", 0)),
        (_("Responses in progress"), own.get("in_progress", 0)),
        (_("Invitations sent"), own.get("sent", 0)),
    ]


# Respondent-facing lookups by public key happen on every submission; the survey row changes
# rarely (status, dates), so each process keeps it a few seconds. A change made in this process
# clears the entry at once (services.definition); other processes see it within
# SURVEY_CACHE_SECONDS.
SURVEY_CACHE_SECONDS = 5.0
_by_public_id: dict[str, tuple[float, Survey]] = {}


def survey_by_public_id(public_id: str) -> Survey | None:
    now = time.monotonic()
    hit = _by_public_id.get(public_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    survey = Survey.objects.select_related("current_version").filter(public_id=public_id).first()
    if survey is not None:
        if len(_by_public_id) > 1000:
            _by_public_id.clear()
        _by_public_id[public_id] = (now + SURVEY_CACHE_SECONDS, survey)
    return survey


def forget_survey(public_id: str) -> None:
    _by_public_id.pop(public_id, None)


# --- what confirmations say (deleting, closing, opening) -------------------------------------


def _referring(version, codes: set[str], *, skip_section: str = "") -> list[str]:
    """Names of the pages and questions whose conditions refer to one of ``codes``."""
    from . import expressions

    found = []
    for section in Section.objects.filter(version=version).order_by("order", "id"):
        if section.code != skip_section and section.relevant.strip():
            try:
                if expressions.references(section.relevant) & codes:
                    found.append(_("page %(code)s") % {"code": section.code})
            except expressions.ExpressionError:
                pass
        if section.code == skip_section:
            continue
        for question in section.questions.order_by("order", "id"):
            if question.code in codes:
                continue
            for source in (question.relevant, question.constraint):
                try:
                    if source.strip() and expressions.references(source) & codes:
                        found.append(_("question %(code)s") % {"code": question.code})
                        break
                except expressions.ExpressionError:
                    pass
    return found


def _version_consequences(version) -> list[str]:
    out = []
    real = Response.objects.filter(version=version, is_test=False).count()
    if real:
        out.append(
            _(
                "Version %(n)s already has %(count)s response(s): the change creates version "
                "%(next)s. The responses keep their version, questions and answers."
            )
            % {"n": version.number, "count": real, "next": version.number + 1}
        )
    tests = Response.objects.filter(version=version, is_test=True).count()
    if tests and not real:
        out.append(
            _("%(count)s test response(s) of this version are discarded.") % {"count": tests}
        )
    return out


def question_delete_consequences(question: Question) -> list[str]:
    """What deleting ``question`` does, in sentences for the confirmation."""
    label = pick(question.text, question.version.survey.default_language) or question.code
    choices = question.choices.count()
    out = [
        _("The question %(code)s “%(text)s” is deleted.") % {"code": question.code, "text": label}
        + (
            " " + _("Its %(n)s answer choice(s) are deleted with it.") % {"n": choices}
            if choices
            else ""
        )
    ]
    out += _version_consequences(question.version)
    referring = _referring(question.version, {question.code})
    if referring:
        out.append(
            _(
                "The conditions of %(places)s refer to this question: the deletion is refused "
                "until they are changed."
            )
            % {"places": ", ".join(referring)}
        )
    return out


def section_delete_consequences(section: Section) -> list[str]:
    """What deleting the page ``section`` does, in sentences for the confirmation."""
    codes = list(section.questions.order_by("order", "id").values_list("code", flat=True))
    label = pick(section.title, section.version.survey.default_language) or section.code
    if codes:
        first = _(
            "The page %(code)s “%(title)s” is deleted with its %(n)s question(s): %(codes)s."
        ) % {"code": section.code, "title": label, "n": len(codes), "codes": ", ".join(codes)}
    else:
        first = _("The page %(code)s “%(title)s” is deleted; it has no questions.") % {
            "code": section.code,
            "title": label,
        }
    out = [first, *_version_consequences(section.version)]
    referring = _referring(section.version, set(codes), skip_section=section.code)
    if referring:
        out.append(
            _(
                "The conditions of %(places)s refer to questions of this page: the deletion is "
                "refused until they are changed."
            )
            % {"places": ", ".join(referring)}
        )
    return out


def survey_close_consequences(survey: Survey) -> list[str]:
    """What closing ``survey`` does, in sentences for the confirmation."""
    counts = response_counts(survey)
    out = [
        _(
            "The survey stops taking responses at once: its public link and every invitation "
            "link say that it is closed."
        )
    ]
    if counts["in_progress"]:
        out.append(
            _("%(n)s response(s) in progress can no longer be finished.")
            % {"n": counts["in_progress"]}
        )
    out.append(
        _(
            "The %(n)s complete response(s) and the results stay. You can open the survey "
            "again later."
        )
        % {"n": counts["complete"]}
    )
    return out


@dataclass
class CheckItem:
    """One line of the checklist shown before a survey opens."""

    label: str
    ok: bool
    details: list[str]
    blocking: bool = False  # the survey cannot open while this is not ok


def _missing_translations(survey: Survey) -> dict[str, list[str]]:
    """Language -> the texts that exist in the default language but not in it."""
    default = survey.default_language
    missing: dict[str, list[str]] = {c: [] for c in survey.languages if c != default}
    if not missing:
        return {}

    def check(texts: dict | None, name: str) -> None:
        texts = texts or {}
        if not (texts.get(default) or "").strip():
            return
        for code in missing:
            if not (texts.get(code) or "").strip():
                missing[code].append(name)

    for field, name in (
        ("title", _("survey title")),
        ("description", _("introduction")),
        ("privacy_notice", _("privacy notice")),
        ("thank_you", _("thank-you text")),
    ):
        check(getattr(survey, field), name)
    version = survey.current_version
    for section in Section.objects.filter(version=version).order_by("order", "id"):
        check(section.title, _("title of page %(code)s") % {"code": section.code})
        check(section.description, _("description of page %(code)s") % {"code": section.code})
    questions = Question.objects.filter(version=version).prefetch_related("choices")
    for question in questions.order_by("section__order", "order", "id"):
        where = {"code": question.code}
        check(question.text, _("question %(code)s") % where)
        check(question.hint, _("hint of question %(code)s") % where)
        check(question.scale_min_label, _("scale labels of question %(code)s") % where)
        check(question.scale_max_label, _("scale labels of question %(code)s") % where)
        for choice in question.choices.all():
            check(
                choice.label,
                _("choice %(choice)s of question %(code)s")
                % {"choice": choice.code, "code": question.code},
            )
    return {code: list(dict.fromkeys(names)) for code, names in missing.items() if names}


def survey_open_checklist(survey: Survey) -> list[CheckItem]:
    """What should hold before ``survey`` opens: the structure is complete (blocking), the
    privacy notice is complete, every language is translated and a test response was done."""
    from .services import definition as defs
    from .services.privacy import privacy_notice_missing

    items = []
    try:
        defs.check_ready(survey.current_version)
        problems: list[str] = []
    except ValidationError as error:
        problems = [
            f"{key}: {' '.join(msgs)}" if key != "__all__" else " ".join(msgs)
            for key, msgs in error.message_dict.items()
        ]
    items.append(
        CheckItem(_("Questions and conditions are complete"), not problems, problems, True)
    )
    missing = privacy_notice_missing(survey)
    items.append(
        CheckItem(
            _("Privacy notice completed"),
            not missing,
            [_("Missing: %(parts)s") % {"parts": ", ".join(missing)}] if missing else [],
        )
    )
    untranslated = _missing_translations(survey)
    details = []
    for code, names in untranslated.items():
        shown = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        details.append(
            _("%(language)s: %(n)s text(s) missing (%(names)s)")
            % {"language": language_name(code), "n": len(names), "names": shown}
        )
    items.append(CheckItem(_("All languages translated"), not untranslated, details))
    tested = Response.objects.filter(
        version=survey.current_version, is_test=True, status=Response.Status.COMPLETE
    ).exists()
    items.append(
        CheckItem(
            _("A test response was done"),
            tested,
            []
            if tested
            else [
                _(
                    "Nobody has answered version %(n)s in test mode to the end yet. A test "
                    "shows whether the pages, conditions and texts work as meant."
                )
                % {"n": survey.current_version.number}
            ],
        )
    )
    return items
