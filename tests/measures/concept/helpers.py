"""A small process with everything the concept document shows: participation, monitoring
values (one withheld), findings citing a Statement, a survey-free indicator value and a
deleted Statement, goals with a target, measures with progress. Imported by the concept tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from measures.concept import services
from measures.models import (
    Evidence,
    Finding,
    Measure,
    OperationalGoal,
    ProgressReport,
    StrategicGoal,
)
from monitoring import services as monitoring_services
from monitoring.models import Indicator, IndicatorValue, Target, Territory
from participation.models import (
    FieldOfAction,
    Organisation,
    ProcessMembership,
    Statement,
    TargetGroup,
)
from tests.factories import ProcessFactory, UserFactory
from tests.participation.factories import ConferenceFactory, InterviewFactory, RegistrationFactory

QUOTE = "Für Eltern ohne Deutschkenntnisse fehlt eine Beratung in ihrer Sprache."
MEASURE_TITLE = "Mehrsprachige Kita-Lotsinnen in allen Städten"


@dataclass
class ConceptData:
    process: object
    concept: object
    staff: object
    indicator: Indicator
    finding: Finding
    measure: Measure
    statement: Statement


def _value(indicator, territory, year, value, group=None, published=True, trend=""):
    cell = f"tg={group.code if group else ''}|sex=|age="
    return IndicatorValue(
        indicator=indicator,
        territory=territory,
        year=year,
        target_group=group,
        cell=cell,
        value=value,
        published_value=value if published else None,
        suppression="" if published else "primary",
        trend=trend,
    )


def build(language_code: str = "language") -> ConceptData:
    from participation.catalogue_data import ensure_catalogues

    ensure_catalogues(TargetGroup, FieldOfAction)  # a transactional test flushed them
    monitoring_services.standard_indicators_load()
    process = ProcessFactory(territory_key="05754", territory="Kreis Gütersloh")
    fields = list(FieldOfAction.objects.filter(code__in=[language_code, "education"]))
    process.fields_of_action.set(fields)
    process.target_groups.set(TargetGroup.objects.all())
    field = next(f for f in fields if f.code == language_code)
    staff = UserFactory()
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    group = TargetGroup.objects.order_by("order").first()

    # Monitoring: one indicator with five years, one target group value withheld.
    indicator = Indicator.objects.filter(kind="percent").order_by("area__order", "order").first()
    county = Territory.objects.get(key="05754")
    land = Territory.objects.filter(level="land").first()
    rows = []
    for i, year in enumerate(range(2020, 2025)):
        trend = "on_track" if year == 2024 else ""
        rows.append(_value(indicator, county, year, 30.0 + i * 1.1, trend=trend))
        rows.append(_value(indicator, county, year, 20.0 + i, group=group, published=year != 2024))
        if land is not None:
            rows.append(_value(indicator, land, year, 33.0 + i * 0.5))
    if not IndicatorValue.objects.filter(indicator=indicator, territory=county).exists():
        IndicatorValue.objects.bulk_create(rows)
    Target.objects.create(process=process, indicator=indicator, value=36.0, year=2027)

    # Participation.
    InterviewFactory(process=process, target_group=group)
    conference = ConferenceFactory(process=process)
    RegistrationFactory(conference=conference)
    statement = Statement.objects.create(
        process=process, text=QUOTE, kind="need", source_label="Interview P-0007"
    )
    gone = Statement.objects.create(
        process=process, text="Wird gelöscht", kind="problem", source_label="Karte K-1"
    )

    # Catalogue.
    finding = Finding.objects.create(
        process=process,
        field_of_action=field,
        title="Sprachberatung für Eltern",
        current_state="Eltern finden keine Beratung [1]; die Quote ist gering [2]; Karte [3].",
        target_state="Jede Familie erreicht Beratung in ihrer Sprache.",
    )
    Evidence.objects.create(finding=finding, number=1, kind="statement", statement=statement)
    Evidence.objects.create(
        finding=finding,
        number=2,
        kind="indicator_value",
        indicator=indicator,
        territory=county,
        year=2024,
        target_group=group,
        cited_suppressed=True,
    )
    Evidence.objects.create(finding=finding, number=3, kind="statement", statement=gone)
    gone.delete()  # the citation [3] goes with it: the document must say so
    target = Target.objects.get(process=process, indicator=indicator, target_group=None)
    goal = StrategicGoal.objects.create(
        process=process, field_of_action=field, title="Alle Familien erreichen Beratung"
    )
    OperationalGoal.objects.create(
        strategic_goal=goal,
        process=process,
        title="Die Quote steigt bis 2027",
        indicator=indicator,
        target=target,
        baseline_value=30.0,
        baseline_year=2020,
    )
    lead, _created = Organisation.objects.get_or_create(name="Kommunales Integrationszentrum Test")
    measure = Measure.objects.create(
        process=process,
        number=1,
        title=MEASURE_TITLE,
        field_of_action=field,
        lead_organisation=lead,
        priority="high",
        status="in_progress",
        progress=40,
        start_date=date(2024, 1, 1),
        end_date=date(2026, 12, 31),
    )
    Measure.objects.create(
        process=process, number=2, title="Elterncafés", field_of_action=field, status="adopted"
    )
    ProgressReport.objects.create(
        measure=measure,
        reported_on=date(2024, 6, 1),
        progress=40,
        status="in_progress",
        note="Zwei Lotsinnen eingestellt.",
    )
    concept = services.concept_ensure(process=process)
    first = concept.chapters.get(kind="introduction")
    first.text = "Dieses Konzept beschreibt **gemeinsame** Ziele.\n\n<script>alert(1)</script>"
    first.save()
    return ConceptData(process, concept, staff, indicator, finding, measure, statement)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(data: bytes) -> tuple[list[tuple[str, str]], str]:
    """(style, text) of every paragraph, and the text of every table cell."""
    from docx import Document

    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    return paragraphs, cells


def pdf_figure_alts(data: bytes) -> list:
    """The /Alt texts of the Figure elements in the PDF's structure tree."""
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"]
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(node.get("/Alt"))
            if node.get("/K") is not None:
                walk(node["/K"])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(root)
    return found
