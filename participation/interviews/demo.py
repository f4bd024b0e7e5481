"""Demo interviews: a guide, a code system, a coded interview and one not coded yet.
Idempotent. The texts are data (``participation/data/demo_interviews.yaml``)."""

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
    for order, text in enumerate(_data()["guide"], start=1):
        GuideQuestion.objects.get_or_create(process=process, order=order, defaults={"text": text})
    services.code_system_seed(process=process, user=staff)
    for field_code, subs in _data()["subcodes"].items():
        for sub in subs:
            _code(process, field_code, sub, staff)

    for row in _data()["interviews"]:
        facilitator = ctx.users[row["facilitator"]]
        interview = Interview.objects.filter(
            process=process, interviewee_pseudonym=row["pseudonym"]
        ).first()
        if interview is None:
            # only a kind the data names: the audit trail lists the fields given
            kind = {"text_kind": Interview.TextKind(row["text_kind"])} if "text_kind" in row else {}
            interview = services.interview_save(
                process=process,
                user=staff,
                held_on=row["held_on"],
                facilitator=facilitator,
                interviewee_pseudonym=row["pseudonym"],
                target_group=TargetGroup.objects.get(code=row["target_group"]),
                fields_of_action=list(
                    FieldOfAction.objects.filter(code__in=row["fields_of_action"])
                ),
                consent_given_on=row["consent_given_on"],
                consent_scope=row["consent_scope"],
                transcript=row["transcript"],
                **kind,
            )
        if row.get("passages") and not interview.passages.exists():
            for passage in row["passages"]:
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
