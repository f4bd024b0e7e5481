"""The monitoring API: filters, small-count protection, raw figures, imports, targets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring import services
from monitoring.models import ImportRun, Indicator, Target, Value
from participation.models import AuditEvent
from tests.monitoring.conftest import official, run_import
from tests.monitoring.test_views import SMALL

VALUES = "/api/v1/monitoring/values/"


@pytest.fixture
def figures(mprocess):
    run_import(SMALL, process=mprocess)
    services.indicators_compute()


def test_catalogue_endpoints(api_client, standard, outsider):
    assert api_client.get("/api/v1/monitoring/indicators/").status_code in (401, 403)
    api_client.force_authenticate(outsider)
    body = api_client.get("/api/v1/monitoring/indicators/?area=work").json()
    assert body["count"] >= 8 and {r["area"] for r in body["results"]} == {"work"}
    assert api_client.get("/api/v1/monitoring/areas/").json()["count"] == 6
    series = api_client.get("/api/v1/monitoring/series/?search=arbeitslose").json()
    assert series["results"][0]["aggregation"] == "last"
    kreis = api_client.get("/api/v1/monitoring/territories/?search=05754").json()["results"]
    assert any(t["key"] == "05754" and t["parent"] == "057" for t in kreis)


def test_values_are_published_form_with_filters(
    api_client, figures, mprocess, member, django_assert_max_num_queries
):
    api_client.force_authenticate(member("expert"))
    with django_assert_max_num_queries(12):
        body = api_client.get(
            VALUES, {"process": mprocess.pk, "indicator": "L3", "year": 2023}
        ).json()
    rows = {r["territory"]: r for r in body["results"]}
    assert rows["05754004"]["value"] is None and rows["05754004"]["withheld"]
    assert "numerator" not in rows["05754004"]
    rate = api_client.get(
        VALUES, {"process": mprocess.pk, "indicator": "W2", "target_group": "immigrants"}
    ).json()["results"][0]
    assert rate["value"] is None and rate["gap_total"] is None
    total = api_client.get(
        VALUES,
        {"process": mprocess.pk, "indicator": "W2", "target_group": "all", "territory": "05754"},
    ).json()["results"][0]
    assert total["value"] == pytest.approx(8012 / 173883 * 100)
    work = api_client.get(VALUES, {"process": mprocess.pk, "area": "work"}).json()["results"]
    assert {r["indicator"] for r in work} == {"W2"}


def test_values_refusals(api_client, figures, mprocess, member, outsider):
    api_client.force_authenticate(outsider)
    assert api_client.get(VALUES, {"process": mprocess.pk}).status_code == 403
    expert = member("expert")
    api_client.force_authenticate(expert)
    missing = api_client.get(VALUES)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "process"
    assert api_client.get(VALUES, {"process": mprocess.pk, "year": "zwei"}).status_code == 400
    assert api_client.get(VALUES, {"process": mprocess.pk, "raw": "true"}).status_code == 403
    assert (
        api_client.get("/api/v1/monitoring/raw-values/", {"process": mprocess.pk}).status_code
        == 403
    )
    assert not AuditEvent.objects.filter(action="monitoring.raw_view").exists()


def test_raw_values_for_staff_are_logged(api_client, figures, mprocess, member):
    staff = member("staff")
    api_client.force_authenticate(staff)
    body = api_client.get(
        VALUES, {"process": mprocess.pk, "indicator": "L3", "year": 2023, "raw": "true"}
    ).json()
    rows = {r["territory"]: r for r in body["results"]}
    assert rows["05754004"]["value"] == 2 and rows["05754004"]["suppression"] == "primary"
    raw = api_client.get(
        "/api/v1/monitoring/raw-values/", {"process": mprocess.pk, "series": "arbeitslose"}
    ).json()
    assert {r["value"] for r in raw["results"]} == {8012, 2}
    assert AuditEvent.objects.filter(action="monitoring.raw_view", actor=staff).count() == 2


def test_import_through_the_api(api_client, mprocess, member):
    staff = member("staff")
    api_client.force_authenticate(staff)
    data = official(["2023;05754;;arbeitslose;8.012"], header="Jahr;AGS;Gebiet;Reihe;Wert")
    created = api_client.post(
        "/api/v1/monitoring/imports/",
        {"process": mprocess.pk, "file": SimpleUploadedFile("a.csv", data)},
        format="multipart",
    )
    assert created.status_code == 201 and created.json()["created"] == 1
    bad = api_client.post(
        "/api/v1/monitoring/imports/",
        {
            "process": mprocess.pk,
            "file": SimpleUploadedFile(
                "b.csv", b"Jahr;AGS;Reihe;Wert\n2023;05754;arbeitslose;x y\n"
            ),
        },
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["message"] == "b.csv row 2: keine Zahl: 'x y'"
    assert Value.objects.count() == 1
    runs = api_client.get("/api/v1/monitoring/imports/").json()
    assert {r["status"] for r in runs["results"]} == {"applied", "rejected"}
    expert = member("expert")
    api_client.force_authenticate(expert)
    refused = api_client.post(
        "/api/v1/monitoring/imports/",
        {"process": mprocess.pk, "file": SimpleUploadedFile("a.csv", data)},
        format="multipart",
    )
    assert refused.status_code == 403
    assert api_client.get("/api/v1/monitoring/imports/").json()["count"] == 0
    assert ImportRun.objects.count() == 2


def test_targets_api(api_client, mprocess, member, outsider):
    staff = member("staff")
    api_client.force_authenticate(staff)
    created = api_client.post(
        "/api/v1/monitoring/targets/",
        {
            "process": mprocess.pk,
            "indicator": "W2",
            "target_group": "immigrants",
            "value": 8.0,
            "year": 2030,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    target = Target.objects.get()
    assert created.json()["uuid"] == str(target.uuid)
    duplicate = api_client.post(
        "/api/v1/monitoring/targets/",
        {
            "process": mprocess.pk,
            "indicator": "W2",
            "target_group": "immigrants",
            "value": 7.0,
            "year": 2030,
        },
        format="json",
    )
    assert duplicate.status_code == 400
    bad = api_client.post(
        "/api/v1/monitoring/targets/",
        {"process": mprocess.pk, "indicator": "NOPE", "value": 1, "year": 2030},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "indicator"
    url = f"/api/v1/monitoring/targets/{target.pk}/"
    assert api_client.patch(url, {"value": 7.5}, format="json").json()["value"] == 7.5
    expert = member("expert")
    api_client.force_authenticate(expert)
    assert api_client.get(url).status_code == 200
    assert api_client.patch(url, {"value": 1}, format="json").status_code == 403
    assert api_client.delete(url).status_code == 403
    api_client.force_authenticate(outsider)
    assert api_client.get(url).status_code == 404
    assert (
        api_client.post(
            "/api/v1/monitoring/targets/",
            {"process": mprocess.pk, "indicator": "W2", "value": 1, "year": 2030},
            format="json",
        ).status_code
        == 403
    )
    api_client.force_authenticate(staff)
    assert api_client.delete(url).status_code == 204
    assert Indicator.objects.filter(code="W2").exists() and not Target.objects.exists()
