"""Demo interviews: a guide, a code system and a coded interview. Idempotent. The texts are
data (``participation/data/demo_interviews.yaml``)."""

from datetime import date
from functools import cache
from pathlib import Path

import yaml

from ..models import Code, FieldOfAction, GuideQuestion, Interview, TargetGroup
from . import services

DATA = Path(__file__).resolve().parents[1] / "data" / "demo_interviews.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _code(process, field_code: str, sub: str | None, user) -> Code:
    field = FieldOfAction.objects.get(code=field_code)
    top = Code.objects.get(process=process, parent=None, field_of_action=field)
    if sub is None:
        return top
    code = Code.objects.filter(process=process, parent=top, name=sub).first()
    return code or services.code_save(
        process=process, user=user, parent=top, name=sub, field_of_action=field
    )


def seed(ctx) -> None:
    process = ctx.process
    staff = ctx.users["staff"]
    facilitator = ctx.users["facilitator"]
    for order, text in enumerate(_data()["guide"], start=1):
        GuideQuestion.objects.get_or_create(process=process, order=order, defaults={"text": text})
    services.code_system_seed(process=process, user=staff)
    for field_code, subs in _data()["subcodes"].items():
        for sub in subs:
            _code(process, field_code, sub, staff)

    interview = Interview.objects.filter(process=process, interviewee_pseudonym="I-01").first()
    if interview is None:
        interview = services.interview_save(
            process=process,
            user=staff,
            held_on=date(2025, 3, 12),
            facilitator=facilitator,
            interviewee_pseudonym="I-01",
            target_group=TargetGroup.objects.get(code="ukraine"),
            fields_of_action=list(
                FieldOfAction.objects.filter(code__in=["language", "work", "housing"])
            ),
            consent_given_on=date(2025, 3, 12),
            consent_scope="Audioaufnahme, Transkript, anonymisierte Zitate im Konzept",
            transcript=_data()["transcript"],
        )
    if not interview.passages.exists():
        for passage in _data()["passages"]:
            text = passage["text"]
            start = interview.transcript.index(text)
            services.passage_code(
                interview=interview,
                user=facilitator,
                start=start,
                end=start + len(text),
                codes=[_code(process, f, s, staff) for f, s in passage["codes"]],
                memo=passage["memo"],
                kind=passage["kind"],
            )
    # A second interview for the other facilitator: consent recorded, not coded yet.
    if not Interview.objects.filter(process=process, interviewee_pseudonym="I-02").exists():
        services.interview_save(
            process=process,
            user=staff,
            held_on=date(2025, 3, 20),
            facilitator=ctx.users["facilitator2"],
            interviewee_pseudonym="I-02",
            target_group=TargetGroup.objects.get(code="cse-europe"),
            fields_of_action=list(FieldOfAction.objects.filter(code__in=["work", "health"])),
            consent_given_on=date(2025, 3, 20),
            consent_scope="Zusammenfassung, anonymisierte Zitate",
            text_kind=Interview.TextKind.SUMMARY,
            transcript=(
                "Die Befragte arbeitet seit 2019 in der Fleischindustrie. "
                "Sie berichtet von Werkverträgen und Sammelunterkünften. "
                "Arzttermine seien ohne Dolmetscher kaum wahrzunehmen."
            ),
        )
