"""Demo surveys: the expert survey (German, by invitation) and the resident survey (five
languages, public, anonymised), with a few hundred generated responses for the aggregation.
The definitions and texts are data (``data/demo_surveys.yaml``); this module loads them and
generates the responses.

Idempotent: each survey is found by its German title; responses are generated only for a
survey that has none. Fast: answers are validated in memory and written with bulk_create.
"""

from __future__ import annotations

import copy
import random
import uuid
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from .models import Answer, Invitation, Response, Survey
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


def _random_answer(rng: random.Random, qdef) -> object:
    t_ = qdef.type
    codes = [c.code for c in qdef.choices]
    if t_ == "single":
        return rng.choice(codes + (["dont_know"] if qdef.allow_dont_know else []))
    if t_ == "multiple":
        return rng.sample(codes, rng.randint(1, min(3, len(codes))))
    if t_ == "yes_no":
        return rng.choice(["yes", "no"])
    if t_ == "rating":
        if qdef.allow_dont_know and rng.random() < 0.07:
            return "dont_know"
        return rng.choice(qdef.scale)
    if t_ == "matrix":
        return {row: rng.choice(codes) for row in qdef.row_codes}
    if t_ == "ranking":
        return rng.sample(codes, len(codes))
    if t_ == "integer":
        low = int(qdef.min_value or 0)
        high = int(qdef.max_value if qdef.max_value is not None else 100)
        if qdef.code == "arrival_year":
            low = 1970
        if qdef.code == "household_size":
            high = 7
        return rng.randint(low, min(high, low + 60))
    if t_ == "decimal":
        return round(rng.uniform(qdef.min_value or 0, qdef.max_value or 100), 1)
    if t_ == "text":
        if qdef.pattern:
            return rng.choice(["33330", "33332", "33378", "33428", "33790"])
        return rng.choice(["Beratung", "Leitung", "Sozialarbeit", "Koordination"])
    if t_ == "long_text":
        return rng.choice(_data()["comments"]) if rng.random() < 0.4 else ""
    if t_ == "date":
        return (timezone.localdate() - timedelta(days=rng.randint(200, 4000))).isoformat()
    return None


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
            if qdef.type == "display" or (not qdef.required and rng.random() < 0.12):
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


def _tz(year, month, day) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 8, 0))


@transaction.atomic
def seed(ctx) -> None:
    rng = random.Random(2025)
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
            320,
            rng,
            languages=("de", "de", "de", "en", "uk", "uk", "ar", "ar", "tr"),
            start=_tz(2025, 5, 2),
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
        Invitation.objects.filter(survey=expert).update(sent_at=_tz(2025, 4, 2))
    if not expert.responses.exists():
        invited = list(
            Invitation.objects.filter(survey=expert, email__startswith="fachkraft").order_by("pk")
        )
        _generate(expert, 45, rng, invitations=invited[:45], start=_tz(2025, 4, 3))

    # Count the generated responses into the stored result rows.
    from .results.demo import seed as seed_results

    seed_results(ctx)
