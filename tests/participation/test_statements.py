"""The Statement pool: the one service every source writes through, the list, exports, API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from participation import services
from participation.models import FieldOfAction, Statement, TargetGroup
from tests.factories import ProcessFactory
from tests.participation.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def _field(code="language"):
    return FieldOfAction.objects.get(code=code)


def test_statement_create_links_any_source_and_labels_it(process, staff_user):
    source = InterviewFactory(process=process)  # any saved model instance may be a source
    statement = services.statement_create(
        process=process,
        text="  Die Warteliste ist zu lang. ",
        kind=Statement.Kind.PROBLEM,
        source=source,
        source_label="Umfrage 1, Antwort 7",
        fields_of_action=[_field()],
        target_groups=[TargetGroup.objects.get(code="ukraine").pk],
        author=staff_user,
    )
    statement.refresh_from_db()
    assert statement.text == "Die Warteliste ist zu lang."
    assert statement.source == source
    assert statement.source_label == "Umfrage 1, Antwort 7"
    assert list(statement.fields_of_action.values_list("code", flat=True)) == ["language"]
    assert statement.author == staff_user
    assert services.statement_for_source(source) == statement


def test_statement_without_source_is_entered_directly(process):
    statement = services.statement_create(process=process, text="Idee")
    assert statement.source is None and statement.source_label == "Direkt eingegeben"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "x", "kind": "complaint"}, "kind"),
    ],
)
def test_statement_create_refuses_bad_input(process, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.statement_create(process=process, **kwargs)
    assert field in exc.value.error_dict
    assert Statement.objects.count() == 0


def test_statement_refuses_catalogue_entries_the_process_does_not_use(process):
    process.fields_of_action.remove(_field("health"))
    with pytest.raises(ValidationError) as exc:
        services.statement_create(process=process, text="x", fields_of_action=[_field("health")])
    assert "fields_of_action" in exc.value.error_dict
    assert Statement.objects.count() == 0


def test_one_statement_per_source_and_unsaved_sources_refused(process):
    source = InterviewFactory(process=process)
    services.statement_create(process=process, text="a", source=source)
    with pytest.raises(ValidationError):
        services.statement_create(process=process, text="b", source=source)
    with pytest.raises(ValidationError):
        services.statement_create(process=process, text="c", source=Statement(process=process))
    assert Statement.objects.count() == 1


def test_statement_update_and_delete_for_source(process):
    source = InterviewFactory(process=process)
    statement = services.statement_create(process=process, text="a", source=source)
    services.statement_update(statement=statement, text="b", kind="idea", fields_of_action=[])
    statement.refresh_from_db()
    assert (statement.text, statement.kind) == ("b", "idea")
    with pytest.raises(ValidationError):
        services.statement_update(statement=statement, process=ProcessFactory())
    assert services.statement_delete_for_source(source=source) == 1
    assert not Statement.objects.exists()


def _pool(process, user):
    a = services.statement_create(
        process=process, text="Sprachcafés fehlen", kind="need", fields_of_action=[_field()]
    )
    b = services.statement_create(
        process=process,
        text="Gute Nachbarschaft",
        kind="strength",
        source=InterviewFactory(process=process),
        source_label="Interview I-01",
        target_groups=[TargetGroup.objects.get(code="ukraine")],
        fields_of_action=[_field("housing")],
    )
    return a, b


def test_statement_list_filters(client, process, staff_user):
    a, b = _pool(process, staff_user)
    other = ProcessFactory()
    services.statement_create(process=other, text="Fremder Prozess")
    client.force_login(staff_user)
    url = reverse("participation:statement_list")
    body = client.get(url).content.decode()
    assert "Sprachcafés fehlen" in body and "Gute Nachbarschaft" in body
    assert "Fremder Prozess" not in body
    assert "Fremder" not in client.get(url, {"process": other.pk}).content.decode()
    body = client.get(url, {"kind": "need"}).content.decode()
    assert "Sprachcafés" in body and "Nachbarschaft" not in body
    body = client.get(url, {"q": "nachbar"}).content.decode()
    assert "Sprachcafés" not in body and "Nachbarschaft" in body
    body = client.get(url, {"field_of_action": _field("housing").pk}).content.decode()
    assert "Sprachcafés" not in body and "Nachbarschaft" in body
    tg = TargetGroup.objects.get(code="ukraine").pk
    body = client.get(url, {"target_group": tg}).content.decode()
    assert "Sprachcafés" not in body and "Nachbarschaft" in body
    body = client.get(url, {"source_type": "participation.interview"}).content.decode()
    assert "Sprachcafés" not in body and "Nachbarschaft" in body
    body = client.get(url, {"source_type": "none"}).content.decode()
    assert "Sprachcafés" in body and "Nachbarschaft" not in body


def test_statement_list_bad_filter_is_400(client, process, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("participation:statement_list"), {"kind": "complaint"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_statement_list_query_count(client, process, staff_user, django_assert_max_num_queries):
    for i in range(30):
        services.statement_create(
            process=process, text=f"S {i}", fields_of_action=[_field()], author=staff_user
        )
    client.force_login(staff_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("participation:statement_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["expert_user", "outsider"])
def test_statement_pages_refused_without_role(client, process, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("participation:statement_list")).status_code == 403
    assert client.get(reverse("participation:statement_export", args=["csv"])).status_code == 403


def test_statement_list_needs_sign_in(client):
    response = client.get(reverse("participation:statement_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_statement_exports(client, process, facilitator_user):
    _pool(process, facilitator_user)
    client.force_login(facilitator_user)
    response = client.get(
        reverse("participation:statement_export", args=["csv"]), {"kind": "strength"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Gute Nachbarschaft" in text and "Sprachcafés" not in text
    assert "Interview I-01" in text
    response = client.get(reverse("participation:statement_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(texts) == ["Gute Nachbarschaft", "Sprachcafés fehlen"]
    assert client.get(reverse("participation:statement_export", args=["pdf"])).status_code == 404


def test_export_neutralises_formulas(client, process, staff_user):
    services.statement_create(process=process, text='=HYPERLINK("http://x")')
    client.force_login(staff_user)
    text = client.get(reverse("participation:statement_export", args=["csv"])).content.decode()
    assert "'=HYPERLINK" in text


def test_statement_api_lists_and_filters(
    api_client, process, staff_user, django_assert_max_num_queries
):
    _pool(process, staff_user)
    api_client.force_authenticate(staff_user)
    with django_assert_max_num_queries(10):
        data = api_client.get("/api/v1/statements/").json()
    assert data["count"] == 2
    data = api_client.get("/api/v1/statements/", {"kind": "strength", "q": "nachbar"}).json()
    assert [s["text"] for s in data["results"]] == ["Gute Nachbarschaft"]
    assert data["results"][0]["source_type"] == "participation.interview"
    data = api_client.get("/api/v1/statements/", {"source_type": "none"}).json()
    assert [s["text"] for s in data["results"]] == ["Sprachcafés fehlen"]
    response = api_client.get("/api/v1/statements/", {"kind": "complaint"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "kind"


@pytest.mark.parametrize("who", ["expert_user", "outsider"])
def test_statement_api_refused_without_role(api_client, process, who, request):
    _pool(process, None)
    api_client.force_authenticate(request.getfixturevalue(who))
    assert api_client.get("/api/v1/statements/").status_code == 403


def test_statement_api_needs_authentication(api_client, db):
    assert api_client.get("/api/v1/statements/").status_code in (401, 403)
