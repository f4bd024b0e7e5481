"""Reads of the surveys app that more than one caller needs."""

import time

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from participation.permissions import roles_of

from .models import Invitation, Response, Survey


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
