"""The demo: five years of clearly labelled demo figures for Kreis Gütersloh, idempotent."""

from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from monitoring.models import ImportRun, Indicator, IndicatorValue, Value


def test_seed_demo_shows_five_years_and_runs_twice(demo_db, client):
    values = Value.objects.count()
    computed = IndicatorValue.objects.count()
    assert values > 10000 and computed > 5000
    years = set(IndicatorValue.objects.values_list("year", flat=True))
    assert years == {2020, 2021, 2022, 2023, 2024}
    keys = set(Value.objects.values_list("territory__key", flat=True))
    assert {"05754", "05754008", "05754052", "05", "DG"} <= keys
    assert Value.objects.filter(source__startswith="Demodaten").count() == values
    assert Indicator.objects.filter(demo=False).count() == 0
    assert Indicator.objects.count() >= 30
    call_command("seed_demo")
    assert Value.objects.count() == values and ImportRun.objects.count() == 1
    assert IndicatorValue.objects.count() == computed

    client.login(username="expert", password="teilhabe-demo")
    page = client.get("/monitoring/", follow=True).content.decode()
    with translation.override("de"):  # the expert's page is in the default language
        assert gettext("Demo figures") in page
    from participation.demo import PROCESS_TITLE
    from participation.models import Process

    process = Process.objects.get(title=PROCESS_TITLE)
    detail = client.get(f"/monitoring/{process.pk}/indicators/W2/").content.decode()
    assert "Nordrhein-Westfalen" in detail and "Deutschland" in detail
