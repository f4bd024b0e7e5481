"""Reads of the catalogue shared by pages, API, exports, the public page and the benchmark.

Every selector that takes a user scopes by the processes the user may open. The list, the
matrix and the evidence trail issue a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from monitoring.models import Area, Indicator, IndicatorValue
from participation.models import FieldOfAction, Process, Statement, TargetGroup

from . import rollup
from .filters import MeasureFilter
from .models import (
    CatalogueSettings,
    Evidence,
    FieldOfActionArea,
    Finding,
    Measure,
    MeasureOrigin,
    OperationalGoal,
    ProgressReport,
    StrategicGoal,
)


def catalogue_processes(*, user) -> list[Process]:
    """Processes whose catalogue the user may open."""
    qs = Process.objects.order_by("-period_start", "title")
    if not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "is_superuser", False):
        return list(qs)
    return [
        p for p in qs.filter(memberships__user=user) if user.has_perm("measures.view_catalogue", p)
    ]


def process_for(*, user, pk: int, perm: str = "measures.view_catalogue") -> Process:
    """The process if the user has ``perm`` on it; 404 for unknown, 403 for no right."""
    process = Process.objects.filter(pk=pk).first()
    if process is None:
        raise Http404(_("Unknown process."))
    if not user.has_perm(perm, process):
        raise PermissionDenied(_("You do not have permission to do this."))
    return process


def phase_figures(process_id: int) -> list[tuple[str, int]]:
    counts = Measure.objects.filter(process_id=process_id).aggregate(
        total=Count("id"), adopted=Count("id", filter=Q(status__in=Measure.ADOPTED_STATUSES))
    )
    findings = Finding.objects.filter(process_id=process_id).count()
    return [
        (_("Findings"), findings),
        (_("Measures"), counts["total"]),
        (_("Adopted measures"), counts["adopted"]),
    ]


# --- measures ----------------------------------------------------------------------------------


def measure_base(process: Process) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(process=process)
        .select_related("field_of_action", "lead_organisation")
        .prefetch_related("target_groups")
        .order_by("number")
    )


def measure_list(*, user, process: Process, filters: dict | None = None) -> MeasureFilter:
    """The filtered catalogue (``.qs`` the measures, ``.form`` the filter form)."""
    if not user.has_perm("measures.view_catalogue", process):
        raise PermissionDenied(_("You do not have permission to do this."))
    return MeasureFilter(filters or {}, queryset=measure_base(process), process=process)


def public_settings(process: Process) -> CatalogueSettings | None:
    return CatalogueSettings.objects.filter(process=process, public=True).first()


def public_measures(process: Process) -> QuerySet[Measure]:
    """Adopted measures of a process whose public page is on. No personal data is selected."""
    if public_settings(process) is None:
        return Measure.objects.none()
    return (
        Measure.objects.filter(process=process, status__in=Measure.ADOPTED_STATUSES)
        .select_related("field_of_action", "lead_organisation")
        .prefetch_related("target_groups")
        .only(
            "id",
            "process_id",
            "number",
            "title",
            "description",
            "status",
            "progress",
            "start_date",
            "end_date",
            "field_of_action__id",
            "field_of_action__name",
            "field_of_action__name_en",
            "field_of_action__order",
            "lead_organisation__id",
            "lead_organisation__name",
        )
        .order_by("field_of_action__order", "number")
    )


@dataclass
class Matrix:
    fields: list[FieldOfAction]
    groups: list[TargetGroup]
    rows: list[tuple[FieldOfAction, list[int], int, int]]  # field, counts per group, none, total
    column_totals: list[int]
    total: int


def measure_matrix(*, process: Process, measures: QuerySet[Measure]) -> Matrix:
    """Counts of measures per field of action × target group (and without target group)."""
    fields = list(process.fields_of_action.order_by("order", "name"))
    groups = list(process.target_groups.order_by("order", "name"))
    ids = measures.order_by().values("pk")
    cells = defaultdict(int)
    for row in (
        Measure.target_groups.through.objects.filter(measure_id__in=ids)
        .values("measure__field_of_action_id", "targetgroup_id")
        .annotate(n=Count("measure_id"))
    ):
        cells[(row["measure__field_of_action_id"], row["targetgroup_id"])] = row["n"]
    totals = dict(
        measures.order_by()
        .values_list("field_of_action_id")
        .annotate(n=Count("pk"))
        .values_list("field_of_action_id", "n")
    )
    without = dict(
        measures.order_by()
        .filter(target_groups__isnull=True)
        .values_list("field_of_action_id")
        .annotate(n=Count("pk"))
        .values_list("field_of_action_id", "n")
    )
    rows = [
        (f, [cells[(f.pk, g.pk)] for g in groups], without.get(f.pk, 0), totals.get(f.pk, 0))
        for f in fields
    ]
    column_totals = [sum(r[1][i] for r in rows) for i in range(len(groups))]
    return Matrix(fields, groups, rows, column_totals, sum(totals.values()))


def measure_detail(*, user, process: Process, pk: int) -> Measure:
    if not user.has_perm("measures.view_catalogue", process):
        raise PermissionDenied(_("You do not have permission to do this."))
    measure = (
        Measure.objects.filter(process=process, pk=pk)
        .select_related("field_of_action", "lead_organisation", "process")
        .prefetch_related(
            "target_groups",
            "partners",
            "indicators",
            "findings",
            "milestones",
            "operational_goals__strategic_goal",
            Prefetch("decisions", queryset=_decisions()),
            Prefetch("comments", queryset=_comments()),
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.select_related(
                    "reporting_link__organisation", "reported_by"
                ),
            ),
        )
        .first()
    )
    if measure is None:
        raise Http404(_("Unknown measure."))
    return measure


def _decisions():
    from .models import MeasureDecision

    return MeasureDecision.objects.select_related("actor", "reporting_link__organisation")


def _comments():
    from .models import MeasureComment

    return MeasureComment.objects.select_related("author")


@dataclass
class TimelineEntry:
    when: Any
    kind: str
    title: str
    text: str = ""
    who: str = ""
    url: str = ""


def measure_timeline(measure: Measure) -> list[TimelineEntry]:
    """Origin, decisions, milestones and progress reports in order of time."""
    entries = [
        TimelineEntry(
            measure.created_at.date(), "origin", _("Proposed"), who=_statement_count(measure)
        )
    ]
    for d in measure.decisions.all():
        if not d.from_status:
            continue
        who = (
            d.actor.get_username()
            if d.actor
            else (d.reporting_link.organisation.name if d.reporting_link else "")
        )
        entries.append(
            TimelineEntry(
                d.created_at.date(),
                "decision",
                f"{Measure.Status(d.from_status).label} → {Measure.Status(d.to_status).label}",
                d.reason,
                who,
            )
        )
    for m in measure.milestones.all():
        entries.append(
            TimelineEntry(
                m.done_on or m.due_date,
                "milestone",
                m.title,
                _("reached") if m.done_on else _("due"),
                "",
            )
        )
    for r in measure.progress_reports.all():
        who = (
            r.reporting_link.organisation.name
            if r.reporting_link
            else (r.reported_by.get_username() if r.reported_by else "")
        )
        entries.append(
            TimelineEntry(
                r.reported_on,
                "report",
                _("Progress %(p)s %%") % {"p": r.progress},
                r.note,
                who,
                (
                    reverse(
                        "measures:progress_attachment",
                        args=[measure.process_id, measure.pk, r.pk],
                    )
                    if r.attachment
                    else ""
                ),
            )
        )
    entries.sort(
        key=lambda e: (e.when, {"origin": 0, "decision": 1, "milestone": 2, "report": 3}[e.kind])
    )
    return entries


def _statement_count(measure: Measure) -> str:
    n = measure.origins.count()
    return _("from %(n)s statements") % {"n": n} if n else ""


def indicator_trends(measure: Measure) -> list[dict]:
    """The linked indicators' published values for the process's territory, year by year."""
    from monitoring.services.catalogue import process_territory

    home = process_territory(measure.process)
    indicators = list(measure.indicators.all())
    if home is None or not indicators:
        return [{"indicator": i, "values": []} for i in indicators]
    values = defaultdict(list)
    for v in IndicatorValue.objects.filter(
        indicator__in=indicators, territory=home, target_group__isnull=True, sex="", age_group=""
    ).order_by("year", "cell"):
        values[v.indicator_id].append(v)
    return [{"indicator": i, "values": values[i.pk]} for i in indicators]


# --- evidence ----------------------------------------------------------------------------------


def source_url(statement: Statement, sources: dict | None = None) -> str:
    """Where a statement's source can be opened (its page), else the statement itself."""
    obj = (sources or {}).get((statement.source_type_id, statement.source_id))
    # A card has no page of its own: its table (conference or workshop) shows it.
    for target in (obj, getattr(obj, "table", None)):
        if target is not None and hasattr(target, "get_absolute_url"):
            try:
                return target.get_absolute_url()
            except NoReverseMatch:
                continue
    return reverse("participation:statement_edit", args=[statement.pk])


def statement_sources(statements: list[Statement]) -> dict:
    """The source objects of statements, one query per source type."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for s in statements:
        if s.source_type_id:
            by_type[s.source_type_id].add(s.source_id)
    found = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        qs = model._base_manager.filter(pk__in=ids)
        if hasattr(model, "table"):
            qs = qs.select_related("table")
        for obj in qs:
            found[(type_id, obj.pk)] = obj
    return found


def _kind_of_source(statement: Statement, types: dict[int, str]) -> str:
    return types.get(statement.source_type_id, "") if statement.source_type_id else "direct"


def evidence_url(evidence: Evidence, sources: dict | None = None) -> str:
    if evidence.kind == Evidence.Kind.STATEMENT:
        return source_url(evidence.statement, sources)
    if evidence.kind == Evidence.Kind.SURVEY_FIGURE:
        url = reverse(
            "surveys:results_question",
            args=[evidence.survey_id, evidence.survey_version, evidence.question_code],
        )
        return url + (f"?by={evidence.breakdown}" if evidence.breakdown else "")
    return reverse(
        "monitoring:indicator", args=[evidence.finding.process_id, evidence.indicator.code]
    )


def today_values(evidence: list[Evidence]) -> dict[int, dict]:
    """Today's protected value beside each cited figure: ``{evidence id: {value, suppressed}}``.

    Indicator values are read in one query; survey figures through the results' own
    (cached) reader, once per distinct address.
    """
    out: dict[int, dict] = {}
    indicator_rows = [e for e in evidence if e.kind == Evidence.Kind.INDICATOR_VALUE]
    if indicator_rows:
        q = Q()
        for e in indicator_rows:
            q |= Q(
                indicator_id=e.indicator_id,
                territory_id=e.territory_id,
                year=e.year,
                target_group_id=e.target_group_id,
            )
        now = {}
        for v in IndicatorValue.objects.filter(q, sex="", age_group="").order_by("-cell"):
            now[(v.indicator_id, v.territory_id, v.year, v.target_group_id)] = v
        for e in indicator_rows:
            v = now.get((e.indicator_id, e.territory_id, e.year, e.target_group_id))
            suppressed = v is None or bool(v.suppression) or v.published_value is None
            out[e.pk] = {
                "value": None if suppressed else v.published_value,
                "suppressed": v is not None and suppressed,
                "missing": v is None,
                "changed": (None if suppressed else v.published_value) != e.cited_value,
            }
    from .services.catalogue import survey_figure

    seen: dict[tuple, dict] = {}
    for e in evidence:
        if e.kind != Evidence.Kind.SURVEY_FIGURE:
            continue
        key = (e.survey_id, e.survey_version, e.question_code, e.breakdown)
        if key not in seen:
            try:
                seen[key] = survey_figure(
                    survey=e.survey,
                    version_number=e.survey_version,
                    question_code=e.question_code,
                    breakdown=e.breakdown,
                )
            except Exception:  # noqa: BLE001 - a removed question: show the cited figure only
                seen[key] = {}
        fig = seen[key]
        out[e.pk] = {
            "value": fig.get("n"),
            "suppressed": bool(fig.get("suppressed")),
            "missing": not fig,
            "figure": fig,
            "changed": fig.get("n") != e.cited_value,
        }
    return out


def evidence_rows(figure: dict) -> list[tuple[str, Any, Any]]:
    """(label, count, percent) rows of a cited survey figure for a small table."""
    rows = []
    for c in figure.get("choices") or []:
        rows.append((c.get("label", c.get("code")), c.get("count"), c.get("pct_respondents")))
    return rows


def finding_list(*, user, process: Process, filters: dict | None = None) -> QuerySet[Finding]:
    if not user.has_perm("measures.view_catalogue", process):
        raise PermissionDenied(_("You do not have permission to do this."))
    qs = (
        Finding.objects.filter(process=process)
        .select_related("field_of_action", "target_group")
        .annotate(evidence_count=Count("evidence"))
    )
    filters = filters or {}
    if filters.get("field_of_action"):
        qs = qs.filter(field_of_action_id=filters["field_of_action"])
    if filters.get("target_group"):
        qs = qs.filter(target_group_id=filters["target_group"])
    if filters.get("without_evidence"):
        qs = qs.filter(evidence_count=0)
    return qs.order_by("field_of_action__order", "order", "id")


def finding_evidence(finding: Finding) -> list[Evidence]:
    return list(
        finding.evidence.select_related(
            "statement", "survey", "indicator", "territory", "target_group", "finding"
        ).order_by("number")
    )


# --- the evidence trail ------------------------------------------------------------------------


@dataclass
class TrailStatement:
    statement: Statement
    kind: str
    url: str


@dataclass
class TrailFinding:
    finding: Finding
    evidence: list[Evidence]
    statements: list[TrailStatement] = field(default_factory=list)


@dataclass
class Trail:
    measure: Measure
    findings: list[TrailFinding]
    origins: list[TrailStatement]


SOURCE_KINDS = {
    "codedpassage": _("Interview passage"),
    "conferencecard": _("Conference card"),
    "card": _("Workshop card"),
    "workshopcard": _("Workshop card"),
    "answer": _("Survey answer"),
}


def evidence_trail(*, user, process: Process, pk: int) -> Trail:
    """measure → findings (with their evidence) and origin statements → their sources.

    Sources are shown by their pseudonymised label (never a name). A fixed number of queries:
    the measure, its findings, all their evidence, the origin statements, one per source type.
    """
    if not user.has_perm("measures.view_catalogue", process):
        raise PermissionDenied(_("You do not have permission to do this."))
    measure = (
        Measure.objects.filter(process=process, pk=pk)
        .select_related("field_of_action", "lead_organisation")
        .first()
    )
    if measure is None:
        raise Http404(_("Unknown measure."))
    findings = list(
        Finding.objects.filter(measures=measure)
        .select_related("field_of_action", "target_group")
        .order_by("field_of_action__order", "order", "id")
    )
    evidence = list(
        Evidence.objects.filter(finding__in=findings)
        .select_related("statement", "survey", "indicator", "territory", "target_group")
        .order_by("finding_id", "number")
    )
    origins = [
        o.statement
        for o in MeasureOrigin.objects.filter(measure=measure)
        .select_related("statement")
        .order_by("id")
    ]
    statements = origins + [e.statement for e in evidence if e.statement_id]
    sources = statement_sources(statements)
    types = (
        {
            ct.pk: ct.model
            for ct in ContentType.objects.get_for_models(
                *{type(o) for o in sources.values()}
            ).values()
        }
        if sources
        else {}
    )

    def trail_statement(s: Statement) -> TrailStatement:
        kind = SOURCE_KINDS.get(_kind_of_source(s, types), _("Entered directly"))
        return TrailStatement(s, str(kind), source_url(s, sources))

    by_finding: dict[int, list[Evidence]] = defaultdict(list)
    for e in evidence:
        e.finding = next(f for f in findings if f.pk == e.finding_id)
        e.url = evidence_url(e, sources)
        if e.statement_id:
            e.trail = trail_statement(e.statement)
        by_finding[e.finding_id].append(e)
    return Trail(
        measure=measure,
        findings=[TrailFinding(f, by_finding[f.pk]) for f in findings],
        origins=[trail_statement(s) for s in origins],
    )


# --- goals and roll-up -------------------------------------------------------------------------


@dataclass
class GoalTree:
    fields: list[dict]


def goal_tree(*, process: Process) -> list[dict]:
    """Fields of action → strategic goals → operational goals with rolled-up progress."""
    strategic = list(
        StrategicGoal.objects.filter(process=process)
        .select_related("field_of_action")
        .order_by("field_of_action__order", "order", "id")
    )
    operational = list(
        OperationalGoal.objects.filter(process=process)
        .select_related("indicator", "target", "target__target_group")
        .annotate(measure_count=Count("measures"))
        .order_by("order", "id")
    )
    links = defaultdict(list)
    through = Measure.operational_goals.through
    for measure_id, goal_id in through.objects.filter(
        measure__process=process, measure__status__in=Measure.ADOPTED_STATUSES
    ).values_list("measure_id", "operationalgoal_id"):
        links[measure_id].append(goal_id)
    counted = list(
        Measure.objects.filter(process=process, status__in=Measure.ADOPTED_STATUSES).values_list(
            "pk", "progress", "weight", "field_of_action_id"
        )
    )
    result = rollup.roll_up(
        measures=[(pk, p, w, links.get(pk, [])) for pk, p, w, _f in counted],
        ungrouped=[(pk, f, p, w) for pk, p, w, f in counted if pk not in links],
        operational=[(g.pk, g.strategic_goal_id, g.weight) for g in operational],
        strategic=[(g.pk, g.field_of_action_id, g.weight) for g in strategic],
    )
    by_parent = defaultdict(list)
    for g in operational:
        g.rolled_up = result.operational.get(g.pk)
        by_parent[g.strategic_goal_id].append(g)
    by_field = defaultdict(list)
    for g in strategic:
        g.rolled_up = result.strategic.get(g.pk)
        g.children = by_parent[g.pk]
        by_field[g.field_of_action_id].append(g)
    return [
        {"field": f, "progress": result.fields.get(f.pk), "goals": by_field.get(f.pk, [])}
        for f in process.fields_of_action.order_by("order", "name")
    ]


def indicators_for(field_of_action: FieldOfAction | None) -> list[Indicator]:
    """Indicators, those of the field of action's monitoring areas first."""
    indicators = list(Indicator.objects.select_related("area").order_by("area__order", "order"))
    if field_of_action is None:
        return indicators
    areas = set(
        FieldOfActionArea.objects.filter(field_of_action=field_of_action).values_list(
            "area_id", flat=True
        )
    )
    return sorted(indicators, key=lambda i: (i.area_id not in areas,))


def area_links() -> list[dict]:
    links = defaultdict(list)
    for link in FieldOfActionArea.objects.select_related("area"):
        links[link.field_of_action_id].append(link.area)
    return [
        {"field": f, "areas": links.get(f.pk, [])}
        for f in FieldOfAction.objects.order_by("order", "name")
    ]


def all_areas() -> list[Area]:
    return list(Area.objects.order_by("order", "code"))
