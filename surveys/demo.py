"""Demo surveys: the expert survey (German, by invitation) and the resident survey (five
languages, public, anonymised), with a few hundred generated responses for the aggregation.
The definitions, texts and generation parameters (counts, languages, dates) are data
(``data/demo_surveys.yaml``); this module loads them and generates the responses.

Idempotent: each survey is found by its German title; responses are generated only for a
survey that has none. Fast: answers are validated in memory and written with bulk_create.
"""

from __future__ import annotations

import copy
import random
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from .models import Answer, Invitation, Response, Survey
from .question_types.base import SampleTexts
from .services import definition as defs
from .services import invitations as inv_services
from .services import responses as resp_services
from .structure import get as get_structure

DATA = Path(__file__).with_name("data") / "demo_surveys.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def resident_definition() -> dict:
    return copy.deepcopy(_data()["resident"])


def expert_definition() -> dict:
    return copy.deepcopy(_data()["expert"])


EXPERT_TITLE = _data()["expert"]["title"]["de"]
RESIDENT_TITLE = _data()["resident"]["title"]["de"]


# --- generated responses ------------------------------------------------------------------


SAMPLE_TEXTS = SampleTexts(
    long=tuple(_data()["comments"]), matching=tuple(_data()["generated"]["postcodes"])
)


def _random_answer(rng: random.Random, qdef) -> object:
    """A random answer its question type accepts, within the demo's plausible ranges."""
    limits = _data()["generated"]["ranges"].get(qdef.code)
    if limits:
        qdef = replace(qdef, **limits)
    return qdef.qtype.sample_answer(qdef, rng, SAMPLE_TEXTS)


def _generate(
    survey: Survey,
    count: int,
    rng: random.Random,
    *,
    invitations=None,
    languages=("de",),
    start: datetime,
) -> None:
    structure = get_structure(survey.current_version)
    responses = []
    answer_sets = []
    for index in range(count):
        language = rng.choice(languages)
        answers = {}
        for qdef in structure.questions.values():
            if not qdef.qtype.answered or (not qdef.required and rng.random() < 0.12):
                continue
            answers[qdef.code] = _random_answer(rng, qdef)
            if qdef.allow_other and isinstance(answers[qdef.code], list) and rng.random() < 0.1:
                answers[qdef.code].append("other")
                answers[f"{qdef.code}_other"] = "Sonstiges"
        complete = rng.random() > 0.1
        cleaned, errors, _state = resp_services.validate_answers(
            structure, answers, language=language, require=complete
        )
        if errors:  # a generated value broke a rule: keep only the valid ones, in progress
            complete = False
        started = start + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        invitation = invitations[index] if invitations else None
        response = Response(
            survey=survey,
            version=survey.current_version,
            client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            language=language,
            status=Response.Status.COMPLETE if complete else Response.Status.IN_PROGRESS,
            anonymised=survey.anonymised,
            invitation=invitation,
            target_group_id=invitation.target_group_id if invitation else None,
            attributes={"organisation": invitation.organisation} if invitation else {},
            started_at=started,
            updated_at=started + timedelta(minutes=12),
            completed_at=started + timedelta(minutes=12) if complete else None,
            consent_at=started,
        )
        responses.append(response)
        answer_sets.append(cleaned)
    Response.objects.bulk_create(responses, batch_size=500)
    if not all(r.pk for r in responses):  # databases without RETURNING ids
        by_client = dict(Response.objects.filter(survey=survey).values_list("client_id", "pk"))
        for response in responses:
            response.pk = by_client[response.client_id]
    rows: list[Answer] = []
    for response, cleaned in zip(responses, answer_sets, strict=True):
        rows.extend(resp_services.answer_rows(response.pk, structure, cleaned))
    Answer.objects.bulk_create(rows, batch_size=2000)
    if invitations:
        for response, invitation in zip(responses, invitations, strict=False):
            invitation.started_at = response.started_at
            invitation.opened_at = response.started_at
            invitation.completed_at = response.completed_at
        Invitation.objects.bulk_update(
            invitations[: len(responses)], ["started_at", "opened_at", "completed_at"]
        )


def _tz(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 8, 0))


@transaction.atomic
def seed(ctx) -> None:
    rng = random.Random(2025)
    generated = _data()["generated"]
    process = ctx.process
    staff = ctx.users.get("staff")

    resident = Survey.objects.filter(process=process, title__de=RESIDENT_TITLE).first()
    if resident is None:
        resident = defs.survey_create_from_definition(
            user=staff,
            process=process,
            definition=resident_definition(),
            phase=ctx.phases.get("survey-residents"),
            status=Survey.Status.OPEN,
        )
    if not resident.responses.exists():
        _generate(
            resident,
            generated["resident"]["count"],
            rng,
            languages=tuple(generated["resident"]["languages"]),
            start=_tz(generated["resident"]["start"]),
        )

    expert = Survey.objects.filter(process=process, title__de=EXPERT_TITLE).first()
    if expert is None:
        expert = defs.survey_create_from_definition(
            user=staff,
            process=process,
            definition=expert_definition(),
            phase=ctx.phases.get("survey-experts"),
            status=Survey.Status.OPEN,
        )
    if not expert.invitations.exists():
        inv_services.invitations_from_people(survey=expert, user=None, people=ctx.people)
        invited = _data()["expert_invitations"]
        rows = [dict(row) for row in invited["named"]]
        kinds, groups = invited["sectors"], invited["target_groups"]
        for i in range(1, invited["generated"] + 1):
            rows.append(
                {
                    "email": f"fachkraft{i:02d}@example.org",
                    "name": f"Fachkraft {i:02d}",
                    "organisation": f"{kinds[i % len(kinds)]} {1 + i % 7}",
                    "target_group": groups[i % len(groups)],
                    "sector": kinds[i % len(kinds)],
                }
            )
        inv_services.invitations_import(survey=expert, user=None, rows=rows)
        Invitation.objects.filter(survey=expert).update(
            sent_at=_tz(generated["expert"]["invitations_sent"])
        )
    if not expert.responses.exists():
        invited = list(
            Invitation.objects.filter(survey=expert, email__startswith="fachkraft").order_by("pk")
        )
        count = generated["expert"]["count"]
        _generate(
            expert,
            count,
            rng,
            invitations=invited[:count],
            start=_tz(generated["expert"]["start"]),
        )

    # Count the generated responses into the stored result rows.
    from .results.demo import seed as seed_results

    seed_results(ctx)
