"""Writes for answering: starting, saving page by page, completing, and whole submissions.

What callers may rely on:

* One response per invitation: ``response_start`` with an invitation returns the response that
  invitation already has (not anonymised) or refuses a completed invitation.
* Saving a page replaces that page's answers, so submitting the same page twice (a network
  retry, a double click) stores the same thing once. Answers of questions that are hidden by
  the logic are never stored (and are removed when an earlier change hides them).
* ``response_submit`` (the API) is idempotent on the client-generated ``client_id``: a retried
  request never creates a second response; a retry of a completed response changes nothing.
* Anonymised surveys: the response never refers to the invitation (see models); the invitation
  only learns that it was completed, to the day. The response's own times (started, consent,
  updated, completed) are kept to the day too, so that no exact time matches an invitation's
  (opened, completed) or a log line. A response started through a personal link
  (``via_invitation``) completes only with that invitation (page forms: the browser's signed
  cookie; API: the token), which is then marked completed: one link, at most one complete
  response.
* A survey that is closed (or not open) takes no page, whole response or completion, through
  the pages or the API; test responses excepted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require_perm

from .. import expressions
from ..answering.values import (
    AnswerError,
    Cleaned,
    check_choice_filter,
    check_constraint,
    clean,
    raw_from_rows,
)
from ..models import Answer, Invitation, Response, Survey
from ..results.services import (
    results_outbox_sql,
    results_outbox_written,
    results_response_completed,
)
from ..structure import Structure
from ..structure import get as get_structure

RESUME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SurveyUnavailable(Exception):
    """The survey cannot be answered now (closed, not yet open, draft) or the link is used up."""

    def __init__(self, message: str, code: str):
        self.message = message
        self.code = code
        super().__init__(message)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.strip().upper().replace("-", "").encode()).hexdigest()


def new_resume_code() -> str:
    raw = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def survey_availability(survey: Survey, *, now: datetime | None = None) -> None:
    """Raise ``SurveyUnavailable`` unless respondents may answer ``survey`` now."""
    now = now or timezone.now()
    if survey.status == Survey.Status.DRAFT:
        raise SurveyUnavailable(_("This survey is not open yet."), "not_open")
    if survey.status == Survey.Status.CLOSED or (survey.closes_at and now >= survey.closes_at):
        raise SurveyUnavailable(_("This survey is closed. Thank you for your interest."), "closed")
    if survey.opens_at and now < survey.opens_at:
        raise SurveyUnavailable(
            _("This survey opens on %(date)s.")
            % {"date": timezone.localtime(survey.opens_at).strftime("%d.%m.%Y %H:%M")},
            "not_open",
        )


def response_admission(
    *, survey: Survey, user, invitation: Invitation | None = None, test: bool = False
) -> None:
    """Who may answer ``survey`` with which credential: the one rule for the respondent pages
    and the API.

    - A test answer needs the right ``surveys.test_survey`` (``PermissionDenied``).
    - An invitation answers only its own survey (``ValidationError`` on ``token``, ``invalid``).
    - A survey by invitation takes no answer without one, except a test (``ValidationError`` on
      ``token``, code ``invitation_required``). A public survey takes anyone's answer.
    """
    if test:
        require_perm(user, "surveys.test_survey", survey)
    if invitation is not None:
        if invitation.survey_id != survey.pk:
            raise ValidationError(
                {"token": ValidationError(_("This invitation token is not valid."), "invalid")}
            )
        return
    if survey.access_mode == Survey.AccessMode.INVITATION and not test:
        raise ValidationError(
            {
                "token": ValidationError(
                    _("This survey needs a personal invitation token."), "invitation_required"
                )
            }
        )


def day_of(now: datetime) -> datetime:
    """Midnight (local time) of ``now``'s day: the only time an anonymised response keeps."""
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time(0, 0)))


def _stamp(anonymised: bool, now: datetime) -> datetime:
    return day_of(now) if anonymised else now


def _language(survey: Survey, language: str | None) -> str:
    return language if language in survey.languages else survey.default_language


def _build_response(
    survey: Survey,
    *,
    language: str | None,
    invitation: Invitation | None,
    is_test: bool,
    consent: bool,
    now: datetime,
    client_id: uuid.UUID | None = None,
    resumable: bool = True,
) -> tuple[Response, str | None]:
    """A new response (not saved) and its resume code; ``resumable=False`` (a response that
    is complete at once) gets none."""
    now = _stamp(survey.anonymised, now)
    response = Response(
        survey=survey,
        version_id=survey.current_version_id,
        language=_language(survey, language),
        is_test=is_test,
        anonymised=survey.anonymised,
        via_invitation=invitation is not None and survey.anonymised,
        started_at=now,
        updated_at=now,
        consent_at=now if consent else None,
    )
    if client_id is not None:
        response.client_id = client_id
    code = None
    if invitation is not None and not survey.anonymised:
        response.invitation = invitation
        response.target_group_id = invitation.target_group_id
        response.attributes = {
            **({"organisation": invitation.organisation} if invitation.organisation else {}),
            **invitation.attributes,
        }
    elif resumable:
        code = new_resume_code()
        response.resume_code_hash = hash_secret(code)
    return response, code


def _lock_invitation(survey: Survey, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.survey_id != survey.pk:
        raise SurveyUnavailable(_("This link belongs to another survey."), "wrong_survey")
    if invitation.completed_at:
        raise SurveyUnavailable(
            _("You have already completed this survey. Thank you!"), "completed"
        )
    return invitation


@transaction.atomic
def response_start(
    *,
    survey: Survey,
    language: str | None,
    invitation: Invitation | None = None,
    is_test: bool = False,
    consent: bool = True,
) -> tuple[Response, str | None]:
    """Start (or, for an invitation that has one, return) a response.

    Returns ``(response, resume_code)``; the resume code is shown once to respondents whose
    response is not tied to a personal link (public or anonymised surveys), else ``None``.
    """
    if not is_test:
        survey_availability(survey)
    now = timezone.now()
    if invitation is not None:
        invitation = _lock_invitation(survey, invitation)
        if not survey.anonymised:
            existing = Response.objects.filter(invitation=invitation).first()
            if existing is not None:
                return existing, None
            invitation.started_at = invitation.started_at or now
            invitation.save(update_fields=["started_at"])
    response, code = _build_response(
        survey, language=language, invitation=invitation, is_test=is_test, consent=consent, now=now
    )
    response.save()
    return response, code


def response_by_resume_code(*, survey: Survey, code: str) -> Response | None:
    if not code or len(code) > 40:
        return None
    return Response.objects.filter(
        survey=survey, resume_code_hash=hash_secret(code), status=Response.Status.IN_PROGRESS
    ).first()


# --- evaluating a response ----------------------------------------------------------------


@dataclass
class ResponseState:
    """A response's stored answers as raw values, and the visibility they imply."""

    structure: Structure
    raw: dict = field(default_factory=dict)  # code -> raw value
    other: dict = field(default_factory=dict)  # code -> other text
    values: dict = field(default_factory=dict)  # code -> condition value (visible only)

    def recompute(self, language: str = "de") -> set[str]:
        """Recompute ``values`` in question order; returns codes of answered hidden questions."""
        self.values = {}
        hidden_answered = set()
        for section in self.structure.sections:
            for q in section.questions:
                if not self.structure.is_visible(q, self.values):
                    if q.code in self.raw:
                        hidden_answered.add(q.code)
                    continue
                if q.code in self.raw:
                    try:
                        self.values[q.code] = clean(
                            q, self.raw[q.code], self.other.get(q.code, ""), language
                        ).value
                    except AnswerError:
                        self.values[q.code] = ""
        return hidden_answered

    def visible_sections(self):
        return self.structure.visible_sections(self.values)


def load_state(response: Response, structure: Structure | None = None) -> ResponseState:
    structure = structure or get_structure(response.version)
    by_question: dict[int, list[tuple]] = {}
    for row in Answer.objects.filter(response=response).values_list(
        "question_id", "row", "choice", "value_text", "value_number", "value_date"
    ):
        by_question.setdefault(row[0], []).append(row[1:])
    state = ResponseState(structure=structure)
    for question_id, rows in by_question.items():
        q = structure.question_by_id(question_id)
        if q is None:
            continue
        raw, other = raw_from_rows(q, rows)
        state.raw[q.code] = raw
        if other:
            state.other[q.code] = other
    state.recompute(response.language)
    return state


@dataclass
class PageResult:
    errors: dict[str, AnswerError]
    next_section: str | None  # None: the last visible page was submitted
    newly_shown: list[str]
    state: ResponseState


def _clean_questions(
    state: ResponseState,
    questions,
    data: dict,
    *,
    language: str,
    require: bool,
) -> tuple[dict[str, Cleaned], dict[str, AnswerError]]:
    """Validate ``data`` for ``questions`` (in order), updating ``state`` as it goes."""
    cleaned: dict[str, Cleaned] = {}
    errors: dict[str, AnswerError] = {}
    for q in questions:
        if not q.qtype.answered:
            continue
        raw = data.get(q.code)
        other = data.get(f"{q.code}_other", "")
        state.raw.pop(q.code, None)
        state.other.pop(q.code, None)
        if not state.structure.is_visible(q, state.values):
            state.values.pop(q.code, None)
            continue
        try:
            result = clean(q, raw, other, language)
            check_constraint(q, result, state.values, language)
            check_choice_filter(q, result, state.values, language)
        except AnswerError as exc:
            errors[q.code] = exc
            state.values.pop(q.code, None)
            continue
        if not result.answered:
            state.values.pop(q.code, None)
            if require and q.required:
                errors[q.code] = AnswerError(_("Please answer this question."), "required")
            continue
        cleaned[q.code] = result
        state.raw[q.code] = raw
        if other and any(row[1] == "other" for row in result.rows):
            state.other[q.code] = other
        state.values[q.code] = result.value
    return cleaned, errors


def validate_answers(
    structure: Structure, answers: dict, *, language: str, require: bool = True
) -> tuple[dict[str, Cleaned], dict[str, AnswerError], ResponseState]:
    """Validate a whole response in memory (visibility in question order, required, types)."""
    state = ResponseState(structure=structure)
    cleaned: dict[str, Cleaned] = {}
    errors: dict[str, AnswerError] = {}
    for sdef in structure.sections:
        if sdef.relevant_tree is not None and not expressions.evaluate(
            sdef.relevant_tree, state.values
        ):
            continue
        c, e = _clean_questions(state, sdef.questions, answers, language=language, require=require)
        cleaned.update(c)
        errors.update(e)
    return cleaned, errors, state


def answer_rows(
    response_id: int, structure: Structure, cleaned: dict[str, Cleaned]
) -> list[Answer]:
    rows = []
    for code, result in cleaned.items():
        question_id = structure.questions[code].id
        for row, choice, text, number, value_date in result.rows:
            rows.append(
                Answer(
                    response_id=response_id,
                    question_id=question_id,
                    row=row,
                    choice=choice,
                    value_text=text,
                    value_number=number,
                    value_date=value_date,
                )
            )
    return rows


def _remove_hidden(response: Response, state: ResponseState) -> None:
    hidden = state.recompute(response.language)
    if hidden:
        ids = [state.structure.questions[code].id for code in hidden]
        Answer.objects.filter(response=response, question_id__in=ids).delete()
        for code in hidden:
            state.raw.pop(code, None)
            state.other.pop(code, None)


def _ensure_in_progress(response: Response) -> None:
    if response.status == Response.Status.COMPLETE:
        raise SurveyUnavailable(_("This response is already complete."), "completed")


@transaction.atomic
def response_save_page(
    *,
    response: Response,
    section_code: str,
    data: dict,
    shown: set[str] | None = None,
    require: bool = True,
    language: str | None = None,
) -> PageResult:
    """Save one page. Valid answers are stored even when others on the page have errors (so
    nothing typed is lost); the caller moves on only when ``errors`` is empty.

    ``shown``: the codes that were displayed on the page. A question that becomes visible
    through this page's answers, was not displayed and is unanswered keeps the respondent on
    the page (``newly_shown``) so they can see it (the page without JavaScript).
    ``require=False`` (going back) skips the required check.
    """
    response = Response.objects.select_for_update().get(pk=response.pk)
    _ensure_in_progress(response)
    if language:
        response.language = _language(response.survey, language)
    state = load_state(response)
    section = state.structure.section(section_code)
    if section is None:
        raise ValidationError({"section": [_("Unknown page %(code)s.") % {"code": section_code}]})
    cleaned, errors = _clean_questions(
        state, section.questions, data, language=response.language, require=require
    )
    ids = [q.id for q in section.questions]
    Answer.objects.filter(response=response, question_id__in=ids).delete()
    Answer.objects.bulk_create(answer_rows(response.pk, state.structure, cleaned))
    _remove_hidden(response, state)
    newly_shown = []
    if shown is not None:
        newly_shown = [
            q.code
            for q in section.questions
            if q.qtype.answered
            and q.code not in shown
            and q.code not in state.raw
            and state.structure.is_visible(q, state.values)
        ]
        for code in newly_shown:
            errors.pop(code, None)
    visible = [s.code for s in state.visible_sections()]
    next_section = None
    if section_code in visible:
        index = visible.index(section_code)
        next_section = visible[index + 1] if index + 1 < len(visible) else None
    elif visible:
        next_section = visible[0]
    response.current_section = (
        section_code if (errors or newly_shown) else (next_section or section_code)
    )
    response.updated_at = _stamp(response.anonymised, timezone.now())
    response.save(update_fields=["current_section", "updated_at", "language"])
    return PageResult(
        errors=errors, next_section=next_section, newly_shown=newly_shown, state=state
    )


def missing_required(state: ResponseState) -> list[tuple[str, str]]:
    """``(section code, question code)`` of visible required questions without an answer."""
    missing = []
    for section in state.visible_sections():
        for q in section.questions:
            if (
                q.required
                and q.qtype.answered
                and q.code not in state.raw
                and state.structure.is_visible(q, state.values)
            ):
                missing.append((section.code, q.code))
    return missing


def _mark_invitation_completed(survey: Survey, invitation_id: int | None, now: datetime) -> None:
    if invitation_id is None:
        return
    invitation = (
        Invitation.objects.select_for_update().filter(pk=invitation_id, survey=survey).first()
    )
    if invitation is None:
        return
    if invitation.completed_at:
        raise SurveyUnavailable(
            _("You have already completed this survey. Thank you!"), "completed"
        )
    if survey.anonymised:
        # Only the day: an exact time could be matched against the response's completion time.
        now = day_of(now)
    invitation.completed_at = now
    invitation.save(update_fields=["completed_at"])


@transaction.atomic
def response_complete(
    *, response: Response, anonymous_invitation_id: int | None = None
) -> Response:
    """Complete a response after checking every visible required question is answered.

    ``anonymous_invitation_id``: in an anonymised survey answered through a personal link, the
    invitation to mark completed (it is held by the caller: the browser's cookie, the API
    request's token; never stored on the response). A response started through a personal link
    does not complete without it (``SurveyUnavailable``, code ``link_needed``), nor when that
    invitation is completed already. Completing twice is a no-op.
    """
    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    if response.status == Response.Status.COMPLETE:
        return response
    if not response.is_test:
        survey_availability(response.survey)
    if response.via_invitation and anonymous_invitation_id is None:
        raise SurveyUnavailable(
            _("Please open the personal link from your email again to finish this survey."),
            "link_needed",
        )
    state = load_state(response)
    _remove_hidden(response, state)
    missing = missing_required(state)
    if missing:
        raise ValidationError(
            {f"answers.{code}": [_("Please answer this question.")] for _section, code in missing},
            code="required",
        )
    now = timezone.now()
    _mark_invitation_completed(
        response.survey,
        response.invitation_id if not response.anonymised else anonymous_invitation_id,
        now,
    )
    now = _stamp(response.anonymised, now)
    response.status = Response.Status.COMPLETE
    response.completed_at = now
    response.updated_at = now
    response.current_section = ""
    response.resume_code_hash = None
    response.save(
        update_fields=[
            "status",
            "completed_at",
            "updated_at",
            "current_section",
            "resume_code_hash",
        ]
    )
    results_response_completed(response=response)
    return response


# --- API: a page or the whole response in one request -------------------------------------


@dataclass
class SubmitResult:
    response: Response
    created: bool
    next_section: str | None
    resume_code: str | None = None


def _error_dict(errors: dict[str, AnswerError]) -> ValidationError:
    return ValidationError(
        {f"answers.{code}": [ValidationError(e.message, code=e.code)] for code, e in errors.items()}
    )


def response_submit(
    *,
    survey: Survey,
    client_id: uuid.UUID,
    answers: dict,
    language: str | None = None,
    section: str | None = None,
    complete: bool = True,
    invitation: Invitation | None = None,
    is_test: bool = False,
) -> SubmitResult:
    """Submit a page (``section``) or the whole response (``section=None``).

    Everything is validated before anything is written; errors are keyed
    ``answers.<question code>``. Retrying with the same ``client_id`` never creates a second
    response, and a retry after completion returns the completed response unchanged.
    """
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Expected an object {question code: answer}.")]})
    if section is not None or not complete:
        # Page by page: the response usually exists already, so look first.
        existing = Response.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _submit_existing(
                existing, survey, answers, section, complete, language, invitation
            )
    if not is_test:
        survey_availability(survey)
    if invitation is not None:
        if invitation.completed_at:
            raise SurveyUnavailable(
                _("You have already completed this survey. Thank you!"), "completed"
            )
        if not survey.anonymised and Response.objects.filter(invitation=invitation).exists():
            existing = Response.objects.filter(client_id=client_id).first()
            if existing is not None:
                return _submit_existing(
                    existing, survey, answers, section, complete, language, invitation
                )
            raise ValidationError(
                {"token": [_("This invitation already has a response; use its client id.")]}
            )
    structure = get_structure(survey.current_version)
    language = _language(survey, language)
    state = ResponseState(structure=structure)
    _check_keys(structure, answers)
    sections = structure.sections if section is None else [_section_or_error(structure, section)]
    cleaned: dict[str, Cleaned] = {}
    errors: dict[str, AnswerError] = {}
    for sdef in sections:
        if sdef.relevant_tree is not None and not expressions.evaluate(
            sdef.relevant_tree, state.values
        ):
            continue
        c, e = _clean_questions(state, sdef.questions, answers, language=language, require=True)
        cleaned.update(c)
        errors.update(e)
    if complete and section is not None:
        missing = missing_required(state)
        errors.update(
            {
                code: AnswerError(_("Please answer this question."), "required")
                for _s, code in missing
            }
        )
    if errors:
        if section is None and complete:
            # A retry of a response stored earlier is answered from what was stored.
            existing = Response.objects.filter(client_id=client_id).first()
            if existing is not None:
                return _submit_existing(
                    existing, survey, answers, section, complete, language, invitation
                )
        raise _error_dict(errors)
    now = timezone.now()
    next_section = _next_after(state, section)
    try:
        if invitation is None and connection.vendor == "postgresql":
            response, resume_code = _build_response(
                survey,
                language=language,
                invitation=None,
                is_test=is_test,
                consent=True,
                now=now,
                client_id=client_id,
                resumable=not complete,
            )
            _finish_new(response, complete, next_section, now)
            rows = [
                (structure.questions[code].id, *row)
                for code, result in cleaned.items()
                for row in result.rows
            ]
            # One statement stores the response, its answers and, when it is counted, its
            # entry in the results outbox: atomic on its own. Inside a caller's transaction
            # it runs in a savepoint, so that a duplicate client id does not abort that one.
            counted = complete and not is_test
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                _insert_with_answers(response, rows, outbox=counted)
            if complete:
                resume_code = None
            if counted:
                results_outbox_written(response=response)
        else:
            with transaction.atomic():
                if invitation is not None:
                    invitation = _lock_invitation(survey, invitation)
                    if not survey.anonymised:
                        invitation.started_at = invitation.started_at or now
                        invitation.save(update_fields=["started_at"])
                response, resume_code = _build_response(
                    survey,
                    language=language,
                    invitation=invitation,
                    is_test=is_test,
                    consent=True,
                    now=now,
                    client_id=client_id,
                )
                if complete:
                    _mark_invitation_completed(
                        survey, invitation.pk if invitation is not None else None, now
                    )
                    resume_code = None
                _finish_new(response, complete, next_section, now)
                response.save(force_insert=True)
                Answer.objects.bulk_create(answer_rows(response.pk, structure, cleaned))
                results_response_completed(response=response)
    except IntegrityError:
        # The client id exists: a retry, or a concurrent retry that won the race.
        existing = Response.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _submit_existing(existing, survey, answers, section, complete, language, invitation)
    return SubmitResult(response, True, None if complete else next_section, resume_code)


def _finish_new(response: Response, complete: bool, next_section: str | None, now) -> None:
    if complete:
        response.status = Response.Status.COMPLETE
        response.completed_at = _stamp(response.anonymised, now)
        response.resume_code_hash = None
    else:
        response.current_section = next_section or ""


def _submit_existing(
    existing: Response, survey: Survey, answers: dict, section, complete, language, invitation
) -> SubmitResult:
    if existing.survey_id != survey.pk:
        raise ValidationError({"client_id": [_("This id is used by another survey.")]})
    if existing.status == Response.Status.COMPLETE:
        return SubmitResult(existing, False, None)
    if not existing.is_test:
        survey_availability(survey)
    if existing.invitation_id is not None and (
        invitation is None or invitation.pk != existing.invitation_id
    ):
        raise ValidationError({"token": [_("This response belongs to another invitation.")]})
    return _submit_to_existing(existing, answers, section, complete, language, invitation)


_RESPONSE_COLUMNS = (
    "survey_id",
    "version_id",
    "client_id",
    "language",
    "status",
    "is_test",
    "anonymised",
    "invitation_id",
    "target_group_id",
    "attributes",
    "resume_code_hash",
    "current_section",
    "consent_at",
    "started_at",
    "updated_at",
    "completed_at",
)


def _insert_with_answers(response: Response, rows: list[tuple], *, outbox: bool = False) -> None:
    """PostgreSQL: insert the response and all its answers in one statement (one round trip,
    atomic without an explicit transaction) — the hot path of public whole-response ingest.
    ``rows``: ``(question_id, row, choice, value_text, value_number, value_date)``. With
    ``outbox`` the same statement writes the response into the results outbox."""
    response_table = Response._meta.db_table
    answer_table = Answer._meta.db_table
    columns = ", ".join(f'"{c}"' for c in _RESPONSE_COLUMNS)
    placeholders = ", ".join("%s::jsonb" if c == "attributes" else "%s" for c in _RESPONSE_COLUMNS)
    values = [getattr(response, c) for c in _RESPONSE_COLUMNS]
    values[_RESPONSE_COLUMNS.index("attributes")] = json.dumps(response.attributes)
    sql = (
        f'WITH r AS (INSERT INTO "{response_table}" ({columns}) '
        f"VALUES ({placeholders}) "
        'RETURNING "id"), '
        f'a AS (INSERT INTO "{answer_table}" '
        '("response_id", "question_id", "row", "choice", "value_text", "value_number", '
        '"value_date") '
        'SELECT r."id", v.q, v.rw, v.ch, v.t, v.n, v.d FROM r, '
        "jsonb_to_recordset(%s::jsonb) "
        "AS v(q bigint, rw varchar, ch varchar, t text, n double precision, d date) RETURNING 1) "
        + (f", p AS ({results_outbox_sql('r')}) " if outbox else "")
        + 'SELECT r."id" FROM r'
    )
    # One JSON parameter instead of six arrays: far less quoting work on the client.
    answers_json = json.dumps(
        [
            {"q": q, "rw": rw, "ch": ch, "t": t, "n": n, "d": d.isoformat() if d else None}
            for q, rw, ch, t, n, d in rows
        ]
    )
    params = [*values, answers_json, *([response.version_id] if outbox else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        response.pk = cursor.fetchone()[0]
    response._state.adding = False


def _check_keys(structure: Structure, answers: dict) -> None:
    unknown = []
    for key in answers:
        code = key[: -len("_other")] if key.endswith("_other") else key
        if code not in structure.questions:
            unknown.append(key)
    if unknown:
        raise ValidationError(
            {f"answers.{key}": [_("There is no question with this code.")] for key in unknown}
        )


def _section_or_error(structure: Structure, code: str):
    sdef = structure.section(code)
    if sdef is None:
        raise ValidationError({"section": [_("Unknown page %(code)s.") % {"code": code}]})
    return sdef


def _next_after(state: ResponseState, section: str | None) -> str | None:
    visible = [s.code for s in state.visible_sections()]
    if section is None or section not in visible:
        return None
    index = visible.index(section)
    return visible[index + 1] if index + 1 < len(visible) else None


def _submit_to_existing(
    response: Response,
    answers: dict,
    section: str | None,
    complete: bool,
    language: str | None,
    invitation: Invitation | None = None,
) -> SubmitResult:
    structure = get_structure(response.version)
    _check_keys(structure, answers)
    codes = [s.code for s in structure.sections] if section is None else [section]
    with transaction.atomic():
        next_section = None
        for code in codes:
            _section_or_error(structure, code)
            result = response_save_page(
                response=response, section_code=code, data=answers, language=language
            )
            if result.errors:
                raise _error_dict(result.errors)
            next_section = result.next_section
        if complete:
            response = response_complete(
                response=response,
                anonymous_invitation_id=invitation.pk
                if invitation is not None and response.anonymised
                else None,
            )
        else:
            response.refresh_from_db()
    return SubmitResult(response, False, None if complete else next_section)
