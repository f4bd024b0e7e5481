"""The withheld-value rule lives in one selector (``value_as_shown``): a value small-count
protection withholds is not shown, nor are its changes and gaps; the indicator page and the API
both ask it, and the raw view (staff) sees everything."""

import pytest
from django.urls import reverse

from monitoring import selectors
from monitoring.models import IndicatorValue
from tests.monitoring.test_api import VALUES, figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _withheld_rate():
    # 2 unemployed immigrants out of 46: a rate from too few cases, withheld
    return IndicatorValue.objects.get(
        indicator__code="W2", territory__key="05754", year=2023, target_group__code="immigrants"
    )


def test_selector_hides_the_value_and_its_comparisons(figures):  # noqa: F811
    rate = _withheld_rate()
    assert rate.published_value is None and rate.value is not None
    assert any(getattr(rate, name) is not None for name in selectors.COMPARISONS)
    published = selectors.value_as_shown(rate, raw=False)
    assert (published.value, published.withheld, published.hidden) == (None, True, True)
    assert set(published.comparisons) == set(selectors.COMPARISONS)
    assert all(v is None for v in published.comparisons.values())
    raw = selectors.value_as_shown(rate, raw=True)
    assert (raw.value, raw.withheld, raw.hidden) == (rate.value, True, False)
    assert raw.comparisons == {name: getattr(rate, name) for name in selectors.COMPARISONS}


def test_api_asks_the_selector(api_client, figures, mprocess, member):  # noqa: F811
    rate = _withheld_rate()
    api_client.force_authenticate(member("expert"))
    body = api_client.get(
        VALUES,
        {"process": mprocess.pk, "indicator": "W2", "year": 2023, "target_group": "immigrants"},
    ).json()
    row = next(r for r in body["results"] if r["territory"] == "05754" and r["id"] == rate.pk)
    assert row["value"] is None and row["withheld"] is True
    assert {name: row[name] for name in selectors.COMPARISONS} == dict.fromkeys(
        selectors.COMPARISONS
    )


def test_page_asks_the_selector(client, figures, mprocess, member):  # noqa: F811
    rate = _withheld_rate()
    client.force_login(member("expert"))
    page = client.get(reverse("monitoring:indicator", args=[mprocess.pk, "W2"]))
    assert page.context["withheld"] is True
    row = next(c for c in page.context["comparisons"] if c["label"] == rate.target_group.label)
    assert row["value"] == "."
    for name in ("change_previous", "change_base", "gap_total", "gap_land", "gap_bund"):
        assert row[name] == ("–" if getattr(rate, name) is None else "."), name
    assert row["cagr"] == ("–" if rate.cagr is None else ".")
