"""The demo's surveys show results: seed_demo counts the generated responses."""

from django.core.management import call_command
from django.urls import reverse

from surveys.models import Survey
from surveys.results import aggregation
from surveys.results.models import ResultCell, ResultsPublication


def test_seed_demo_builds_result_rows(demo_db, client):
    assert aggregation.versions_out_of_step() == []
    surveys = Survey.objects.filter(responses__status="complete").distinct()
    assert surveys.count() >= 2
    for survey in surveys:
        cell = ResultCell.objects.get(
            version=survey.current_version, question="", breakdown="", metric="resp"
        )
        assert cell.count == survey.responses.filter(status="complete", is_test=False).count()
    public = ResultsPublication.objects.filter(public=True).first()
    assert public is not None
    response = client.get(reverse("surveys:results_public", args=[public.survey.public_id]))
    assert response.status_code == 200 and response.context["suppress"] is True
    call_command("seed_demo", verbosity=0)  # idempotent
    assert ResultsPublication.objects.count() == 1
