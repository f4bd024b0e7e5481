"""Context figures carry no judgement: no direction, no trend rating, no target."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from monitoring import services
from monitoring.models import Indicator, IndicatorValue
from tests.monitoring.conftest import official, run_import

# figures whose rise or fall is neither good nor bad
MUST_BE_CONTEXT = {"D1", "D2", "D4", "D6", "D7", "D8", "E3"}


def test_standard_set_gives_no_context_indicator_a_direction():
    indicators = services.standard_set()["indicators"]
    context = {i["code"] for i in indicators if i.get("category") == "context"}
    assert MUST_BE_CONTEXT <= context
    for item in indicators:
        if item.get("category") == "context":
            assert "direction" not in item, f"context indicator {item['code']} has a direction"
        else:
            assert item.get("direction") in (1, -1), f"{item['code']} has no direction"


def test_loaded_standard_set_and_database_agree(standard):
    assert not Indicator.objects.filter(category="context", direction__isnull=False).exists()
    assert (
        set(Indicator.objects.filter(category="context").values_list("code", flat=True))
        >= MUST_BE_CONTEXT
    )
    outcome = Indicator.objects.get(code="W2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=outcome.pk).update(category="context")


def test_context_indicator_gets_no_trend_rating(standard, mprocess):
    rows = [
        f"{year};05754;;{series};{value}"
        for year, share in zip(range(2019, 2024), (8, 9, 10, 11, 12), strict=True)
        for series, value in (("auslaender", share * 1000), ("bevoelkerung", 100000))
    ]
    rows += [
        f"{year};05754;;{series};{value}"
        for year, rate in zip(range(2019, 2024), (8, 7, 6, 5, 4), strict=True)
        for series, value in (("arbeitslose", rate * 100), ("erwerbspersonen", 10000))
    ]
    assert run_import(official(rows, "Jahr;AGS;Gebiet;Reihe;Wert"), process=mprocess).applied
    services.indicators_compute()
    share = IndicatorValue.objects.filter(indicator__code="D1", year=2023, target_group=None)
    assert share.get().value == pytest.approx(12.0) and share.get().trend == ""
    rate = IndicatorValue.objects.get(indicator__code="W2", year=2023, target_group=None)
    assert rate.trend == "on_track"  # an outcome indicator is still rated


def test_context_indicator_takes_no_target(standard, mprocess, member):
    staff = member("staff")
    with pytest.raises(ValidationError) as error:
        services.target_save(
            user=staff,
            process=mprocess,
            indicator=Indicator.objects.get(code="D1"),
            value=5,
            year=2030,
            target_group=None,
        )
    assert "Kontextindikator" in str(error.value) or "context indicator" in str(error.value)
