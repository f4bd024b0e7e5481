"""Demo of the concept document: chapter texts, and a generated full concept, management
summary and 2024 integration report (published, so every demo account and the public page
show them). Idempotent: texts are only written into empty chapters and a document is only
generated when no version of it exists yet.

The concept needs a catalogue to write about. When the process has no measures yet (the
catalogue's own demo did not run), a small demo catalogue is written here: per field of action
one finding citing Statements of the pool and an indicator value, a goal with an indicator
target and a handful of measures. Every text is labelled demo data.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from measures.models import (
    Evidence,
    Finding,
    Measure,
    OperationalGoal,
    ProgressReport,
    StrategicGoal,
)
from monitoring.models import Indicator, IndicatorValue, Target
from monitoring.services.catalogue import process_territory
from participation.models import Organisation, Statement, TargetGroup

from ..models import Chapter, Variant
from . import services

TITLE = "Integrationskonzept Kreis Gütersloh 2025"
SUBTITLE = "Fortschreibung des Integrationskonzepts (Demodaten)"

TEXTS = {
    Chapter.Kind.FOREWORD: (
        "Liebe Leserinnen und Leser,\n\n"
        "der Kreis Gütersloh ist ein Ort, an dem Menschen aus vielen Ländern leben, lernen und "
        "arbeiten. Dieses Konzept ist **gemeinsam** entstanden: mit Interviews, zwei Befragungen, "
        "einer Auftaktkonferenz und Workshops in allen Handlungsfeldern.\n\n"
        "*Demotext – Landrätin/Landrat, Kreis Gütersloh*"
    ),
    Chapter.Kind.INTRODUCTION: (
        "Das Integrationskonzept beschreibt, wo der Kreis heute steht (IST), wohin er will "
        "(SOLL) und mit welchen Maßnahmen er dorthin kommt.\n\n"
        "- Jede Zahl stammt aus dem Integrationsmonitoring oder den Befragungen.\n"
        "- Jedes Zitat ist pseudonymisiert und in den Endnoten belegt.\n"
        "- Kleine Fallzahlen werden nicht veröffentlicht („.“)."
    ),
    Chapter.Kind.PARTICIPATION: (
        "Der Beteiligungsprozess lief von Januar 2025 bis Herbst 2025. Die folgenden Zahlen "
        "werden aus den Daten der Plattform erzeugt."
    ),
    Chapter.Kind.DATA: (
        "Das Kapitel zeigt die Indikatoren des Integrationsmonitorings je Bereich: den Kreis "
        "insgesamt, die Zielgruppen und zum Vergleich NRW und Deutschland."
    ),
    Chapter.Kind.IMPLEMENTATION: (
        "Die federführenden Stellen berichten vierteljährlich über den Stand ihrer Maßnahmen. "
        "Der Integrationsbericht fasst jedes Jahr Monitoring und Umsetzung zusammen."
    ),
    Chapter.Kind.ANNEX_GLOSSARY: (
        "**Integrationsmonitoring**: jährlich gleich erhobene Kennzahlen.\n\n"
        "**IST/SOLL**: heutiger Stand und angestrebter Stand eines Handlungsfelds."
    ),
}
SUMMARY_TEXTS = {
    Chapter.Kind.INTRODUCTION: (
        "Diese Managementfassung zeigt die wichtigsten Befunde, Ziele und die vorrangigen "
        "Maßnahmen. Die Langfassung enthält alle Zahlen und Belege."
    ),
}

# field of action → finding, target state, goal, operational goal, indicator, measures
CATALOGUE = {
    "language": (
        "Lange Wartezeiten auf Integrationskurse",
        "Viele Zugewanderte warten lange auf einen Kursplatz [1]; Kurse mit Kinderbetreuung "
        "sind selten [2]. Der Anteil der Kita-Kinder mit nichtdeutscher Familiensprache "
        "steigt [3].",
        "Jede und jeder Zugewanderte findet innerhalb von drei Monaten einen passenden Kurs.",
        "Deutsch lernen ohne Wartezeit",
        "Wartezeit auf einen Integrationskurs unter drei Monaten",
        "L1",
        [
            ("Sprachcafés in allen Städten", "high"),
            ("Integrationskurse mit Kinderbetreuung", "high"),
            ("Kursplatzbörse der Träger", "medium"),
            ("Sprachmittlerpool für Beratungsstellen", "medium"),
        ],
    ),
    "education": (
        "Übergänge in Kita und Schule",
        "Familien finden den Weg in die Kita spät [1]. Die Betreuungsquote der unter "
        "Dreijährigen aus Zuwandererfamilien liegt deutlich unter dem Kreis [2].",
        "Kinder aus Zuwandererfamilien besuchen so früh wie andere eine Kita.",
        "Gleiche Bildungschancen von Anfang an",
        "Betreuungsquote U3 der Zielgruppen an den Kreis angleichen",
        "E1",
        [
            ("Kita-Lotsinnen und -Lotsen", "high"),
            ("Elterncafés an Grundschulen", "medium"),
            ("Mehrsprachige Elternbriefe", "low"),
        ],
    ),
    "work": (
        "Anerkennung ausländischer Abschlüsse",
        "Abschlüsse werden spät oder nicht anerkannt [1]; Beratung in der eigenen Sprache "
        "fehlt [2]. Die Arbeitslosenquote der Zugewanderten ist höher als im Kreis [3].",
        "Wer einen Abschluss mitbringt, arbeitet in seinem Beruf.",
        "Fachkräfte finden Arbeit in ihrem Beruf",
        "Arbeitslosenquote der Eingewanderten auf 8 % senken",
        "W2",
        [
            ("Anerkennungsberatung in fünf Sprachen", "high"),
            ("Feste Ansprechpersonen für Betriebe im Jobcenter", "high"),
            ("Mentoring-Programm mit der IHK", "medium"),
            ("Teilzeitausbildung für Eltern", "medium"),
        ],
    ),
    "housing": (
        "Bezahlbarer Wohnraum für große Familien",
        "Große Familien leben in zu kleinen Wohnungen [1][2].",
        "Familien finden Wohnraum, der zu ihrer Größe passt.",
        "Gutes Wohnen für alle",
        "Mehr geförderte Wohnungen mit vier und mehr Zimmern",
        "H1",
        [
            ("Wohnraumbörse mit der Wohnungswirtschaft", "high"),
            ("Mietführerschein", "medium"),
        ],
    ),
    "health": (
        "Zugang zur Gesundheitsversorgung",
        "Sprachbarrieren erschweren Arztbesuche [1].",
        "Gesundheitsangebote sind in allen Sprachen der Zielgruppen erreichbar.",
        "Gesundheit für alle erreichbar",
        "Mehrsprachige Gesundheitslotsen in jeder Stadt",
        "G1",
        [("Gesundheitslotsinnen und -lotsen", "high"), ("Dolmetschpool für Praxen", "medium")],
    ),
    "participation": (
        "Begegnung und Ehrenamt",
        "Nachbarschaftliche Hilfe trägt viel [1]; es fehlen Orte der Begegnung [2].",
        "Zugewanderte engagieren sich so oft wie andere im Ehrenamt.",
        "Teilhabe am Leben vor Ort",
        "Mehr Zugewanderte in Vereinen und Ehrenamt",
        "D1",
        [("Begegnungsorte in den Quartieren", "high"), ("Ehrenamtsbörse mehrsprachig", "low")],
    ),
    "administration": (
        "Interkulturelle Öffnung der Verwaltung",
        "Die Verwaltung spiegelt die Vielfalt der Bevölkerung noch nicht wider [1].",
        "Die Verwaltung ist für alle verständlich und offen.",
        "Eine offene Verwaltung",
        "Mehr Beschäftigte mit Einwanderungsgeschichte",
        "D2",
        [
            ("Leichte Sprache in Bescheiden", "high"),
            ("Fortbildung interkulturelle Kompetenz", "medium"),
        ],
    ),
}
STATUS_CYCLE = ["in_progress", "adopted", "completed", "in_progress", "proposed"]


def _catalogue(process, staff) -> None:
    home = process_territory(process)
    group = TargetGroup.objects.filter(code="immigrants").first()
    leads = list(Organisation.objects.order_by("name"))
    number = 0
    for index, field in enumerate(process.fields_of_action.order_by("order", "name")):
        spec = CATALOGUE.get(field.code)
        if spec is None:
            continue
        title, current, target_state, goal_title, op_title, code, measures = spec
        finding = Finding.objects.create(
            process=process,
            field_of_action=field,
            target_group=group,
            title=title,
            current_state=current + " (Demodaten)",
            target_state=target_state,
            created_by=staff,
        )
        statements = list(
            Statement.objects.filter(process=process, fields_of_action=field).order_by("pk")[:2]
        ) or list(Statement.objects.filter(process=process).order_by("pk")[index : index + 1])
        numbers = 0
        for statement in statements:
            numbers += 1
            Evidence.objects.create(
                finding=finding,
                number=numbers,
                kind=Evidence.Kind.STATEMENT,
                statement=statement,
                cited_label=f"{statement.source_label}: {statement.text[:200]}",
                cited_by=staff,
            )
        indicator = Indicator.objects.filter(code=code).first()
        value = None
        if indicator is not None and home is not None:
            value = (
                IndicatorValue.objects.filter(
                    indicator=indicator,
                    territory=home,
                    year=2024,
                    target_group=group,
                    sex="",
                    age_group="",
                )
                .order_by("cell")
                .first()
            )
        if value is not None:
            numbers += 1
            Evidence.objects.create(
                finding=finding,
                number=numbers,
                kind=Evidence.Kind.INDICATOR_VALUE,
                indicator=indicator,
                territory=home,
                year=2024,
                target_group=group,
                cited_value=value.published_value,
                cited_suppressed=value.published_value is None,
                cited_label=f"{indicator.label}, {home.name}, 2024",
                cited_by=staff,
            )
        goal = StrategicGoal.objects.create(
            process=process, field_of_action=field, title=goal_title, order=index
        )
        goal.findings.add(finding)
        target = None
        if indicator is not None:
            target = Target.objects.filter(process=process, indicator=indicator).first()
            if target is None:
                base = value.published_value if value is not None else None
                target = Target.objects.create(
                    process=process,
                    indicator=indicator,
                    target_group=group,
                    value=round((base or 10.0) * (0.8 if indicator.direction == -1 else 1.2), 1),
                    year=2030,
                    note="Demoziel",
                )
        OperationalGoal.objects.create(
            strategic_goal=goal,
            process=process,
            title=op_title,
            indicator=indicator,
            target=target,
            baseline_value=value.published_value if value is not None else None,
            baseline_year=2024 if value is not None else None,
        )
        for offset, (measure_title, priority) in enumerate(measures):
            number += 1
            status = STATUS_CYCLE[(number + offset) % len(STATUS_CYCLE)]
            progress = {"completed": 100, "in_progress": 35 + 10 * (number % 5), "adopted": 5}.get(
                status, 0
            )
            measure = Measure.objects.create(
                process=process,
                number=number,
                title=measure_title,
                description="Demodaten",
                field_of_action=field,
                lead_organisation=leads[number % len(leads)] if leads else None,
                priority=priority,
                status=status,
                progress=progress,
                start_date=date(2025, 1 + number % 12, 1),
                end_date=date(2027, 12, 31),
                created_by=staff,
            )
            if group is not None:
                measure.target_groups.add(group)
            measure.findings.add(finding)
            if status in ("in_progress", "completed"):
                ProgressReport.objects.create(
                    measure=measure,
                    reported_on=date(2024, 11, 15),
                    progress=progress,
                    status=status,
                    note="Demobericht: Die Umsetzung läuft nach Plan.",
                )


def seed(ctx) -> None:
    process = ctx.process
    staff = ctx.users.get("staff")
    with transaction.atomic():
        if not Measure.objects.filter(process=process).exists():
            _catalogue(process, staff)
        concept = services.concept_ensure(process=process, title=TITLE)
        if not concept.subtitle:
            concept.subtitle = SUBTITLE
            concept.publisher = "Kreis Gütersloh – Kommunales Integrationszentrum (Demo)"
            concept.save(update_fields=["subtitle", "publisher"])
        for chapter in concept.chapters.all():
            text = TEXTS.get(chapter.kind)
            if text and not chapter.text:
                chapter.text = text
                chapter.summary_text = SUMMARY_TEXTS.get(chapter.kind, "")
                chapter.save(update_fields=["text", "summary_text"])
        if not concept.summary_findings.exists():
            concept.summary_findings.set(Finding.objects.filter(process=process))
        if not getattr(settings, "CONCEPT_DEMO_DOCUMENTS", True):
            return
        # Queued on commit: in the embedded default the task runs right then, in process; with a
        # broker a worker builds them. Each is published as soon as it is done.
        for variant, year in (
            (Variant.FULL, None),
            (Variant.SUMMARY, None),
            (Variant.REPORT, 2024),
        ):
            if concept.versions.filter(variant=variant, year=year).exists():
                continue
            if concept.jobs.filter(variant=variant, status__in=["pending", "running"]).exists():
                continue
            services.concept_generate(
                concept=concept, user=staff, variant=variant, year=year, language="de", publish=True
            )
