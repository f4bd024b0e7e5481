"""Demo catalogue of the demo process, read from the YAML files in ``demo_data/``.

Findings with evidence for every field of action, goals with monitoring targets, about forty
measures in every status (some with milestones and progress reports, several proposed from
idea cards of the kick-off conference), reporting links and the public page. Runs after the
monitoring demo (it cites its indicator values). Idempotent: everything is found by title.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring.models import Indicator, Target
from monitoring.services.catalogue import process_territory
from participation.models import (
    Conference,
    FieldOfAction,
    Organisation,
    Statement,
    TargetGroup,
    TopicTable,
)

from . import services
from .models import Finding, Measure, OperationalGoal, ReportingLink, StrategicGoal

log = logging.getLogger(__name__)
DATA = Path(__file__).resolve().parent / "demo_data"
PATHS = {
    "proposed": [],
    "in_review": ["in_review"],
    "rejected": ["in_review", "rejected"],
    "adopted": ["in_review", "adopted"],
    "in_progress": ["in_review", "adopted"],
    "completed": ["in_review", "adopted"],
    "discontinued": ["in_review", "adopted"],
}
REASONS = {
    "in_review": "Zur Prüfung an die Lenkungsgruppe",
    "adopted": "Beschluss des Kreisausschusses",
    "rejected": "Lenkungsgruppe: nicht vorrangig, Mittel fehlen",
    "in_progress": "Umsetzung begonnen",
    "completed": "Umsetzung abgeschlossen",
    "discontinued": "Eingestellt, Bedarf entfallen",
}


def _load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def _statement(process, field: FieldOfAction, fragment: str) -> Statement | None:
    qs = Statement.objects.filter(process=process).order_by("id")
    if fragment == "first":
        return qs.filter(fields_of_action=field).first() or qs.first()
    return qs.filter(text__icontains=fragment).first()


def _survey_for(process, code: str):
    from surveys.models import Survey

    for survey in Survey.objects.filter(process=process).order_by("id"):
        version = survey.current_version
        if version and version.questions.filter(code=code).exists():
            return survey, version.number
    return None, None


def _cite(user, finding: Finding, item: dict) -> None:
    process = finding.process
    try:
        if "statement" in item:
            statement = _statement(process, finding.field_of_action, item["statement"])
            if statement:
                services.evidence_cite_statement(user=user, finding=finding, statement=statement)
        elif "indicator" in item:
            home = process_territory(process)
            indicator = Indicator.objects.filter(code=item["indicator"]).first()
            group = TargetGroup.objects.filter(code=item.get("target_group", "")).first()
            if home and indicator:
                services.evidence_cite_indicator_value(
                    user=user,
                    finding=finding,
                    indicator=indicator,
                    territory=home,
                    year=item["year"],
                    target_group=group,
                )
        elif "survey" in item:
            survey, number = _survey_for(process, item["survey"])
            if survey:
                services.evidence_cite_survey_figure(
                    user=user,
                    finding=finding,
                    survey=survey,
                    version_number=number,
                    question_code=item["survey"],
                )
    except ValidationError as error:  # demo data of another app missing: leave it out
        log.warning("demo evidence %s left out: %s", item, error.messages)


def _findings(ctx, user) -> dict[str, Finding]:
    process = ctx.process
    out = {}
    for row in _load("findings.yaml"):
        finding = Finding.objects.filter(process=process, title=row["title"]).first()
        if finding is None:
            finding = services.finding_save(
                user=user,
                process=process,
                field_of_action=FieldOfAction.objects.get(code=row["field"]),
                target_group=TargetGroup.objects.filter(code=row.get("target_group", "")).first(),
                title=row["title"],
                current_state=row["current"].strip(),
                target_state=row["target"].strip(),
            )
            for item in row.get("evidence") or []:
                _cite(user, finding, item)
        out[finding.title] = finding
    return out


def _goals(ctx, user, findings) -> dict[str, OperationalGoal]:
    process = ctx.process
    out = {}
    for order, row in enumerate(_load("goals.yaml"), start=1):
        field = FieldOfAction.objects.get(code=row["field"])
        goal = StrategicGoal.objects.filter(process=process, title=row["title"]).first()
        if goal is None:
            goal = services.strategic_goal_save(
                user=user,
                process=process,
                field_of_action=field,
                title=row["title"],
                order=order,
                findings=[f for f in findings.values() if f.field_of_action == field],
            )
        for op_order, op in enumerate(row.get("operational") or [], start=1):
            existing = OperationalGoal.objects.filter(process=process, title=op["title"]).first()
            if existing is None:
                data = {"title": op["title"], "order": op_order}
                indicator = Indicator.objects.filter(code=op.get("indicator", "")).first()
                if indicator is not None:
                    group = TargetGroup.objects.filter(code=op.get("target_group", "")).first()
                    target, _created = Target.objects.get_or_create(
                        process=process,
                        indicator=indicator,
                        target_group=group,
                        defaults={
                            "value": op["value"],
                            "year": op["year"],
                            "note": "Demoziel des Integrationskonzepts",
                        },
                    )
                    data["target"] = target
                existing = services.operational_goal_save(user=user, strategic_goal=goal, **data)
            out[op["key"]] = existing
    return out


def _card_statements(ctx, field: FieldOfAction, texts: list[str]) -> list[Statement]:
    """The idea cards a measure came from, written at the demo conference if missing."""
    from participation.conference import services as conference_services

    conference = Conference.objects.filter(process=ctx.process).order_by("id").first()
    if conference is None:
        return []
    table = TopicTable.objects.filter(conference=conference, field_of_action=field).first()
    if table is None:
        table = conference_services.table_save(
            conference=conference,
            user=ctx.users["staff"],
            field_of_action=field,
            facilitator=ctx.users["facilitator"],
            title=f"Thementisch {field.name}",
        )
    statements = []
    for text in texts:
        statement = Statement.objects.filter(process=ctx.process, text=text).first()
        if statement is None:
            card = conference_services.card_create(
                table=table, user=ctx.users["staff"], text=text, kind=Statement.Kind.IDEA
            )
            statement = Statement.objects.get(
                source_type__model="conferencecard", source_id=card.pk
            )
        elif statement.kind != Statement.Kind.IDEA:
            Statement.objects.filter(pk=statement.pk).update(kind=Statement.Kind.IDEA)
        statements.append(statement)
    return statements


def _day(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _measure(ctx, user, row: dict, goals, findings) -> Measure:
    process = ctx.process
    field = FieldOfAction.objects.get(code=row["field"])
    orgs = {o.name: o for o in Organisation.objects.all()}
    values = {
        "description": row.get("description", ""),
        "field_of_action": field,
        "target_groups": list(TargetGroup.objects.filter(code__in=row.get("groups", []))),
        "lead_organisation": orgs.get(row.get("lead")),
        "partners": [orgs[p] for p in row.get("partners", []) if p in orgs],
        "start_date": _day(row.get("start")),
        "end_date": _day(row.get("end")),
        "priority": row.get("priority", "medium"),
        "cost_estimate": row.get("cost"),
        "funding_source": row.get("funding", ""),
        "operational_goals": [goals[k] for k in row.get("goals", []) if k in goals],
        "indicators": list(Indicator.objects.filter(code__in=row.get("indicators", []))),
        "findings": [findings[t] for t in row.get("findings", []) if t in findings],
    }
    cards = _card_statements(ctx, field, row.get("cards", []))
    if cards:
        measure = services.measure_propose_from_statements(
            user=ctx.users["facilitator"],
            process=process,
            statements=cards,
            title=row["title"],
            field_of_action=field,
        )
        if not values["description"]:
            values["description"] = measure.description
        measure = services.measure_save(
            user=user, process=process, measure=measure, version=measure.version, **values
        )
    else:
        measure = services.measure_save(user=user, process=process, title=row["title"], **values)
    for to in PATHS[row["status"]]:
        measure = services.measure_transition(user=user, measure=measure, to=to, reason=REASONS[to])
    for title, due, done in row.get("milestones", []):
        services.milestone_save(
            user=user, measure=measure, title=title, due_date=_day(due), done_on=_day(done)
        )
    today = timezone.localdate()
    reports = row.get("reports", [])
    for index, (day, progress, note) in enumerate(reports):
        last = index == len(reports) - 1
        status = row["status"] if last and row["status"] in ("completed", "discontinued") else ""
        services.progress_report_record(
            user=user,
            measure=measure,
            progress=progress,
            note=note,
            status=status,
            reported_on=min(_day(day), today),
        )
    measure.refresh_from_db()
    if measure.status != row["status"]:
        if measure.status == "adopted" and row["status"] in (
            "in_progress",
            "completed",
            "discontinued",
        ):
            measure = services.measure_transition(
                user=user, measure=measure, to="in_progress", reason=REASONS["in_progress"]
            )
        if measure.status != row["status"]:
            measure = services.measure_transition(
                user=user, measure=measure, to=row["status"], reason=REASONS[row["status"]]
            )
    return measure


def seed(ctx) -> None:
    process = ctx.process
    user = ctx.users["staff"]
    services.field_of_action_areas_seed()
    services.catalogue_settings_update(
        user=user,
        process=process,
        public=True,
        public_intro="Die Maßnahmen des Integrationskonzepts und ihr Umsetzungsstand.",
    )
    findings = _findings(ctx, user)
    goals = _goals(ctx, user, findings)
    existing = set(Measure.objects.filter(process=process).values_list("title", flat=True))
    for row in _load("measures.yaml"):
        if row["title"] not in existing:
            _measure(ctx, user, row, goals, findings)
    leads = (
        Measure.objects.filter(
            process=process, status__in=Measure.ADOPTED_STATUSES, lead_organisation__isnull=False
        )
        .values_list("lead_organisation", flat=True)
        .distinct()
    )
    for org in Organisation.objects.filter(pk__in=leads):
        ReportingLink.objects.get_or_create(
            process=process,
            organisation=org,
            defaults={
                "contact_name": "Ansprechperson (Demo)",
                "contact_email": "demo-bericht@example.org",
                "next_due_on": timezone.localdate() + timedelta(days=30),
                "last_reminded_at": timezone.now(),
                "created_by": user,
            },
        )
