"""The demo catalogue: evidence for every field of action, goals with targets, ~40 measures in
every status, reports and milestones, proposals from conference idea cards; idempotent."""

from collections import Counter

from django.core.management import call_command
from django.urls import reverse

from measures.models import (
    Evidence,
    Finding,
    Measure,
    MeasureOrigin,
    Milestone,
    OperationalGoal,
    ProgressReport,
    ReportingLink,
)


def test_demo_catalogue(demo_db, client):
    from participation.demo import PROCESS_TITLE
    from participation.models import Process

    process = Process.objects.get(title=PROCESS_TITLE)
    fields = set(process.fields_of_action.values_list("code", flat=True))
    with_evidence = set(
        Finding.objects.filter(process=process, evidence__isnull=False).values_list(
            "field_of_action__code", flat=True
        )
    )
    assert with_evidence == fields
    kinds = set(Evidence.objects.filter(finding__process=process).values_list("kind", flat=True))
    assert kinds == {"statement", "indicator_value", "survey_figure"}
    assert (
        OperationalGoal.objects.filter(
            process=process, target__isnull=False, baseline_value__isnull=False
        ).count()
        >= 3
    )
    measures = Measure.objects.filter(process=process)
    assert 38 <= measures.count() <= 45
    assert set(Counter(measures.values_list("status", flat=True))) == set(Measure.Status.values)
    from_cards = measures.filter(origins__statement__source_type__model="conferencecard").distinct()
    assert from_cards.count() >= 5
    assert ProgressReport.objects.filter(measure__process=process).count() >= 15
    assert Milestone.objects.filter(measure__process=process).exists()
    assert ReportingLink.objects.filter(process=process).exists()
    counts = (measures.count(), Evidence.objects.count(), MeasureOrigin.objects.count())
    call_command("seed_demo")
    assert (measures.count(), Evidence.objects.count(), MeasureOrigin.objects.count()) == counts
    public = client.get(reverse("measures:public", args=[process.pk]))
    assert public.status_code == 200 and "Sprachcafés in jeder Stadt" in public.content.decode()
    client.login(username="staff", password="teilhabe-demo")
    m = measures.get(title="Sprachcafés in jeder Stadt")
    assert client.get(reverse("measures:trail", args=[process.pk, m.pk])).status_code == 200
    assert client.get(reverse("measures:goals", args=[process.pk])).status_code == 200
