"""Writes of the catalogue: findings and their cited evidence, goals, measures, area links.

Every service checks the user's right on the process first (``measures.curate`` for staff,
``measures.propose`` for facilitators' proposals), validates everything and writes all or
nothing. Edits name the version they started from (see ``locking``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.permissions import require_perm
from monitoring.models import Area, Indicator, IndicatorValue, Target, Territory
from monitoring.services.catalogue import territory_scope
from participation.models import FieldOfAction, Organisation, Process, Statement, TargetGroup
from participation.services import audit_log

from ..catalogue_data import ensure_area_links
from ..models import (
    CatalogueSettings,
    Evidence,
    FieldOfActionArea,
    Finding,
    Measure,
    MeasureOrigin,
    OperationalGoal,
    StrategicGoal,
)
from .locking import save_versioned


def require(user, perm: str, process: Process) -> None:
    require_perm(user, perm, process)


def _in_process(process: Process, field: str, objs: Iterable, label: str) -> None:
    wrong = [str(o) for o in objs if o is not None and o.process_id != process.pk]
    if wrong:
        raise ValidationError(
            {
                field: _("%(what)s of another process: %(names)s")
                % {"what": label, "names": ", ".join(wrong)}
            }
        )


def _foa_in_process(process: Process, foa: FieldOfAction | None, field: str = "field_of_action"):
    if foa is not None and not process.fields_of_action.filter(pk=foa.pk).exists():
        raise ValidationError(
            {field: _("The process does not use the field of action %(f)s.") % {"f": foa}}
        )


# --- settings and area links -----------------------------------------------------------------


def catalogue_settings(process: Process) -> CatalogueSettings:
    """The process's catalogue settings (created with defaults on first use)."""
    obj, _created = CatalogueSettings.objects.get_or_create(process=process)
    return obj


@transaction.atomic
def catalogue_settings_update(*, user, process: Process, **data: Any) -> CatalogueSettings:
    require(user, "measures.curate", process)
    obj = catalogue_settings(process)
    for field in ("public", "public_intro", "report_every_days"):
        if field in data:
            setattr(obj, field, data[field])
    obj.full_clean()
    obj.save()
    audit_log(
        actor=user, action="measures.settings_update", obj=obj, process=process, public=obj.public
    )
    return obj


@transaction.atomic
def field_of_action_areas_set(
    *, user, field_of_action: FieldOfAction, areas: Iterable[Area]
) -> None:
    """Give a field of action its monitoring areas (a shared catalogue: directory keepers)."""
    require_perm(user, "participation.manage_catalogues")
    wanted = {a.pk for a in areas}
    FieldOfActionArea.objects.filter(field_of_action=field_of_action).exclude(
        area_id__in=wanted
    ).delete()
    have = set(
        FieldOfActionArea.objects.filter(field_of_action=field_of_action).values_list(
            "area_id", flat=True
        )
    )
    FieldOfActionArea.objects.bulk_create(
        [FieldOfActionArea(field_of_action=field_of_action, area_id=pk) for pk in wanted - have]
    )
    audit_log(
        actor=user, action="measures.area_links_set", obj=field_of_action, areas=sorted(wanted)
    )


def field_of_action_areas_seed() -> int:
    """Link the standard fields of action to the standard areas (idempotent)."""
    return ensure_area_links(FieldOfAction, Area, FieldOfActionArea)


# --- findings ----------------------------------------------------------------------------------

FINDING_FIELDS = (
    "field_of_action",
    "target_group",
    "title",
    "current_state",
    "target_state",
    "order",
)


@transaction.atomic
def finding_save(
    *,
    user,
    process: Process,
    finding: Finding | None = None,
    version: int | None = None,
    **data: Any,
) -> Finding:
    """Create (``finding=None``) or edit a finding; an edit names the version it started from."""
    require(user, "measures.curate", process)
    unknown = set(data) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    _foa_in_process(process, data.get("field_of_action"))
    if finding is None:
        finding = Finding(process=process, created_by=user if user.is_authenticated else None)
        version = None
    elif finding.process_id != process.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    finding = save_versioned(finding, data=data, user=user, expected_version=version)
    audit_log(actor=user, action="measures.finding_save", obj=finding, process=process)
    return finding


def _next_number(finding: Finding) -> int:
    return (Evidence.objects.filter(finding=finding).aggregate(m=Max("number"))["m"] or 0) + 1


def _evidence_save(finding: Finding, user, evidence: Evidence) -> Evidence:
    # Lock the finding so that two citations at once do not take the same number.
    Finding.objects.select_for_update().filter(pk=finding.pk).first()
    evidence.finding = finding
    evidence.number = _next_number(finding)
    evidence.cited_by = user if user.is_authenticated else None
    evidence.full_clean(exclude=["finding"])
    evidence.save()
    audit_log(
        actor=user,
        action="measures.evidence_cite",
        obj=evidence,
        process=finding.process,
        kind=evidence.kind,
    )
    return evidence


@transaction.atomic
def evidence_cite_statement(
    *, user, finding: Finding, statement: Statement, note: str = ""
) -> Evidence:
    """Cite a Statement of the pool (it must belong to the finding's process)."""
    require(user, "measures.curate", finding.process)
    if statement.process_id != finding.process_id:
        raise ValidationError({"statement": _("The statement belongs to another process.")})
    return _evidence_save(
        finding,
        user,
        Evidence(
            kind=Evidence.Kind.STATEMENT,
            statement=statement,
            note=note,
            cited_label=f"{statement.source_label}: {statement.text[:200]}"[:500],
        ),
    )


def survey_figure(*, survey, version_number: int, question_code: str, breakdown: str = "") -> dict:
    """Today's published (small-count protected) figure at a survey figure's stable address.

    Raises ``ValidationError`` naming what is wrong when the address does not exist.
    """
    from surveys.results import reports
    from surveys.structure import get as get_structure

    version = survey.versions.filter(number=version_number).first()
    if version is None:
        raise ValidationError(
            {"survey_version": _("The survey has no version %(n)s.") % {"n": version_number}}
        )
    structure = get_structure(version)
    question = structure.questions.get(question_code)
    if question is None or question.type == "display":
        raise ValidationError(
            {
                "question_code": _("Version %(n)s has no question %(code)s.")
                % {"n": version_number, "code": question_code}
            }
        )
    if breakdown and breakdown not in {b.name for b in reports.breakdowns(version, structure)}:
        raise ValidationError({"breakdown": _("Unknown breakdown %(b)s.") % {"b": breakdown}})
    # Cited figures are always the protected ones, whoever cites them.
    return reports.question_result(version, question_code, breakdown=breakdown, suppress=True)


@transaction.atomic
def evidence_cite_survey_figure(
    *,
    user,
    finding: Finding,
    survey,
    version_number: int,
    question_code: str,
    breakdown: str = "",
    note: str = "",
) -> Evidence:
    """Cite a survey figure by its stable address; the protected figure is kept as it is now."""
    require(user, "measures.curate", finding.process)
    if survey.process_id != finding.process_id:
        raise ValidationError({"survey": _("The survey belongs to another process.")})
    figure = survey_figure(
        survey=survey,
        version_number=version_number,
        question_code=question_code,
        breakdown=breakdown,
    )
    return _evidence_save(
        finding,
        user,
        Evidence(
            kind=Evidence.Kind.SURVEY_FIGURE,
            survey=survey,
            survey_version=version_number,
            question_code=question_code,
            breakdown=breakdown,
            note=note,
            cited_value=figure.get("n"),
            cited_suppressed=bool(figure.get("suppressed")),
            cited_figure=figure,
            cited_label=_label(survey.title, version_number, question_code, figure),
        ),
    )


def _label(title: str, version_number: int, code: str, figure: dict) -> str:
    return f"{title} (v{version_number}) {code}: {figure.get('text', '')}"[:500]


def indicator_value_at(*, indicator, territory, year: int, target_group) -> IndicatorValue | None:
    """The indicator value without further breakdown (sex, age) for one target group or all."""
    return (
        IndicatorValue.objects.filter(
            indicator=indicator,
            territory=territory,
            year=year,
            target_group=target_group,
            sex="",
            age_group="",
        )
        .order_by("cell")
        .first()
    )


@transaction.atomic
def evidence_cite_indicator_value(
    *,
    user,
    finding: Finding,
    indicator: Indicator,
    territory: Territory,
    year: int,
    target_group=None,
    note: str = "",
) -> Evidence:
    """Cite an indicator value of the monitoring; its published value is kept as it is now.

    A value withheld by the small-count protection stays withheld in the citation.
    """
    process = finding.process
    require(user, "measures.curate", process)
    if territory.pk not in {t.pk for t in territory_scope(process)}:
        raise ValidationError(
            {"territory": _("The territory is outside the process's monitoring.")}
        )
    value = indicator_value_at(
        indicator=indicator, territory=territory, year=year, target_group=target_group
    )
    if value is None:
        raise ValidationError(
            {
                "year": _("The monitoring has no value of %(i)s for %(y)s.")
                % {"i": indicator.code, "y": year}
            }
        )
    suppressed = bool(value.suppression) or value.published_value is None
    group = target_group.label if target_group else _("all")
    return _evidence_save(
        finding,
        user,
        Evidence(
            kind=Evidence.Kind.INDICATOR_VALUE,
            indicator=indicator,
            territory=territory,
            year=year,
            target_group=target_group,
            note=note,
            cited_value=None if suppressed else value.published_value,
            cited_suppressed=suppressed,
            cited_label=f"{indicator.label}, {territory.name}, {year}, {group}"[:500],
        ),
    )


@transaction.atomic
def evidence_remove(*, user, evidence: Evidence) -> None:
    """Remove a citation; the numbers of the others stay as they are (texts refer to them)."""
    require(user, "measures.curate", evidence.finding.process)
    audit_log(
        actor=user,
        action="measures.evidence_remove",
        obj=evidence,
        process=evidence.finding.process,
    )
    evidence.delete()


# --- goals -------------------------------------------------------------------------------------


@transaction.atomic
def strategic_goal_save(
    *,
    user,
    process: Process,
    goal: StrategicGoal | None = None,
    version: int | None = None,
    findings: Iterable[Finding] | None = None,
    **data: Any,
) -> StrategicGoal:
    require(user, "measures.curate", process)
    allowed = {"field_of_action", "title", "description", "weight", "order"}
    if set(data) - allowed:
        raise ValidationError(
            _("These fields cannot be changed: %s") % ", ".join(sorted(set(data) - allowed))
        )
    _foa_in_process(process, data.get("field_of_action"))
    if findings is not None:
        findings = list(findings)
        _in_process(process, "findings", findings, _("Findings"))
    if goal is None:
        goal = StrategicGoal(process=process)
        version = None
    elif goal.process_id != process.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    m2m = {"findings": findings} if findings is not None else None
    goal = save_versioned(goal, data=data, user=user, expected_version=version, m2m=m2m)
    audit_log(actor=user, action="measures.strategic_goal_save", obj=goal, process=process)
    return goal


def baseline_for(
    *, process: Process, indicator: Indicator, target_group=None
) -> tuple[float | None, int | None]:
    """The earliest published value of the indicator for the process's territory (the baseline)."""
    from monitoring.services.catalogue import process_territory

    home = process_territory(process)
    if home is None:
        return None, None
    value = (
        IndicatorValue.objects.filter(
            indicator=indicator,
            territory=home,
            target_group=target_group,
            sex="",
            age_group="",
            published_value__isnull=False,
        )
        .order_by("year", "cell")
        .first()
    )
    return (value.published_value, value.year) if value else (None, None)


@transaction.atomic
def operational_goal_save(
    *,
    user,
    strategic_goal: StrategicGoal,
    goal: OperationalGoal | None = None,
    version: int | None = None,
    **data: Any,
) -> OperationalGoal:
    """Create or edit an operational goal. With an indicator target, the baseline is taken from
    the monitoring data (earliest published value of the indicator for the target's group)."""
    process = strategic_goal.process
    require(user, "measures.curate", process)
    allowed = {"title", "description", "indicator", "target", "weight", "order", "strategic_goal"}
    if set(data) - allowed:
        raise ValidationError(
            _("These fields cannot be changed: %s") % ", ".join(sorted(set(data) - allowed))
        )
    target: Target | None = data.get("target")
    indicator = data.get("indicator")
    if target is not None:
        if target.process_id != process.pk:
            raise ValidationError({"target": _("The target belongs to another process.")})
        if indicator is not None and indicator.pk != target.indicator_id:
            raise ValidationError({"target": _("The target belongs to another indicator.")})
        data["indicator"] = indicator = target.indicator
    if "indicator" in data or "target" in data:
        if indicator is not None:
            data["baseline_value"], data["baseline_year"] = baseline_for(
                process=process,
                indicator=indicator,
                target_group=target.target_group if target else None,
            )
        else:
            data["baseline_value"], data["baseline_year"] = None, None
    new_parent = data.pop("strategic_goal", strategic_goal)
    if new_parent.process_id != process.pk:
        raise ValidationError(
            {"strategic_goal": _("The strategic goal belongs to another process.")}
        )
    if goal is None:
        goal = OperationalGoal(process=process)
        version = None
    elif goal.process_id != process.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    data["strategic_goal"] = new_parent
    goal = save_versioned(goal, data=data, user=user, expected_version=version)
    audit_log(actor=user, action="measures.operational_goal_save", obj=goal, process=process)
    return goal


@transaction.atomic
def weights_update(*, user, process: Process, weights: dict[tuple[str, int], int]) -> int:
    """Set roll-up weights at once: ``{("measure"|"operational"|"strategic", id): weight}``."""
    require(user, "measures.curate", process)
    models = {"measure": Measure, "operational": OperationalGoal, "strategic": StrategicGoal}
    errors = []
    changed = 0
    for (kind, pk), weight in weights.items():
        if kind not in models:
            errors.append(_("Unknown kind %s.") % kind)
            continue
        if weight is None or not 0 <= int(weight) <= 100:
            errors.append(
                _("Weights are whole numbers from 0 to 100 (%(kind)s %(id)s).")
                % {"kind": kind, "id": pk}
            )
            continue
        obj = models[kind].objects.filter(process=process, pk=pk).first()
        if obj is None:
            errors.append(
                _("%(kind)s %(id)s does not belong to the process.") % {"kind": kind, "id": pk}
            )
            continue
        if obj.weight != int(weight):
            save_versioned(
                obj, data={"weight": int(weight)}, user=user, expected_version=None, reason="weight"
            )
            changed += 1
    if errors:
        raise ValidationError(errors)
    return changed


# --- measures ----------------------------------------------------------------------------------

MEASURE_FIELDS = {
    "title",
    "description",
    "field_of_action",
    "lead_organisation",
    "start_date",
    "end_date",
    "priority",
    "cost_estimate",
    "funding_source",
    "weight",
}
MEASURE_M2M = {"operational_goals", "target_groups", "partners", "indicators", "findings"}


def links_summary(m2m: dict[str, list]) -> str:
    """One readable line per many-to-many link, so the history shows changes of links too."""
    labels = {
        "operational_goals": _("Operational goals"),
        "target_groups": _("Target groups"),
        "partners": _("Partners"),
        "indicators": _("Indicators"),
        "findings": _("Findings"),
    }
    lines = []
    for key in ("operational_goals", "target_groups", "partners", "indicators", "findings"):
        if key in m2m:
            names = sorted(str(o) for o in m2m[key])
            lines.append(f"{labels[key]}: {', '.join(names) or '–'}")
    return "\n".join(lines)


def _current_m2m(measure: Measure) -> dict[str, list]:
    if measure.pk is None:
        return {key: [] for key in MEASURE_M2M}
    return {key: list(getattr(measure, key).all()) for key in MEASURE_M2M}


def _check_measure(process: Process, data: dict, m2m: dict) -> None:
    errors: dict[str, list] = {}
    unknown = set(data) - MEASURE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    foa = data.get("field_of_action")
    if foa is not None and not process.fields_of_action.filter(pk=foa.pk).exists():
        errors["field_of_action"] = [
            _("The process does not use the field of action %(f)s.") % {"f": foa}
        ]
    for key in ("operational_goals", "findings"):
        wrong = [str(o) for o in m2m.get(key, []) if o.process_id != process.pk]
        if wrong:
            errors[key] = [_("Of another process: %s") % ", ".join(wrong)]
    used = set(process.target_groups.values_list("pk", flat=True))
    wrong = [str(t) for t in m2m.get("target_groups", []) if t.pk not in used]
    if wrong:
        errors["target_groups"] = [_("The process does not use: %s") % ", ".join(wrong)]
    lead = data.get("lead_organisation")
    if lead is not None and lead in m2m.get("partners", []):
        errors["partners"] = [_("The lead organisation is not also a partner.")]
    cost = data.get("cost_estimate")
    if cost is not None and Decimal(cost) < 0:
        errors["cost_estimate"] = [_("The cost estimate must not be negative.")]
    if errors:
        raise ValidationError(errors)


def _next_measure_number(process: Process) -> int:
    return (Measure.objects.filter(process=process).aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def measure_save(
    *,
    user,
    process: Process,
    measure: Measure | None = None,
    version: int | None = None,
    origin_statements: Iterable[Statement] = (),
    **values: Any,
) -> Measure:
    """Create or edit a measure (staff). New measures start as proposed.

    Many-to-many links (``operational_goals``, ``target_groups``, ``partners``, ``indicators``,
    ``findings``) are replaced when given; every object must belong to the process.
    """
    creating = measure is None
    require(user, "measures.curate" if not creating else "measures.propose", process)
    m2m = {k: list(values.pop(k)) for k in list(values) if k in MEASURE_M2M}
    _check_measure(process, values, m2m)
    statements = list(origin_statements)
    _in_process(process, "origin_statements", statements, _("Statements"))
    if creating:
        Process.objects.select_for_update().filter(pk=process.pk).first()
        measure = Measure(
            process=process,
            number=_next_measure_number(process),
            created_by=user if user.is_authenticated else None,
        )
        version = None
    elif measure.process_id != process.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    links = {**_current_m2m(measure), **m2m}
    values["links_summary"] = links_summary(links)
    measure = save_versioned(measure, data=values, user=user, expected_version=version, m2m=m2m)
    if statements:
        have = set(measure.origins.values_list("statement_id", flat=True))
        MeasureOrigin.objects.bulk_create(
            [MeasureOrigin(measure=measure, statement=s) for s in statements if s.pk not in have]
        )
    if creating:
        from .workflow import record_decision

        record_decision(
            measure=measure,
            from_status="",
            to_status=Measure.Status.PROPOSED,
            user=user,
            reason=_("Proposed"),
        )
    audit_log(actor=user, action="measures.measure_save", obj=measure, process=process)
    return measure


@transaction.atomic
def measure_propose_from_statements(
    *,
    user,
    process: Process,
    statements: Iterable[Statement],
    title: str = "",
    description: str = "",
    field_of_action: FieldOfAction | None = None,
) -> Measure:
    """One step from idea Statements (e.g. a workshop cluster) to a proposed measure.

    The statements stay linked as the measure's origin; field of action and target groups are
    taken from them unless given; the description quotes them.
    """
    require(user, "measures.propose", process)
    statements = list(statements)
    if not statements:
        raise ValidationError({"statements": _("Choose at least one statement.")})
    _in_process(process, "statements", statements, _("Statements"))
    foa_counts: dict[int, int] = {}
    groups: dict[int, TargetGroup] = {}
    for s in statements:
        for foa in s.fields_of_action.all():
            foa_counts[foa.pk] = foa_counts.get(foa.pk, 0) + 1
        for tg in s.target_groups.all():
            groups[tg.pk] = tg
    if field_of_action is None:
        if not foa_counts:
            raise ValidationError(
                {"field_of_action": _("The statements name no field of action: choose one.")}
            )
        best = max(foa_counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        field_of_action = FieldOfAction.objects.get(pk=best)
    title = (title or "").strip() or statements[0].text.strip().splitlines()[0][:300]
    if not description.strip():
        description = "\n".join(f"„{s.text.strip()}“ ({s.source_label})" for s in statements)
    used = set(process.target_groups.values_list("pk", flat=True))
    return measure_save(
        user=user,
        process=process,
        title=title,
        description=description,
        field_of_action=field_of_action,
        target_groups=[g for pk, g in groups.items() if pk in used],
        origin_statements=statements,
    )


@transaction.atomic
def measure_origin_remove(*, user, measure: Measure, statement: Statement) -> None:
    require(user, "measures.curate", measure.process)
    MeasureOrigin.objects.filter(measure=measure, statement=statement).delete()
    audit_log(
        actor=user,
        action="measures.origin_remove",
        obj=measure,
        process=measure.process,
        statement=statement.pk,
    )


@transaction.atomic
def milestone_save(
    *,
    user,
    measure: Measure,
    milestone=None,
    title: str,
    due_date: date,
    done_on: date | None = None,
):
    from ..models import Milestone

    require(user, "measures.curate", measure.process)
    if milestone is None:
        milestone = Milestone(measure=measure)
    elif milestone.measure_id != measure.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    milestone.title, milestone.due_date, milestone.done_on = title, due_date, done_on
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(*, user, milestone) -> None:
    require(user, "measures.curate", milestone.measure.process)
    milestone.delete()


def organisations_by_name(names: Iterable[str]) -> dict[str, Organisation]:
    """Organisations of the directory by exact (case-insensitive) name."""
    wanted = {n.strip().casefold() for n in names if n and n.strip()}
    found = {}
    for org in Organisation.objects.all().only("pk", "name"):
        if org.name.casefold() in wanted:
            found[org.name.casefold()] = org
    return found
