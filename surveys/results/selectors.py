"""Reads of the survey results that the pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ..models import Answer, Survey, SurveyVersion
from ..structure import get as get_structure
from . import reports, services


@dataclass
class FreeTextList:
    answers: QuerySet[Answer]
    small_group: bool  # the chosen group is too small: no answer of it is shown


def group_response_ids(version: SurveyVersion, by: str, group: str) -> QuerySet:
    """Responses of ``version`` in breakdown group ``group`` (a subquery)."""
    structure = get_structure(version)
    answers = Answer.objects.filter(response__version=version)
    if by.startswith("q:"):
        q = structure.questions[by[2:]]
        return answers.filter(question_id=q.id, choice=group).values("response_id")
    tgq = structure.target_group_question
    condition = Q(response__target_group__code=group)
    if tgq is not None:
        codes = [c.code for c in tgq.choices if c.target_group_code == group]
        condition |= Q(question_id=tgq.id, choice__in=codes)
    return answers.filter(condition).values("response_id")


def free_text_list(
    *,
    survey: Survey,
    version: SurveyVersion,
    code: str,
    by: str = "",
    group: str = "",
    search: str = "",
    field: str = "",
    untagged: bool = False,
) -> FreeTextList:
    """The free-text answers to question ``code``, newest first, filtered.

    Free text is never broken down for a group too small to publish (fewer respondents than the
    survey threshold of small-count protection), whoever asks: then no answer is listed and
    ``small_group`` is set. An unknown breakdown is refused (``ValidationError`` on ``by``).
    """
    structure = get_structure(version)
    q = structure.questions[code]
    answers = (
        services.free_text_answers(survey)
        .filter(question_id=q.id)
        .select_related("free_text_tag")
        .prefetch_related("free_text_tag__fields_of_action", "free_text_tag__target_groups")
        .order_by("-response__completed_at", "pk")
    )
    if search:
        answers = answers.filter(value_text__icontains=search)
    small_group = False
    if by and group:
        if by not in {b.name for b in reports.breakdowns(version, structure)}:
            raise ValidationError({"by": [_("Unknown breakdown %(by)s.") % {"by": by}]})
        result = reports.question_result(version, code, breakdown=by, suppress=True)
        sizes = {g["code"]: g.get("n", g.get("total")) for g in result.get("groups", [])}
        if not sizes.get(group):
            small_group = True
            answers = answers.none()
        else:
            answers = answers.filter(response_id__in=group_response_ids(version, by, group))
    if field:
        answers = answers.filter(free_text_tag__fields_of_action__code=field)
    if untagged:
        answers = answers.filter(free_text_tag__isnull=True)
    return FreeTextList(answers, small_group)
