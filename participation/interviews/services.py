"""Writes for interviews, the interview guide, the code system and coding.

Every coded passage is also a Statement (``participation.services.statement_create``).
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.permissions import require_perm

from .. import services as core
from ..models import (
    Code,
    CodedPassage,
    FieldOfAction,
    GuideQuestion,
    Interview,
    Process,
    Statement,
    TargetGroup,
)

# --- interview guide ----------------------------------------------------------------------


@transaction.atomic
def guide_question_save(
    *, process: Process, user, question: GuideQuestion | None = None, **data: Any
) -> GuideQuestion:
    """Create or update a question; without ``order`` a new question goes last."""
    question = question or GuideQuestion(process=process)
    if question.process_id != process.pk:
        raise ValidationError(_("The question belongs to another process."))
    if data.get("order") in (None, ""):
        if question.pk is None:
            last = process.guide_questions.aggregate(m=models.Max("order"))["m"]
            data["order"] = 1 if last is None else last + 1
        else:
            data.pop("order", None)
    if (
        "order" in data
        and GuideQuestion.objects.filter(process=process, order=data["order"])
        .exclude(pk=question.pk)
        .exists()
    ):
        raise ValidationError({"order": [_("Another question of the guide has this position.")]})
    core._save(question, data)
    core.audit_log(actor=user, action="guide_question.save", obj=question, process=process)
    return question


@transaction.atomic
def guide_question_delete(*, question: GuideQuestion, user) -> None:
    core.audit_log(
        actor=user, action="guide_question.delete", obj=question, process=question.process
    )
    question.delete()


# --- interviews ---------------------------------------------------------------------------


def _check_facilitator(process: Process, facilitator) -> None:
    from ..models import ProcessMembership

    if not ProcessMembership.objects.filter(
        process=process,
        user=facilitator,
        role__in=[ProcessMembership.Role.FACILITATOR, ProcessMembership.Role.STAFF],
    ).exists():
        raise ValidationError(
            {"facilitator": [_("The facilitator must be staff or facilitator in this process.")]}
        )


def _check_assignment(process: Process, user, interview: Interview, data: dict) -> None:
    if user.has_perm("participation.manage_interviews", process):
        return
    if interview.pk is None:
        if data.get("facilitator") != user:
            raise PermissionDenied(_("Facilitators record only their own interviews."))
        return
    # Compared with the stored row: a bound form has already copied its data onto the instance.
    stored = Interview.objects.filter(pk=interview.pk).values_list("facilitator_id", flat=True)
    if "facilitator" in data and getattr(data["facilitator"], "pk", None) != stored.first():
        raise PermissionDenied(_("Only project staff assign interviews."))


@transaction.atomic
def interview_save(
    *, process: Process, user, interview: Interview | None = None, **data: Any
) -> Interview:
    """Create or update an interview.

    Facilitators record only their own interviews, and only those who manage interviews assign
    them to someone else (``PermissionDenied``). Refuses a transcript without recorded consent
    (date and scope), a person together with a pseudonym, a facilitator outside the process, a
    newly linked interviewee who is erased or not a contact of the process, catalogue entries
    the process does not use, and any change of the transcript text once passages of it are
    coded (their offsets would no longer fit).
    """
    interview = interview or Interview(process=process)
    if interview.process_id != process.pk:
        raise ValidationError(_("The interview belongs to another process."))
    if user is not None:
        _check_assignment(process, user, interview, data)
    if "facilitator" in data:
        _check_facilitator(process, data["facilitator"])
    if data.get("interviewee") is not None:
        _check_interviewee(process, interview, data["interviewee"])
    if "transcript" in data:
        from .transcripts import normalise

        data["transcript"] = normalise(data["transcript"] or "")
        if (
            interview.pk
            and data["transcript"] != interview.transcript
            and interview.passages.exists()
        ):
            raise ValidationError(
                {
                    "transcript": [
                        _(
                            "The transcript cannot be changed while passages of it are coded. "
                            "Delete the coded passages first."
                        )
                    ]
                }
            )
    consent_date = data.get("consent_given_on", interview.consent_given_on)
    transcript = data.get("transcript", interview.transcript)
    if transcript and not consent_date:
        raise ValidationError(
            {
                "transcript": [
                    _(
                        "A transcript can only be stored once the interviewee's consent is "
                        "recorded. Enter the date and scope of consent first."
                    )
                ]
            }
        )
    if "target_group" in data and data["target_group"] is not None:
        core._catalogue_ids(process, [data["target_group"]], TargetGroup, "target_groups")
    if "fields_of_action" in data:
        data["fields_of_action"] = core._catalogue_ids(
            process, data["fields_of_action"], FieldOfAction, "fields_of_action"
        )
    core._save(interview, data, m2m=("fields_of_action",))
    core.audit_log(
        actor=user,
        action="interview.save",
        obj=interview,
        process=process,
        fields=sorted(data),
    )
    return interview


def _check_interviewee(process: Process, interview: Interview, person) -> None:
    # An interview that already names this person keeps it (the person may have been erased
    # since, the pseudonym label stays valid); a new link must be to a living contact of the
    # process, else staff could attach another county's directory entries by id.
    if interview.pk and interview.interviewee_id == person.pk:
        return
    if person.is_erased:
        raise ValidationError(
            {"interviewee": [_("This person was erased and cannot be linked to an interview.")]}
        )
    if not person.processes.filter(pk=process.pk).exists():
        raise ValidationError(
            {"interviewee": [_("This person is not a contact of the interview's process.")]}
        )


@transaction.atomic
def interview_delete(*, interview: Interview, user) -> None:
    """Delete an interview with its coded passages and their statements."""
    for passage in interview.passages.all():
        core.statement_delete_for_source(source=passage)
    core.audit_log(actor=user, action="interview.delete", obj=interview, process=interview.process)
    interview.delete()


# --- code system --------------------------------------------------------------------------


@transaction.atomic
def code_system_seed(*, process: Process, user) -> list[Code]:
    """One top-level code per field of action of the process; existing codes stay untouched."""
    created = []
    for order, field in enumerate(process.fields_of_action.all(), start=1):
        code, was_created = Code.objects.get_or_create(
            process=process,
            parent=None,
            name=field.name,
            defaults={"field_of_action": field, "order": order},
        )
        if was_created:
            created.append(code)
    if created:
        core.audit_log(
            actor=user, action="code_system.seed", obj=process, process=process, count=len(created)
        )
    return created


@transaction.atomic
def code_save(*, process: Process, user, code: Code | None = None, **data: Any) -> Code:
    """Create or update a code. A parent must belong to the process and not be the code itself
    or one of its descendants; a child without a field of action inherits its parent's."""
    code = code or Code(process=process)
    if code.process_id != process.pk:
        raise ValidationError(_("The code belongs to another process."))
    parent = data.get("parent", code.parent)
    if parent is not None:
        if parent.process_id != process.pk:
            raise ValidationError({"parent": [_("The parent code belongs to another process.")]})
        ancestor = parent
        while ancestor is not None:
            if code.pk and ancestor.pk == code.pk:
                raise ValidationError(
                    {"parent": [_("A code cannot be placed below itself or its own sub-codes.")]}
                )
            ancestor = ancestor.parent
        if data.get("field_of_action") is None and "field_of_action" in data:
            data["field_of_action"] = parent.field_of_action
    if data.get("field_of_action") is not None:
        core._catalogue_ids(process, [data["field_of_action"]], FieldOfAction, "fields_of_action")
    if (
        Code.objects.filter(process=process, parent=parent, name=data.get("name", code.name))
        .exclude(pk=code.pk)
        .exists()
    ):
        raise ValidationError({"name": [_("A code with this name exists at this place already.")]})
    core._save(code, data)
    core.audit_log(actor=user, action="code.save", obj=code, process=process)
    return code


@transaction.atomic
def code_delete(*, code: Code, user) -> None:
    """Delete a code that has neither sub-codes nor coded passages."""
    if code.children.exists():
        raise ValidationError(_("Delete or move the sub-codes first."))
    if code.passages.exists():
        raise ValidationError(_("This code is used for coded passages and cannot be deleted."))
    core.audit_log(actor=user, action="code.delete", obj=code, process=code.process)
    code.delete()


# --- coding -------------------------------------------------------------------------------


@transaction.atomic
def passage_code(
    *,
    interview: Interview,
    user,
    start: int,
    end: int,
    codes: Iterable[Code],
    memo: str = "",
    kind: str = Statement.Kind.OTHER,
) -> CodedPassage:
    """Code the transcript passage ``[start, end)`` with ``codes`` and add it as a Statement.

    Offsets are character positions in ``interview.transcript`` (surrounding whitespace is
    trimmed). The Statement gets the interview's target group and the fields of action of the
    codes (or, when no code has one, those of the interview), the facilitator as author and a
    pseudonymised source label. Refuses users who may not code the interview.
    """
    require_perm(
        user,
        "participation.code_interview",
        interview,
        message=_("You may only code interviews assigned to you."),
    )
    codes = list(codes)
    errors: dict[str, list[str]] = {}
    text = interview.transcript
    if not text:
        raise ValidationError(_("This interview has no transcript to code yet."))
    if not codes:
        errors["codes"] = [_("Choose at least one code.")]
    elif any(code.process_id != interview.process_id for code in codes):
        errors["codes"] = [_("Every code must belong to the interview's process.")]
    if start is None or end is None or start < 0 or end > len(text) or end <= start:
        errors["end"] = [
            _(
                "Choose a passage inside the transcript: start %(start)s and end %(end)s must "
                "lie between 0 and %(length)s, and the end after the start."
            )
            % {"start": start, "end": end, "length": len(text)}
        ]
    if kind not in Statement.Kind.values:
        errors["kind"] = [_("Unknown kind %(kind)s.") % {"kind": kind}]
    if errors:
        raise ValidationError(errors)
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    start, end = start + lead, end - trail
    if end <= start:
        raise ValidationError({"end": [_("The chosen passage holds only white space.")]})
    passage = CodedPassage(
        interview=interview,
        start=start,
        end=end,
        text=text[start:end],
        memo=memo.strip(),
        coded_by=user,
    )
    passage.full_clean()
    passage.save()
    passage.codes.set(codes)
    fields = {c.field_of_action_id for c in codes if c.field_of_action_id}
    if not fields:
        fields = set(interview.fields_of_action.values_list("pk", flat=True))
    core.statement_create(
        process=interview.process,
        text=passage.text,
        kind=kind,
        source=passage,
        source_label=passage.source_label,
        fields_of_action=fields,
        target_groups=[interview.target_group_id] if interview.target_group_id else [],
        author=user,
    )
    core.audit_log(
        actor=user,
        action="passage.code",
        obj=passage,
        process=interview.process,
        codes=[c.pk for c in codes],
    )
    return passage


@transaction.atomic
def passage_delete(*, passage: CodedPassage, user) -> None:
    """Remove a coded passage and the statement it produced."""
    require_perm(
        user,
        "participation.code_interview",
        passage.interview,
        message=_("You may only code interviews assigned to you."),
    )
    core.statement_delete_for_source(source=passage)
    core.audit_log(
        actor=user, action="passage.delete", obj=passage, process=passage.interview.process
    )
    passage.delete()
