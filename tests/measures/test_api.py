"""The catalogue API: filters, transitions as actions, conflicts, trail, reports, refusals."""

import pytest

from measures import services
from measures.models import Measure, ProgressReport

M = "/api/v1/measures/"


@pytest.fixture
def link(adopted, staff, proc, org):
    return services.reporting_link_create(
        user=staff, process=proc, organisation=org, contact_name="B", contact_email="b@example.org"
    )


def test_list_scoped_and_filtered(
    api_client, staff, other_staff, make_measure, adopted, django_assert_max_num_queries
):
    make_measure(title="Elterncafé", priority="high")
    api_client.force_authenticate(staff)
    with django_assert_max_num_queries(15):
        body = api_client.get(M).json()
    assert body["count"] == 2
    assert [r["title"] for r in api_client.get(M, {"priority": "high"}).json()["results"]] == [
        "Elterncafé"
    ]
    assert api_client.get(M, {"status": "adopted"}).json()["results"][0]["id"] == adopted.pk
    assert api_client.get(M, {"q": "Eltern"}).json()["count"] == 1
    api_client.force_authenticate(other_staff)
    assert api_client.get(M).json()["count"] == 0
    assert api_client.get(f"{M}{adopted.pk}/").status_code == 404


def test_anonymous_refused(api_client, adopted):
    assert api_client.get(M).status_code in (401, 403)


def test_transition_action_and_invalid_transition(api_client, staff, make_measure):
    m = make_measure()
    api_client.force_authenticate(staff)
    ok = api_client.post(
        f"{M}{m.pk}/transition/", {"to": "in_review", "reason": "Prüfen"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_review"
    bad = api_client.post(
        f"{M}{m.pk}/transition/", {"to": "completed", "reason": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "to"
    decisions = api_client.get(f"{M}{m.pk}/decisions/").json()
    assert [d["to_status"] for d in decisions] == ["proposed", "in_review"]


def test_transition_refused_for_facilitator_and_other_process(
    api_client, facilitator, other_staff, make_measure
):
    m = make_measure()
    api_client.force_authenticate(facilitator)
    assert (
        api_client.post(
            f"{M}{m.pk}/transition/", {"to": "in_review", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert api_client.patch(f"{M}{m.pk}/", {"title": "neu"}, format="json").status_code == 403
    api_client.force_authenticate(other_staff)
    assert (
        api_client.post(
            f"{M}{m.pk}/transition/", {"to": "in_review", "reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert Measure.objects.get(pk=m.pk).status == "proposed"


def test_create_by_facilitator_and_propose_from_statements(
    api_client, facilitator, proc, language, ideas
):
    api_client.force_authenticate(facilitator)
    created = api_client.post(
        M, {"process": proc.pk, "title": "Idee", "field_of_action": language.pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["status"] == "proposed"
    proposed = api_client.post(
        f"{M}propose-from-statements/",
        {"process": proc.pk, "statements": [s.pk for s in ideas]},
        format="json",
    )
    assert proposed.status_code == 201
    assert set(proposed.json()["origin_statements"]) == {s.pk for s in ideas}


def test_create_in_other_process_refused(api_client, other_staff, proc, language):
    api_client.force_authenticate(other_staff)
    response = api_client.post(
        M, {"process": proc.pk, "title": "x", "field_of_action": language.pk}, format="json"
    )
    assert response.status_code == 403


def test_edit_conflict_is_409_with_changes(api_client, member, proc, make_measure):
    a, b = member("staff"), member("staff")
    m = make_measure()
    v = m.version
    api_client.force_authenticate(a)
    assert (
        api_client.patch(f"{M}{m.pk}/", {"title": "A", "version": v}, format="json").status_code
        == 200
    )
    api_client.force_authenticate(b)
    response = api_client.patch(f"{M}{m.pk}/", {"title": "B", "version": v}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == v + 1
    assert body["changes"][0]["changes"][0]["new"] == "A"
    assert Measure.objects.get(pk=m.pk).title == "A"


def test_trail_nested(api_client, staff, proc, ideas, language):
    finding = services.finding_save(user=staff, process=proc, field_of_action=language, title="F")
    services.evidence_cite_statement(user=staff, finding=finding, statement=ideas[1])
    m = services.measure_propose_from_statements(user=staff, process=proc, statements=ideas[:1])
    services.measure_save(
        user=staff, process=proc, measure=m, version=m.version, findings=[finding]
    )
    api_client.force_authenticate(staff)
    trail = api_client.get(f"{M}{m.pk}/trail/").json()
    assert trail["origins"][0]["id"] == ideas[0].pk
    assert trail["origins"][0]["source_kind"] in ("Conference card", "Konferenzkarte")
    assert trail["findings"][0]["evidence"][0]["statement"] == ideas[1].pk


def test_findings_api_cite_and_refusal(api_client, staff, facilitator, proc, language, ideas):
    api_client.force_authenticate(staff)
    f = api_client.post(
        "/api/v1/findings/",
        {"process": proc.pk, "field_of_action": language.pk, "title": "F"},
        format="json",
    )
    assert f.status_code == 201 and f.json()["has_evidence"] is False
    fid = f.json()["id"]
    cite = api_client.post(
        f"/api/v1/findings/{fid}/cite/",
        {"kind": "statement", "statement": ideas[0].pk},
        format="json",
    )
    assert cite.status_code == 201 and cite.json()["number"] == 1
    missing = api_client.post(
        f"/api/v1/findings/{fid}/cite/", {"kind": "indicator_value"}, format="json"
    )
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {"indicator", "territory", "year"}
    api_client.force_authenticate(facilitator)
    assert (
        api_client.post(
            f"/api/v1/findings/{fid}/cite/",
            {"kind": "statement", "statement": ideas[1].pk},
            format="json",
        ).status_code
        == 403
    )
    assert api_client.get(f"/api/v1/findings/{fid}/").json()["evidence"][0]["number"] == 1


def test_goals_api(api_client, staff, other_staff, proc, language):
    api_client.force_authenticate(staff)
    sg = api_client.post(
        "/api/v1/strategic-goals/",
        {"process": proc.pk, "field_of_action": language.pk, "title": "S"},
        format="json",
    )
    assert sg.status_code == 201
    og = api_client.post(
        "/api/v1/operational-goals/",
        {"strategic_goal": sg.json()["id"], "title": "O", "weight": 2},
        format="json",
    )
    assert og.status_code == 201 and og.json()["process"] == proc.pk
    api_client.force_authenticate(other_staff)
    assert (
        api_client.post(
            "/api/v1/strategic-goals/",
            {"process": proc.pk, "field_of_action": language.pk, "title": "X"},
            format="json",
        ).status_code
        == 403
    )
    assert api_client.get("/api/v1/operational-goals/").json()["count"] == 0


def test_progress_reports_staff_and_link(
    api_client, staff, facilitator, adopted, link, make_measure, other_org
):
    api_client.force_authenticate(staff)
    r = api_client.post(f"{M}{adopted.pk}/progress-reports/", {"progress": 20}, format="json")
    assert r.status_code == 201
    api_client.force_authenticate(facilitator)
    assert (
        api_client.post(
            f"{M}{adopted.pk}/progress-reports/", {"progress": 30}, format="json"
        ).status_code
        == 403
    )
    api_client.force_authenticate(None)
    url = f"/api/v1/measure-reports/{link.token}/"
    assert [m["id"] for m in api_client.get(url).json()] == [adopted.pk]
    ok = api_client.post(url, {"measure": adopted.pk, "progress": 55, "note": "gut"}, format="json")
    assert ok.status_code == 201
    foreign = make_measure(title="fremd", lead_organisation=other_org)
    assert (
        api_client.post(url, {"measure": foreign.pk, "progress": 5}, format="json").status_code
        == 403
    )
    assert api_client.get("/api/v1/measure-reports/nope/").status_code == 404
    assert ProgressReport.objects.filter(measure=adopted).count() == 2


def test_public_api(api_client, staff, proc, adopted, make_measure):
    url = f"/api/v1/public/processes/{proc.pk}/measures/"
    assert api_client.get(url).status_code == 404
    make_measure(title="vorgeschlagen")
    services.catalogue_settings_update(user=staff, process=proc, public=True)
    body = api_client.get(url).json()
    assert [r["title"] for r in body["results"]] == [adopted.title]
    assert "created_by" not in body["results"][0]


def test_matrix_api(api_client, staff, other_staff, proc, adopted):
    api_client.force_authenticate(staff)
    body = api_client.get("/api/v1/measures/matrix/", {"process": proc.pk}).json()
    assert body["total"] == 1
    api_client.force_authenticate(other_staff)
    assert api_client.get("/api/v1/measures/matrix/", {"process": proc.pk}).status_code == 403


def test_schema_lists_the_catalogue(api_client, db):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/measures/{id}/transition/",
        "/api/v1/measures/{id}/trail/",
        "/api/v1/findings/{id}/cite/",
        "/api/v1/measure-reports/{token}/",
    ):
        assert path in schema["paths"], path
