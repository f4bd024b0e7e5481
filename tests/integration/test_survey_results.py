"""The survey results aggregation through a real Celery worker on Redis."""

import time

import pytest
from django.db import transaction

from surveys.models import Survey
from surveys.results.models import ResultResponse
from surveys.services import definition as defs
from tests.factories import ProcessFactory
from tests.surveys.conftest import all_types_definition
from tests.surveys.results_helpers import submit_random

pytestmark = pytest.mark.integration


def _cells(version_id):
    from tests.surveys.test_results_aggregation import snapshot

    return snapshot(version_id)


def test_completion_is_aggregated_by_the_worker_and_rebuild_agrees(celery_worker_process):
    survey = defs.survey_create_from_definition(
        user=None, process=ProcessFactory(), definition=all_types_definition(), status="open"
    )
    assert survey.status == Survey.Status.OPEN
    with transaction.atomic():
        responses = submit_random(survey, 25, seed=11)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ResultResponse.objects.filter(version_id=survey.current_version_id).count() == 25:
            break
        time.sleep(0.2)
    assert ResultResponse.objects.filter(version_id=survey.current_version_id).count() == 25
    incremental = _cells(survey.current_version_id)
    from surveys.results.tasks import rebuild_results

    assert rebuild_results.delay(survey.current_version_id).get(timeout=60) == len(responses)
    assert _cells(survey.current_version_id) == incremental
    assert "surveys.drain_results" in celery_worker_process["log"].read_text()
