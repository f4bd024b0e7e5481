"""How long the concept document takes to write, and what it costs beside the typesetting.

Usage: python benchmarks/concept_document.py [--quick]

Builds a process with seven fields of action, 2,000 measures, 500 cited Statements and 40
indicators over 15 years (``--quick``: 200 measures, 50 Statements, 10 indicators over 5 years)
in a throw-away test database, then times

- ``docx_s``: gathering the data and writing the full concept as DOCX,
- ``pdf_s``: gathering the data and typesetting the full concept as PDF/UA-1,
- ``floor_s``: WeasyPrint alone on the same print HTML (the floor the PDF cannot beat),

and reports ``pdf_ratio_to_floor = pdf_s / floor_s`` (aim ≤ 1.5), the peak resident memory of
the process (aim < 1024 MB) and the pages. The last line is one JSON object.
"""

import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(quick: bool) -> dict:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if quick:
            return run(measures=200, statements=50, indicators=10, years=5, quick=True)
        return run(measures=2000, statements=500, indicators=40, years=15, quick=False)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def seed(*, measures: int, statements: int, indicators: int, years: int):
    from measures.concept import services
    from measures.models import Evidence, Finding, Measure, OperationalGoal, StrategicGoal
    from monitoring import services as monitoring_services
    from monitoring.models import Indicator, IndicatorValue, Target, Territory
    from participation.models import FieldOfAction, Organisation, Statement, TargetGroup
    from tests.factories import ProcessFactory

    monitoring_services.standard_indicators_load()
    process = ProcessFactory(territory_key="05754", territory="Kreis Gütersloh")
    fields = list(FieldOfAction.objects.order_by("order")[:7])
    groups = list(TargetGroup.objects.order_by("order"))
    process.fields_of_action.set(fields)
    process.target_groups.set(groups)
    assert len(fields) == 7, "the standard catalogue has seven fields of action"

    # Indicators: the standard set, topped up with copies to reach the wanted number.
    existing = list(Indicator.objects.order_by("area__order", "order"))
    keep = existing[:indicators]
    Indicator.objects.exclude(pk__in=[i.pk for i in keep]).delete()
    template = keep[0]
    while len(keep) < indicators:
        copy = Indicator.objects.get(pk=template.pk)
        copy.pk = None
        copy.code = f"X{len(keep)}"
        copy.name = f"Zusatzindikator {len(keep)}"
        copy.save()
        keep.append(copy)
    county = Territory.objects.get(key="05754")
    refs = [
        t
        for t in (
            Territory.objects.filter(level="land").first(),
            Territory.objects.filter(level="bund").first(),
        )
        if t
    ]
    rows = []
    first_year = 2025 - years
    for n, indicator in enumerate(keep):
        for k, year in enumerate(range(first_year, 2025)):
            base = 20 + n % 30 + k * 0.4
            rows.append(
                IndicatorValue(
                    indicator=indicator,
                    territory=county,
                    year=year,
                    cell="tg=|sex=|age=",
                    value=base,
                    published_value=base,
                    trend="on_track" if year == 2024 else "",
                )
            )
            for g, group in enumerate(groups):
                value = base - 5 + g
                hidden = (n + k + g) % 23 == 0  # a few small counts, withheld
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        territory=county,
                        year=year,
                        target_group=group,
                        cell=f"tg={group.code}|sex=|age=",
                        value=value,
                        published_value=None if hidden else value,
                        suppression="primary" if hidden else "",
                    )
                )
            for r, ref in enumerate(refs):
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        territory=ref,
                        year=year,
                        cell="tg=|sex=|age=",
                        value=base + 2 + r,
                        published_value=base + 2 + r,
                    )
                )
        Target.objects.create(process=process, indicator=indicator, value=40 + n % 10, year=2030)
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)

    # Statements, findings citing them (500 citations), goals, measures.
    pool = Statement.objects.bulk_create(
        [
            Statement(
                process=process,
                text=f"Aussage {i}: Die Beratung in der eigenen Sprache fehlt an vielen Orten.",
                kind="need",
                source_label=f"Interview P-{i:04d}",
            )
            for i in range(statements)
        ]
    )
    per_field = max(1, -(-statements // (7 * 5)))  # enough findings (5 citations each)
    findings = []
    for f, field in enumerate(fields):
        for j in range(per_field):
            findings.append(
                Finding(
                    process=process,
                    field_of_action=field,
                    title=f"Befund {f}.{j}",
                    current_state="Beleg [1], [2], [3], [4] und [5].",
                    target_state="Ziel erreicht.",
                )
            )
    findings = Finding.objects.bulk_create(findings)
    evidence = []
    index = 0
    for finding in findings:
        for number in range(1, 6):
            if index >= len(pool):
                break
            evidence.append(
                Evidence(finding=finding, number=number, kind="statement", statement=pool[index])
            )
            index += 1
    Evidence.objects.bulk_create(evidence)
    for f, field in enumerate(fields):
        goal = StrategicGoal.objects.create(
            process=process, field_of_action=field, title=f"Leitziel {f}"
        )
        for j in range(3):
            OperationalGoal.objects.create(
                strategic_goal=goal,
                process=process,
                title=f"Ziel {f}.{j}",
                indicator=keep[(f * 3 + j) % len(keep)],
            )
    orgs = Organisation.objects.bulk_create([Organisation(name=f"Träger {i}") for i in range(50)])
    Measure.objects.bulk_create(
        [
            Measure(
                process=process,
                number=i + 1,
                title=f"Maßnahme {i + 1}: Beratung und Begleitung im Quartier",
                field_of_action=fields[i % 7],
                lead_organisation=orgs[i % 50],
                priority=("high", "medium", "low")[i % 3],
                status=("adopted", "in_progress", "completed", "proposed")[i % 4],
                progress=(i * 7) % 101,
                start_date=date(2025, 1, 1),
                end_date=date(2027, 12, 31),
            )
            for i in range(measures)
        ],
        batch_size=1000,
    )
    concept = services.concept_ensure(process=process)
    for chapter in concept.chapters.all():
        chapter.text = "Ein Absatz **Text** der Redaktion.\n\n- Punkt eins\n- Punkt zwei"
        chapter.save(update_fields=["text"])
    return concept, len(evidence)


def run(*, measures: int, statements: int, indicators: int, years: int, quick: bool) -> dict:
    from django.utils import translation

    from measures.concept import gather, render_docx, render_html, render_pdf

    seed_s, (concept, citations) = timed(
        lambda: seed(measures=measures, statements=statements, indicators=indicators, years=years)
    )
    print(
        f"seeded in {seed_s:.1f} s: {measures} measures, {citations} citations, "
        f"{indicators} indicators × {years} years"
    )
    # Warm WeasyPrint's font and style caches once, so neither timed run pays for them.
    render_pdf.from_html('<html lang="de"><title>x</title><p>x <b>y</b></p></html>')
    with translation.override("de"):
        gather_s, (doc, _snap) = timed(lambda: gather.build(concept, variant="full", language="de"))
        print(f"gather (data → document structure): {gather_s:.2f} s, {len(doc.endnotes)} endnotes")
        docx_render_s, docx = timed(lambda: render_docx.render(doc))
        docx_s = gather_s + docx_render_s
        print(f"DOCX: {docx_s:.2f} s ({len(docx) / 1e6:.1f} MB)")
        pdf_gather_s, (doc2, _snap2) = timed(
            lambda: gather.build(concept, variant="full", language="de")
        )
        html_s, html = timed(lambda: render_html.standalone(doc2, mode="print"))
        typeset_s, rendered = timed(lambda: render_pdf.from_html(html))
        pdf_s = pdf_gather_s + html_s + typeset_s
        print(f"PDF: {pdf_s:.2f} s ({rendered.pages} pages, {len(rendered.data) / 1e6:.1f} MB)")
        floor_s, floor = timed(lambda: render_pdf.from_html(html))
        print(f"floor (WeasyPrint alone on the same HTML): {floor_s:.2f} s")
    result = {
        "benchmark": "concept_document",
        "quick": quick,
        "measures": measures,
        "citations": citations,
        "indicators": indicators,
        "years": years,
        "pages": rendered.pages,
        "endnotes": len(doc.endnotes),
        "gather_s": round(pdf_gather_s, 2),
        "docx_s": round(docx_s, 2),
        "pdf_s": round(pdf_s, 2),
        "floor_s": round(floor_s, 2),
        "pdf_ratio_to_floor": round(pdf_s / floor_s, 3) if floor_s else None,
        "peak_mb": round(peak_mb(), 1),
        "aim": {"pdf_ratio_to_floor_max": 1.5, "peak_mb_max": 1024},
    }
    result["aim_met"] = result["pdf_ratio_to_floor"] <= 1.5 and result["peak_mb"] < 1024
    return result


if __name__ == "__main__":
    print(json.dumps(main("--quick" in sys.argv), ensure_ascii=False))
