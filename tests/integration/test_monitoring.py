"""The computation runs in a real Celery worker after an import (PostgreSQL, Redis)."""

import time

import pytest
from django.db import transaction

from monitoring import services
from monitoring.models import ImportRun, IndicatorValue
from tests.monitoring.conftest import official

pytestmark = pytest.mark.integration


def test_import_queues_the_computation_in_the_worker(celery_worker_process):
    services.standard_indicators_load()
    data = official(
        ["2023;05754;;arbeitslose;8.012", "2023;05754;;erwerbspersonen;173.883"],
        header="Jahr;AGS;Gebiet;Reihe;Wert",
    )
    with transaction.atomic():
        report = services.values_import(
            files=[services.ImportFile(name="w.csv", data=data)], fmt="official"
        )
    assert report.applied
    deadline = time.time() + 60
    while time.time() < deadline and not ImportRun.objects.get(pk=report.runs[0]).computed_at:
        time.sleep(0.5)
    assert ImportRun.objects.get(pk=report.runs[0]).computed_at is not None
    value = IndicatorValue.objects.get(indicator__code="W2", territory__key="05754")
    assert value.value == pytest.approx(8012 / 173883 * 100)
    assert "monitoring.compute_indicators" in celery_worker_process["log"].read_text()
