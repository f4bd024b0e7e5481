"""Pages: who may see what, published versus raw figures, uploads, targets, data requests."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from monitoring import services
from monitoring.models import (
    Area,
    DataRequest,
    ImportRun,
    IndicatorValue,
    Series,
    Target,
    Value,
)
from participation.models import AuditEvent, Phase
from tests.monitoring.conftest import official, run_import

OTHER_MUNICIPALITIES = [f"057540{n}" for n in range(12, 53, 4)]
SMALL = official(
    [
        # the county and all its municipalities: 12 = 2 + 10 + 0 + … participants
        "2023;05754;;berufssprachkurs;12",
        "2023;05754004;;berufssprachkurs;2",
        "2023;05754008;;berufssprachkurs;10",
        *[f"2023;{key};;berufssprachkurs;0" for key in OTHER_MUNICIPALITIES],
        "2022;05754;;berufssprachkurs;20",
        "2021;05754;;berufssprachkurs;25",
        "2023;05754;;arbeitslose;8.012",
        "2023;05754;;erwerbspersonen;173.883",
        "2023;05754;immigrants;arbeitslose;2",
        "2023;05754;immigrants;erwerbspersonen;46",
    ]
)


@pytest.fixture
def figures(mprocess):
    report = run_import(SMALL, process=mprocess)
    assert report.applied, report.rejected
    services.indicators_compute()
    return report


def test_outsider_and_anonymous_are_refused(client, figures, mprocess, outsider):
    url = reverse("monitoring:dashboard", args=[mprocess.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.get(reverse("monitoring:indicator", args=[mprocess.pk, "L3"])).status_code == 403
    assert client.get(reverse("monitoring:download", args=[mprocess.pk, "csv"])).status_code == 403


def test_expert_sees_published_figures_only(
    client, figures, mprocess, member, django_assert_max_num_queries
):
    client.force_login(member("expert"))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("monitoring:dashboard", args=[mprocess.pk]))
    assert page.status_code == 200
    assert "Teilnehmende an Berufssprachkursen" in page.content.decode()
    detail = client.get(reverse("monitoring:indicator", args=[mprocess.pk, "L3"])).content.decode()
    assert "<svg" in detail and "<table" in detail
    assert "Borgholzhausen" in detail
    # 2 in Borgholzhausen is withheld, and so is Gütersloh's 10 (it would reveal the 2)
    stored = {
        v.territory.key: v for v in IndicatorValue.objects.filter(indicator__code="L3", year=2023)
    }
    assert stored["05754004"].suppression == "primary"
    assert "secondary" in {stored["05754008"].suppression, stored["05754"].suppression}
    assert "„.“ = gesperrt" in detail
    # the unemployment rate of 2 people out of 46 is not published
    rate = IndicatorValue.objects.get(
        indicator__code="W2", territory__key="05754", year=2023, target_group__code="immigrants"
    )
    assert rate.suppression == "rate" and rate.published_value is None
    csv_text = client.get(
        reverse("monitoring:indicator_download", args=[mprocess.pk, "W2", "csv"])
    ).content.decode("utf-8-sig")
    assert "4,6" in csv_text  # 8,012 / 173,883 = 4.61 %, German notation
    assert ";.;" in csv_text
    # the raw view is refused for experts
    assert (
        client.get(reverse("monitoring:dashboard", args=[mprocess.pk]) + "?raw=1").status_code
        == 403
    )
    assert client.get(reverse("monitoring:imports", args=[mprocess.pk])).status_code == 403


def test_staff_raw_view_is_logged(client, figures, mprocess, member):
    staff = member("staff")
    client.force_login(staff)
    url = reverse("monitoring:indicator", args=[mprocess.pk, "L3"]) + "?raw=1"
    page = client.get(url).content.decode()
    with translation.override("de"):  # the page is in the default language
        assert gettext("Raw figures without small-count protection.") in page
    event = AuditEvent.objects.get(action="monitoring.raw_view")
    assert (
        event.actor == staff and event.process == mprocess and event.detail["view"] == "indicator"
    )
    assert client.get(reverse("monitoring:indicator", args=[mprocess.pk, "L3"])).status_code == 200
    assert AuditEvent.objects.filter(action="monitoring.raw_view").count() == 1


def test_downloads(client, figures, mprocess, member):
    client.force_login(member("facilitator"))
    xlsx = client.get(reverse("monitoring:download", args=[mprocess.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sdg = client.get(reverse("monitoring:indicator_download", args=[mprocess.pk, "L3", "opensdg"]))
    text = sdg.content.decode()
    assert text.splitlines()[0].startswith("Year,") and text.splitlines()[0].endswith(",Value")
    lines = text.splitlines()
    withheld = [line for line in lines if line.startswith("2023,L3") and ",05754004," in line]
    assert withheld and withheld[0].endswith(",")  # no value, a comment instead
    svg = client.get(reverse("monitoring:chart", args=[mprocess.pk, "L3"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<title" in svg.content
    assert client.get(reverse("monitoring:download", args=[mprocess.pk, "pdf"])).status_code == 404


def test_upload_official_table(client, mprocess, member, django_capture_on_commit_callbacks):
    client.force_login(member("staff"))
    url = reverse("monitoring:imports", args=[mprocess.pk])
    data = official(["2023;05754;;arbeitslose;8.012"], header="Jahr;AGS;Gebiet;Reihe;Wert")
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post(url, {"file": SimpleUploadedFile("t.csv", data), "format": "auto"})
    assert uploaded.status_code == 302 and "/check/" in uploaded["Location"]
    check = client.get(uploaded["Location"])
    assert not ImportRun.objects.exists() and "Kreis Gütersloh" in check.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(uploaded["Location"], {"role_0": "territory_name"})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:import_report", args=[mprocess.pk, run.pk])
    assert run.status == "applied" and run.created == 1 and Value.objects.count() == 1
    report = client.get(response["Location"]).content.decode()
    assert "t.csv" in report


def test_upload_with_bad_rows_writes_nothing_and_reports(client, mprocess, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member("staff"))
    data = official(
        ["2023;05754;;arbeitslose;acht", "2023;0999;;arbeitslose;1"],
        header="Jahr;AGS;Gebiet;Reihe;Wert",
    )
    uploaded = client.post(
        reverse("monitoring:imports", args=[mprocess.pk]),
        {"file": SimpleUploadedFile("bad.csv", data), "format": "official"},
    )
    response = client.post(uploaded["Location"], {"role_0": "territory_name"})
    run = ImportRun.objects.get()
    assert run.status == "rejected" and Value.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "keine Zahl: &#x27;acht&#x27;" in page and "unbekannter Gebietsschlüssel" in page
    # the form itself refuses a missing file
    bad = client.post(reverse("monitoring:imports", args=[mprocess.pk]), {"format": "auto"})
    assert bad.status_code == 400


def test_open_sdg_upload_asks_for_the_mapping(client, lower_saxony, mprocess, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member("staff"))
    data = (
        "\ufeffYear,Nationalität,GeoCode,Value\n"
        "2023,Deutsche,K05754,100\n2023,Ausländerinnen und Ausländer,K05754,20\n"
    ).encode("utf-8")
    response = client.post(
        reverse("monitoring:imports", args=[mprocess.pk]),
        {"file": SimpleUploadedFile("indicator_7-7-7.csv", data), "format": "auto"},
    )
    assert response.status_code == 302 and "/check/" in response["Location"]
    page = client.get(response["Location"])
    assert "Nationalität" in page.content.decode()
    form = page.context["form"]
    column, role_field, value_fields = form.columns[0]
    post = {role_field: "target_group"}
    for name, value in value_fields:
        post[name] = "immigrants" if value.startswith("Ausl") else ""
    # a new indicator: its name, area, type and direction are confirmed before the import
    post.update(
        ind_0_name="Beschäftigte",
        ind_0_area=Area.objects.get(code="work").pk,
        ind_0_kind="count",
        ind_0_direction="1",
    )
    done = client.post(response["Location"], post)
    assert done.status_code == 302
    assert Value.objects.get(target_group__code="immigrants").value == 20
    assert Value.objects.get(dimensions__Nationalität="Deutsche").value == 100


def test_targets_pages(client, figures, mprocess, member):
    from monitoring.models import Indicator

    expert = member("expert")
    client.force_login(expert)
    assert client.get(reverse("monitoring:targets", args=[mprocess.pk])).status_code == 200
    assert client.get(reverse("monitoring:target_create", args=[mprocess.pk])).status_code == 403
    client.force_login(member("staff"))
    indicator = Indicator.objects.get(code="W2")
    url = reverse("monitoring:target_create", args=[mprocess.pk])
    response = client.post(url, {"indicator": indicator.pk, "value": "6.5", "year": "2030"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert target.value == 6.5 and target.target_group is None and target.process == mprocess
    again = client.post(url, {"indicator": indicator.pk, "value": "6", "year": "2030"})
    assert again.status_code == 400 and Target.objects.count() == 1
    bad = client.post(url, {"indicator": indicator.pk, "value": "viel", "year": "1800"})
    assert bad.status_code == 400
    client.post(reverse("monitoring:target_delete", args=[mprocess.pk, target.pk]))
    assert not Target.objects.exists()


def test_data_request_is_mailed_reminded_and_delivered(
    client, mprocess, member, django_capture_on_commit_callbacks
):
    from monitoring.models import Territory
    from monitoring.tasks import send_data_request_reminders

    staff = member("staff")
    client.force_login(staff)
    series = Series.objects.filter(code__in=["arbeitslose", "erwerbspersonen"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:data_requests", args=[mprocess.pk]),
            {
                "title": "Arbeitsmarkt 2024",
                "owner_name": "Jobcenter",
                "owner_email": "jobcenter@example.org",
                "series": [s.pk for s in series],
                "year": "2024",
                "territory": Territory.objects.get(key="05754").pk,
                "due_date": "2025-03-31",
            },
        )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert len(mail.outbox) == 1 and services.data_request_token(request) in mail.outbox[0].body
    # no second mail within the reminder interval; then one reminder per interval
    assert send_data_request_reminders() == 0
    DataRequest.objects.filter(pk=request.pk).update(last_reminded_at="2020-01-01T00:00Z")
    assert send_data_request_reminders() == 1
    assert (
        len(mail.outbox) == 2
        and "Erinnerung" in mail.outbox[1].subject
        or "Reminder" in (mail.outbox[1].subject)
    )
    # the owner delivers through the personal link, without an account
    client.logout()
    url = reverse("monitoring:data_request_deliver", args=[services.data_request_token(request)])
    page = client.get(url)
    assert page.status_code == 200
    arbeitslose = series.get(code="arbeitslose")
    fields = {f"v_{arbeitslose.pk}_0": "7576"}
    bad = client.post(url, {f"v_{arbeitslose.pk}_0": "viele"})
    assert bad.status_code == 400 and Value.objects.count() == 0
    done = client.post(url, fields)
    assert done.status_code == 200
    request.refresh_from_db()
    assert request.status == "delivered" and request.import_run_id
    value = Value.objects.get(series=arbeitslose)
    assert value.value == 7576 and value.period.year == 2024 and "Jobcenter" in value.source
    assert send_data_request_reminders() == 0
    assert (
        "closed" in client.get(url).content.decode()
        or "abgeschlossen" in client.get(url).content.decode()
    )
    assert client.get(reverse("monitoring:data_request_deliver", args=["nope"])).status_code == 404


def test_data_requests_are_for_staff_only(client, mprocess, member):
    client.force_login(member("facilitator"))
    assert client.get(reverse("monitoring:data_requests", args=[mprocess.pk])).status_code == 403


def test_phase_counter_on_the_process_dashboard(client, figures, mprocess, member):
    Phase.objects.create(
        process=mprocess,
        kind="monitoring",
        title="Monitoring",
        start_date="2026-01-01",
        end_date="2026-12-31",
        order=9,
    )
    client.force_login(member("staff"))
    page = client.get(mprocess.get_absolute_url()).content.decode()
    assert "2023" in page


def test_index_redirects_to_the_only_process(client, mprocess, member):
    client.force_login(member("expert"))
    response = client.get(reverse("monitoring:index"))
    assert response.status_code == 302
