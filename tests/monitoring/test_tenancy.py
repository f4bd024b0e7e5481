"""Monitoring writes stay within a process's territories; the delivery link within its request."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from monitoring import services
from monitoring.models import DataRequest, Series, Territory, Value
from participation import services as participation_services
from participation.models import AuditEvent
from tests.factories import UserFactory

from .conftest import official, run_import


@pytest.fixture
def staff(member):
    return member("staff")


def test_staff_write_their_county_and_municipalities_never_another_or_the_references(
    mprocess, staff
):
    data = official(
        [
            "2023;05754;;arbeitslose;8",
            "2023;05754008;;arbeitslose;3",
            "2023;05;;arbeitslose;700000",  # NRW, a shared reference
            "2023;DG;;arbeitslose;2600000",  # Bund
            "2023;05766;;arbeitslose;9",  # Kreis Lippe, another county's figure
        ]
    )
    Territory.objects.get_or_create(
        key="05766", defaults={"name": "Kreis Lippe", "level": "kreis", "parent_id": None}
    )
    report = run_import(data, process=mprocess, user=staff)
    assert report.applied
    assert set(Value.objects.values_list("territory__key", flat=True)) == {"05754", "05754008"}
    skipped = {s["code"] % s["params"] for s in report.skipped}
    assert any("'05'" in r and "platform administrator" in r for r in skipped), skipped


def test_a_platform_administrator_writes_the_references(mprocess):
    root = UserFactory(is_superuser=True)
    report = run_import(official(["2023;05;;arbeitslose;700000"]), process=mprocess, user=root)
    assert report.applied and Value.objects.get().territory.key == "05"


def test_the_territory_key_is_a_platform_administrators_change_and_audited(mprocess, staff):
    with pytest.raises(PermissionDenied):
        participation_services.process_update(process=mprocess, user=staff, territory_key="05766")
    mprocess.refresh_from_db()
    assert mprocess.territory_key == "05754"
    # other fields stay the staff's to change
    participation_services.process_update(process=mprocess, user=staff, title="Neu")
    root = UserFactory(is_superuser=True)
    participation_services.process_update(process=mprocess, user=root, territory_key="05766")
    event = AuditEvent.objects.get(action="process.territory_key_change")
    assert event.detail == {"old": "05754", "new": "05766"} and event.actor == root


def test_the_process_form_does_not_let_staff_change_the_territory_key(client, mprocess, staff):
    client.force_login(staff)
    url = reverse("participation:process_edit", args=[mprocess.pk])
    page = client.get(url).content.decode()
    assert (
        'name="territory_key"' in page and "disabled" in page.split('name="territory_key"')[1][:200]
    )
    client.post(
        url,
        {
            "title": mprocess.title,
            "territory": mprocess.territory,
            "territory_key": "05766",
            "period_start": mprocess.period_start,
            "period_end": mprocess.period_end,
            "status": mprocess.status,
        },
    )
    mprocess.refresh_from_db()
    assert mprocess.territory_key == "05754"


def test_staff_cannot_create_a_process_with_a_territory_key(db):
    creator = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        participation_services.process_create(
            user=creator,
            title="X",
            territory="Kreis Lippe",
            territory_key="05766",
            period_start="2024-01-01",
            period_end="2025-01-01",
        )


# --- the data owners' delivery link -------------------------------------------------------


@pytest.fixture
def data_request(mprocess, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.data_request_create(
            user=staff,
            process=mprocess,
            title="Arbeitsmarkt",
            owner_name="Jobcenter",
            owner_email="jobcenter@example.org",
            series=list(Series.objects.filter(code="arbeitslose")),
            year=2024,
            territory=Territory.objects.get(key="05754"),
            due_date="2025-03-31",
        )


def test_the_token_is_stored_only_as_a_hash(data_request, mailoutbox):
    token = services.data_request_token(data_request)
    assert token in mailoutbox[0].body
    columns = [f.column for f in DataRequest._meta.concrete_fields]
    assert "token" not in columns
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DataRequest._meta.db_table}")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert token not in stored
    assert services.data_request_by_token(token) == data_request
    assert services.data_request_by_token(token[:-1] + "x") is None


def test_a_request_is_only_for_the_process_territories(mprocess, staff):
    with pytest.raises(ValidationError):
        services.data_request_create(
            user=staff,
            process=mprocess,
            title="NRW",
            owner_name="IT.NRW",
            owner_email="it@example.org",
            series=list(Series.objects.filter(code="arbeitslose")),
            year=2024,
            territory=Territory.objects.get(key="05"),
            due_date="2025-03-31",
        )


@pytest.mark.parametrize(
    "row, reason",
    [
        ("2024;05754;;erwerbspersonen;100", "not part of this request"),  # another series
        ("2023;05754;;arbeitslose;100", "not part of this request"),  # another year
        ("2024;05;;arbeitslose;100", "may write"),  # another territory (NRW)
        ("2024;05754;;neue_reihe;100", "unknown series"),  # never creates a series
    ],
)
def test_a_delivery_writes_only_its_request(client, data_request, row, reason):
    series_before = Series.objects.count()
    url = reverse(
        "monitoring:data_request_deliver", args=[services.data_request_token(data_request)]
    )
    upload = SimpleUploadedFile(
        "d.csv",
        official(["2024;05754;;arbeitslose;7", row], header="Jahr;AGS;Zielgruppe;Reihe;Wert"),
    )
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert Value.objects.count() == 0 and Series.objects.count() == series_before
    data_request.refresh_from_db()
    assert data_request.status == "open"
    # the message's untranslated template names the reason whatever the page's language
    assert reason in " ".join(r["code"] for r in response.context["report"].rejected)


def test_a_delivery_of_its_own_figures_is_written(client, data_request):
    url = reverse(
        "monitoring:data_request_deliver", args=[services.data_request_token(data_request)]
    )
    upload = SimpleUploadedFile("d.csv", official(["2024;05754;;arbeitslose;7"]))
    assert client.post(url, {"file": upload}).status_code == 200
    assert Value.objects.get().value == 7


def test_the_form_refuses_figures_outside_the_request(data_request):
    other = Series.objects.get(code="erwerbspersonen")
    with pytest.raises(ValidationError):
        services.data_request_deliver_form(request=data_request, figures={(other.pk, 0): 5})
    assert Value.objects.count() == 0


def test_a_delivery_file_has_a_size_limit(client, data_request, settings):
    settings.MONITORING_DELIVERY_MAX_BYTES = 100
    url = reverse(
        "monitoring:data_request_deliver", args=[services.data_request_token(data_request)]
    )
    upload = SimpleUploadedFile("d.csv", official(["2024;05754;;arbeitslose;7"] * 20))
    response = client.post(url, {"file": upload})
    assert response.status_code == 400 and Value.objects.count() == 0
    assert "MB" in response.content.decode()
    with pytest.raises(ValidationError):
        services.data_request_deliver_file(request=data_request, name="d.csv", data=b"x" * 101)


def test_a_reminder_for_a_request_from_before_hashing_mails_a_fresh_working_link(
    client, data_request, mailoutbox
):
    DataRequest.objects.filter(pk=data_request.pk).update(
        token_salt="", token_hash="0" * 64, last_reminded_at=None
    )
    assert services.data_request_remind(request_id=data_request.pk, first=True)
    data_request.refresh_from_db()
    token = services.data_request_token(data_request)
    assert data_request.token_salt and token in mailoutbox[-1].body
    url = reverse("monitoring:data_request_deliver", args=[token])
    assert client.get(url).status_code == 200
