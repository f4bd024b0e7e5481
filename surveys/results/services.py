"""Writes of the survey results that views and the API call: export jobs, free-text tagging,
free text into the input pool, publication, rebuild requests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import require_perm
from participation.models import FieldOfAction, TargetGroup
from participation.services import statement_create

from ..models import Answer, Response, Survey
from .models import ExportJob, FreeTextTag, QuestionTopic, ResultsPublication


def _require(user, perm: str, survey: Survey) -> None:
    if user is not None:
        require_perm(user, perm, survey)


@transaction.atomic
def export_job_create(
    *, survey: Survey, user, format: str, labels: bool = False, suppressed: bool = False
) -> ExportJob:
    """Queue an export; the file is built by a Celery task (``surveys.build_export``)."""
    _require(user, "surveys.export_results", survey)
    if format not in ExportJob.Format.values:
        raise ValidationError(
            {"format": [_("Unknown format %(format)s.") % {"format": format}]}, code="invalid"
        )
    if survey.current_version_id is None:
        raise ValidationError({"format": [_("The survey has no questions yet.")]})
    job = ExportJob.objects.create(
        survey=survey,
        format=format,
        labels=bool(labels),
        suppressed=bool(suppressed),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    from .tasks import build_export

    build_export.delay_on_commit(job.pk)
    return job


def results_response_completed(*, response: Response) -> None:
    """Count a completed response into the stored results.

    Every service that completes a response calls this. The count runs in a worker
    (``surveys.aggregate_response``), queued when the surrounding transaction commits; test
    responses and unfinished ones are never counted.
    """
    if response.is_test or response.status != Response.Status.COMPLETE:
        return
    from .tasks import aggregate_response

    aggregate_response.delay_on_commit(response.pk)


def free_text_answers(survey: Survey):
    """Answers that are free text: text questions and "other, please specify" texts."""
    return Answer.objects.filter(
        response__survey=survey, response__is_test=False, response__status="complete"
    ).exclude(value_text="")


@transaction.atomic
def free_text_tag(
    *,
    answer: Answer,
    user,
    fields_of_action: list[FieldOfAction],
    target_groups: list[TargetGroup],
) -> FreeTextTag:
    """Set the fields of action and target groups of one free-text answer (replaces them)."""
    survey = answer.response.survey
    _require(user, "surveys.tag_free_text", survey)
    if not answer.value_text:
        raise ValidationError({"answer": [_("Only free-text answers can be tagged.")]})
    tag, _created = FreeTextTag.objects.get_or_create(answer=answer)
    tag.tagged_by = user if getattr(user, "is_authenticated", False) else None
    tag.save()
    tag.fields_of_action.set(fields_of_action)
    tag.target_groups.set(target_groups)
    return tag


def free_text_to_statement(*, answer: Answer, user, kind: str = "other"):
    """Turn a tagged free-text answer into a Statement of the input pool, keeping the
    link both ways: the Statement's generic source is the answer, the tag stores the Statement.

    Goes through ``participation.services.statement_create`` (the one door into the pool).
    Doing it twice returns the same Statement.
    """
    survey = answer.response.survey
    _require(user, "surveys.tag_free_text", survey)
    with transaction.atomic():
        tag, _created = FreeTextTag.objects.select_for_update().get_or_create(answer=answer)
        if tag.statement_id:
            return tag.statement_id
        statement = statement_create(
            process=survey.process,
            text=answer.value_text,
            kind=kind,
            source=answer,
            source_label=_("Survey “%(survey)s”, question %(code)s")
            % {"survey": survey, "code": answer.question.code},
            fields_of_action=list(tag.fields_of_action.all()),
            target_groups=list(tag.target_groups.all()),
            author=user,
        )
        tag.statement = statement
        tag.tagged_by = user if getattr(user, "is_authenticated", False) else None
        tag.save()
        return statement.pk


@transaction.atomic
def results_publication_set(*, survey: Survey, user, public: bool) -> ResultsPublication:
    _require(user, "surveys.export_results", survey)
    publication, _created = ResultsPublication.objects.get_or_create(survey=survey)
    publication.public = bool(public)
    publication.save()
    return publication


def results_rebuild_request(*, survey: Survey, user) -> None:
    """Queue a rebuild of the survey's current version (staff)."""
    _require(user, "surveys.export_results", survey)
    from .tasks import rebuild_results

    for version_id in survey.versions.values_list("pk", flat=True):
        rebuild_results.delay_on_commit(version_id)


@transaction.atomic
def question_topic_set(
    *, survey, user, question: str, fields_of_action: list[FieldOfAction]
) -> QuestionTopic | None:
    """Tag a question (by code) with the fields of action it speaks to; an empty list removes
    the tag. Workshop briefing packs show the figures of tagged questions."""
    _require(user, "surveys.tag_free_text", survey)
    version = survey.current_version
    if version is None or not version.questions.filter(code=question).exists():
        raise ValidationError(
            {"question": [_("The survey has no question %(code)s.") % {"code": question}]}
        )
    allowed = set(survey.process.fields_of_action.values_list("pk", flat=True))
    if any(f.pk not in allowed for f in fields_of_action):
        raise ValidationError(
            {"fields_of_action": [_("The process does not use this field of action.")]}
        )
    if not fields_of_action:
        QuestionTopic.objects.filter(survey=survey, question=question).delete()
        return None
    topic, _created = QuestionTopic.objects.get_or_create(survey=survey, question=question)
    topic.fields_of_action.set(fields_of_action)
    return topic
