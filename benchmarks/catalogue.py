"""How the catalogue of measures scales: the filtered list, the matrix and the evidence trail.

Usage: python benchmarks/catalogue.py [--quick]

Builds a catalogue of 2,000 measures with 20,000 evidence links (10,000 citations of
Statements in findings and 10,000 origin links of measures) and 10,000 history rows in a
throw-away test database (SQLite unless DATABASE_URL says otherwise). First with a tenth of the
rows, then with all: the number of queries per page must be the same at both sizes. Each page
is requested repeatedly through Django's test client (the full stack without a network); the
p95 time per page is compared with a plain selector query over the same rows measured in the
same run. The last line is one JSON object.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed_runs(fn, runs: int) -> list[float]:
    fn()  # warm-up: templates, URL resolver, catalogues
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(quick: bool) -> dict:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(quick)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


class Builder:
    """Bulk rows (no services: the benchmark measures the reads, not the writes)."""

    def __init__(self):
        from django.contrib.auth import get_user_model

        from participation.models import (
            FieldOfAction,
            Organisation,
            Process,
            ProcessMembership,
            TargetGroup,
        )

        self.user = get_user_model().objects.create_user("bench", password="bench-pw-123")
        self.process = Process.objects.create(
            title="Benchmark",
            territory="Kreis",
            period_start=date(2025, 1, 1),
            period_end=date(2030, 12, 31),
        )
        self.process.fields_of_action.set(FieldOfAction.objects.all())
        self.process.target_groups.set(TargetGroup.objects.all())
        ProcessMembership.objects.create(process=self.process, user=self.user, role="staff")
        self.fields = list(FieldOfAction.objects.all())
        self.groups = list(TargetGroup.objects.all())
        self.orgs = Organisation.objects.bulk_create(
            [Organisation(name=f"Träger {i}") for i in range(40)]
        )
        self.measures = 0
        self.findings = []
        self.statements = []

    def add(
        self,
        measures: int,
        findings: int,
        statements: int,
        cites_per_finding: int,
        origins_per_measure: int,
        history_per_measure: int,
    ) -> None:
        from measures.models import Evidence, Finding, Measure, MeasureOrigin
        from participation.models import Statement

        start = len(self.statements)
        self.statements += Statement.objects.bulk_create(
            [
                Statement(
                    process=self.process,
                    text=f"Aussage {start + i} zu Sprache und Arbeit",
                    kind="idea",
                    source_label=f"Konferenzkarte {start + i}",
                )
                for i in range(statements)
            ]
        )
        f0 = len(self.findings)
        new_findings = Finding.objects.bulk_create(
            [
                Finding(
                    process=self.process,
                    field_of_action=self.fields[(f0 + i) % len(self.fields)],
                    title=f"Befund {f0 + i}",
                    current_state="IST [1]",
                    target_state="SOLL [2]",
                )
                for i in range(findings)
            ]
        )
        self.findings += new_findings
        Evidence.objects.bulk_create(
            [
                Evidence(
                    finding=f,
                    number=n + 1,
                    kind="statement",
                    statement=self.statements[(i * cites_per_finding + n) % len(self.statements)],
                    cited_label="Zitat",
                )
                for i, f in enumerate(new_findings)
                for n in range(cites_per_finding)
            ]
        )
        m0 = self.measures
        statuses = [
            "proposed",
            "in_review",
            "adopted",
            "in_progress",
            "completed",
            "discontinued",
            "rejected",
        ]
        new = Measure.objects.bulk_create(
            [
                Measure(
                    process=self.process,
                    number=m0 + i + 1,
                    title=f"Maßnahme {m0 + i + 1}",
                    description="Beschreibung mit Sprachkurs und Beratung",
                    field_of_action=self.fields[(m0 + i) % len(self.fields)],
                    lead_organisation=self.orgs[(m0 + i) % len(self.orgs)],
                    status=statuses[(m0 + i) % len(statuses)],
                    progress=(m0 + i) % 101,
                    priority=["high", "medium", "low"][(m0 + i) % 3],
                    start_date=date(2025, 1, 1) + timedelta(days=(m0 + i) % 700),
                    end_date=date(2027, 1, 1) + timedelta(days=(m0 + i) % 700),
                )
                for i in range(measures)
            ]
        )
        self.measures += measures
        tg = Measure.target_groups.through
        tg.objects.bulk_create(
            [
                tg(
                    measure_id=m.pk,
                    targetgroup_id=self.groups[(m.number + k) % len(self.groups)].pk,
                )
                for m in new
                for k in range(1 + m.number % 2)
            ]
        )
        mf = Measure.findings.through
        mf.objects.bulk_create(
            [
                mf(
                    measure_id=m.pk,
                    finding_id=self.findings[(m.number * 3 + k) % len(self.findings)].pk,
                )
                for m in new
                for k in range(3)
            ]
        )
        MeasureOrigin.objects.bulk_create(
            [
                MeasureOrigin(
                    measure=m,
                    statement=self.statements[
                        (m.number * origins_per_measure + k) % len(self.statements)
                    ],
                )
                for m in new
                for k in range(origins_per_measure)
            ]
        )
        history = Measure.history.model
        now = django.utils.timezone.now()
        rows = []
        for m in new:
            for v in range(history_per_measure):
                rows.append(
                    history(
                        id=m.pk,
                        process_id=m.process_id,
                        number=m.number,
                        title=f"{m.title} v{v}",
                        description=m.description,
                        field_of_action_id=m.field_of_action_id,
                        lead_organisation_id=m.lead_organisation_id,
                        priority=m.priority,
                        status=m.status,
                        progress=m.progress,
                        weight=1,
                        version=v + 1,
                        links_summary="",
                        funding_source="",
                        start_date=m.start_date,
                        end_date=m.end_date,
                        history_date=now - timedelta(days=history_per_measure - v),
                        history_type="+" if v == 0 else "~",
                        history_user=self.user,
                    )
                )
        history.objects.bulk_create(rows)


def measure_pages(b, runs: int) -> dict:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from measures.models import Evidence, Measure, MeasureOrigin

    client = Client()
    client.force_login(b.user)
    foa = b.fields[1]
    list_url = reverse("measures:catalogue", args=[b.process.pk])
    list_params = {"status": ["in_progress", "adopted"], "field_of_action": foa.pk}
    matrix_url = reverse("measures:matrix", args=[b.process.pk])
    target = Measure.objects.filter(process=b.process).order_by("number")[5]
    trail_url = reverse("measures:trail", args=[b.process.pk, target.pk])
    out = {}
    for name, call in (
        ("list", lambda: client.get(list_url, list_params)),
        ("matrix", lambda: client.get(matrix_url)),
        ("trail", lambda: client.get(trail_url)),
    ):
        response = call()
        assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            call()
        out[f"{name}_queries"] = len(queries)
        out[f"{name}_p95_ms"] = round(p95(timed_runs(call, runs)), 1)

    def plain_list():
        return list(
            Measure.objects.filter(
                process=b.process, status__in=list_params["status"], field_of_action=foa
            )
            .order_by("number")
            .values("id", "number", "title", "status", "progress")[:50]
        )

    def plain_matrix():
        return list(
            Measure.target_groups.through.objects.filter(measure__process=b.process)
            .values("measure__field_of_action_id", "targetgroup_id")
            .annotate(n=Count("id"))
        )

    def plain_trail():
        return (
            list(
                Evidence.objects.filter(finding__measures=target).values(
                    "id", "number", "cited_label", "statement__text"
                )
            ),
            list(MeasureOrigin.objects.filter(measure=target).values("statement__text")),
        )

    for name, fn in (("list", plain_list), ("matrix", plain_matrix), ("trail", plain_trail)):
        out[f"{name}_plain_p95_ms"] = round(p95(timed_runs(fn, runs)), 2)
        out[f"{name}_ratio"] = round(
            out[f"{name}_p95_ms"] / max(out[f"{name}_plain_p95_ms"], 0.01), 1
        )
    out["trail_items"] = (
        Evidence.objects.filter(finding__measures=target).count()
        + MeasureOrigin.objects.filter(measure=target).count()
    )
    return out


def run(quick: bool) -> dict:
    from measures.models import Evidence, Measure, MeasureOrigin

    runs = 10 if quick else 40
    total_measures = 2000
    b = Builder()
    # a tenth of the catalogue first, then the rest
    shape = {
        "findings": 20,
        "statements": 500,
        "cites_per_finding": 50,
        "origins_per_measure": 5,
        "history_per_measure": 5,
    }
    b.add(measures=total_measures // 10, **shape)
    small = measure_pages(b, max(3, runs // 3))
    b.add(
        measures=total_measures - total_measures // 10,
        **{**shape, "findings": 180, "statements": 4500},
    )
    full = measure_pages(b, runs)
    history_rows = Measure.history.model.objects.count()
    links = Evidence.objects.count() + MeasureOrigin.objects.count()
    print(
        f"catalogue: {Measure.objects.count()} measures, {links} evidence links "
        f"({Evidence.objects.count()} citations, {MeasureOrigin.objects.count()} origins), "
        f"{history_rows} history rows; {runs} requests per page"
    )
    for name in ("list", "matrix", "trail"):
        print(
            f"{name:7s} queries {small[name + '_queries']:3d} at 1/10 size, "
            f"{full[name + '_queries']:3d} at full size; p95 {full[name + '_p95_ms']:8.1f} ms "
            f"(plain selector {full[name + '_plain_p95_ms']:.2f} ms, ratio "
            f"{full[name + '_ratio']}×)"
        )
    constant = all(
        small[f"{n}_queries"] == full[f"{n}_queries"] for n in ("list", "matrix", "trail")
    )
    print("queries per page constant across sizes:", constant)
    return {
        "measures": Measure.objects.count(),
        "evidence_links": links,
        "history_rows": history_rows,
        "database": connection.vendor,
        "runs": runs,
        "list_queries": full["list_queries"],
        "matrix_queries": full["matrix_queries"],
        "trail_queries": full["trail_queries"],
        "queries_constant": constant,
        "list_p95_ms": full["list_p95_ms"],
        "matrix_p95_ms": full["matrix_p95_ms"],
        "trail_p95_ms": full["trail_p95_ms"],
        "trail_items": full["trail_items"],
        "list_ratio": full["list_ratio"],
        "matrix_ratio": full["matrix_ratio"],
        "trail_ratio": full["trail_ratio"],
    }


if __name__ == "__main__":
    print(json.dumps(main(quick="--quick" in sys.argv)))
