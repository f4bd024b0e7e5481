"""Pages: every page renders for its users, and every rule is refused for the others."""

import pytest
from django.urls import reverse

from measures import services
from measures.models import Finding, Measure, MeasureImport, ReportingLink


@pytest.fixture
def finding(proc, staff, language):
    return services.finding_save(
        user=staff,
        process=proc,
        field_of_action=language,
        title="Sprachkurse",
        current_state="Lange Wartelisten.",
    )


@pytest.fixture
def link(adopted, staff, proc, org):
    return services.reporting_link_create(
        user=staff,
        process=proc,
        organisation=org,
        contact_name="Frau B.",
        contact_email="b@example.org",
    )


def pages(proc, measure, finding):
    p, m = proc.pk, measure.pk
    return [
        reverse("measures:catalogue", args=[p]),
        reverse("measures:matrix", args=[p]),
        reverse("measures:findings", args=[p]),
        reverse("measures:finding_detail", args=[p, finding.pk]),
        reverse("measures:goals", args=[p]),
        reverse("measures:measure_detail", args=[p, m]),
        reverse("measures:measure_history", args=[p, m]),
        reverse("measures:trail", args=[p, m]),
        reverse("measures:history", args=[p, "finding", finding.pk]),
        reverse("measures:export", args=[p, "csv"]),
        reverse("measures:export", args=[p, "xlsx"]),
    ]


def curate_pages(proc, measure, finding):
    p, m = proc.pk, measure.pk
    return [
        reverse("measures:measure_edit", args=[p, m]),
        reverse("measures:measure_transition", args=[p, m]),
        reverse("measures:progress_record", args=[p, m]),
        reverse("measures:milestone_create", args=[p, m]),
        reverse("measures:finding_create", args=[p]),
        reverse("measures:finding_edit", args=[p, finding.pk]),
        reverse("measures:finding_cite", args=[p, finding.pk, "statement"]),
        reverse("measures:strategic_create", args=[p]),
        reverse("measures:operational_create", args=[p]),
        reverse("measures:weights", args=[p]),
        reverse("measures:links", args=[p]),
        reverse("measures:settings", args=[p]),
        reverse("measures:import", args=[p]),
    ]


def test_staff_sees_every_page(client, staff, proc, adopted, finding, standard):
    client.force_login(staff)
    for url in pages(proc, adopted, finding) + curate_pages(proc, adopted, finding):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("measures:index")).status_code == 200


def test_facilitator_reads_and_proposes_but_does_not_curate(
    client, facilitator, proc, adopted, finding
):
    client.force_login(facilitator)
    for url in pages(proc, adopted, finding):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("measures:measure_create", args=[proc.pk])).status_code == 200
    for url in curate_pages(proc, adopted, finding):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("measures:measure_transition", args=[proc.pk, adopted.pk]),
        {"to": "in_progress", "reason": "x"},
    )
    assert response.status_code == 403
    assert Measure.objects.get(pk=adopted.pk).status == "adopted"


def test_member_of_another_process_is_refused_everywhere(
    client, other_staff, proc, adopted, finding
):
    client.force_login(other_staff)
    for url in pages(proc, adopted, finding) + curate_pages(proc, adopted, finding):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("measures:measure_create", args=[proc.pk])).status_code == 403
    assert client.get(reverse("measures:propose", args=[proc.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, proc, adopted, finding):
    for url in pages(proc, adopted, finding):
        assert client.get(url).status_code == 302


def test_list_filters_search_and_constant_queries(
    client, staff, proc, make_measure, org, django_assert_max_num_queries
):
    from participation.models import TargetGroup

    ukraine = TargetGroup.objects.get(code="ukraine")
    for i in range(12):
        make_measure(
            title=f"Maßnahme {i}",
            priority="high" if i % 2 else "low",
            lead_organisation=org if i % 3 == 0 else None,
            target_groups=[ukraine] if i % 4 == 0 else [],
        )
    make_measure(title="Elterncafé mit Dolmetschung", description="Mehrsprachige Elternarbeit")
    client.force_login(staff)
    url = reverse("measures:catalogue", args=[proc.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.content.decode().count("<tr>") >= 14
    assert "Elterncafé" in client.get(url, {"q": "Dolmetschung"}).content.decode()
    assert "Maßnahme 1<" not in client.get(url, {"q": "Dolmetschung"}).content.decode()
    body = client.get(url, {"priority": "high", "target_group": ukraine.pk}).content.decode()
    assert "Maßnahme 4" not in body and "Maßnahme 1<" not in body
    body = client.get(url, {"lead_organisation": org.pk}).content.decode()
    assert "Maßnahme 3<" in body and "Maßnahme 1<" not in body
    assert client.get(url, {"status": "nonsense"}).status_code == 400
    matrix = client.get(reverse("measures:matrix", args=[proc.pk])).content.decode()
    assert "<table" in matrix and "Ukraine" in matrix


def test_propose_from_statements_page(client, facilitator, proc, ideas):
    client.force_login(facilitator)
    url = reverse("measures:propose", args=[proc.pk])
    page = client.get(url).content.decode()
    assert ideas[0].text in page
    response = client.post(url, {"statements": [s.pk for s in ideas]})
    assert response.status_code == 302
    m = Measure.objects.get()
    assert set(m.origin_statements.all()) == set(ideas)
    trail = client.get(reverse("measures:trail", args=[proc.pk, m.pk])).content.decode()
    assert ideas[1].text in trail and ("Conference card" in trail or "Konferenzkarte" in trail)


def test_invalid_transition_page_shows_the_message(client, staff, proc, make_measure):
    m = make_measure()
    client.force_login(staff)
    url = reverse("measures:measure_transition", args=[proc.pk, m.pk])
    response = client.post(url, {"to": "completed", "reason": "x"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    response = client.post(url, {"to": "in_review", "reason": "Zur Prüfung"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=m.pk).status == "in_review"


def test_lost_update_page_refuses_and_shows_changes(client, member, proc, make_measure, language):
    alice, bob = member("staff", username="alice"), member("staff", username="bob")
    m = make_measure(title="Alt")
    url = reverse("measures:measure_edit", args=[proc.pk, m.pk])
    form = {
        "title": "Von Bob",
        "field_of_action": language.pk,
        "priority": "medium",
        "weight": 1,
        "version": m.version,
    }
    services.measure_save(user=alice, process=proc, measure=m, version=m.version, title="Von Alice")
    client.force_login(bob)
    response = client.post(url, form)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Von Alice" in body and "Von Bob" in body  # their change shown, his input kept
    assert Measure.objects.get(pk=m.pk).title == "Von Alice"
    form["version"] = Measure.objects.get(pk=m.pk).version
    assert client.post(url, form).status_code == 302
    assert Measure.objects.get(pk=m.pk).title == "Von Bob"


def test_finding_page_shows_numbered_references_and_flag(client, staff, proc, finding, ideas):
    client.force_login(staff)
    url = reverse("measures:finding_detail", args=[proc.pk, finding.pk])
    assert "flag" in client.get(url).content.decode()
    services.evidence_cite_statement(user=staff, finding=finding, statement=ideas[0])
    services.finding_save(
        user=staff,
        process=proc,
        finding=Finding.objects.get(pk=finding.pk),
        version=finding.version,
        current_state="Lange Wartelisten [1]. [7]",
    )
    body = client.get(url).content.decode()
    assert 'href="#ref-1"' in body and 'id="ref-1"' in body and "[7?]" in body


def test_public_page_switch_and_no_personal_data(client, staff, proc, adopted, make_measure):
    url = reverse("measures:public", args=[proc.pk])
    assert client.get(url).status_code == 404
    make_measure(title="Noch nicht beschlossen")
    services.catalogue_settings_update(user=staff, process=proc, public=True)
    body = client.get(url).content.decode()
    assert adopted.title in body and "Noch nicht beschlossen" not in body
    assert staff.username not in body and staff.email not in body


def test_report_page_by_link_without_account(client, link, adopted, make_measure, staff, other_org):
    url = reverse("measures:report", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and adopted.title in page.content.decode()
    prefix = f"m{adopted.pk}"
    response = client.post(
        url,
        {
            "measure": adopted.pk,
            f"{prefix}-progress": 35,
            f"{prefix}-status": "adopted",
            f"{prefix}-reported_on": "2026-01-15",
            f"{prefix}-note": "Kurs 1 gestartet",
        },
    )
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert adopted.progress == 35 and adopted.status == "in_progress"
    foreign = make_measure(title="fremd", lead_organisation=other_org)
    response = client.post(url, {"measure": foreign.pk, f"m{foreign.pk}-progress": 50})
    assert response.status_code == 403
    assert client.get(reverse("measures:report", args=["wrong-token"])).status_code == 404


def test_import_pages(client, staff, proc, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    data = "Titel;Handlungsfeld;Kosten\nSprachcafé;Sprache;abc\n".encode()
    response = client.post(
        reverse("measures:import", args=[proc.pk]), {"file": SimpleUploadedFile("l.csv", data)}
    )
    job = MeasureImport.objects.get()
    assert response.status_code == 302
    url = reverse("measures:import_mapping", args=[proc.pk, job.pk])
    mapping = {"col_0": "title", "col_1": "field_of_action", "col_2": "cost_estimate"}
    body = client.post(url, {**mapping, "action": "check"}).content.decode()
    assert "abc" in body and "field-errors" in body
    assert client.post(url, {**mapping, "action": "apply"}).status_code == 400
    assert not Measure.objects.exists()
    empty = client.post(
        reverse("measures:import", args=[proc.pk]), {"file": SimpleUploadedFile("l.csv", b"")}
    )
    assert empty.status_code == 400


def test_area_links_page_for_platform_administrators(client, staff, facilitator, standard):
    from tests.factories import UserFactory

    for user in (facilitator, staff):  # a shared catalogue: not one process's to change
        client.force_login(user)
        assert client.get(reverse("measures:area_links")).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("measures:area_links")).status_code == 200


def test_link_off_needs_confirmation(client, staff, proc, link):
    client.force_login(staff)
    url = reverse("measures:link_off", args=[proc.pk, link.pk])
    assert client.get(url).status_code == 200
    assert ReportingLink.objects.get(pk=link.pk).active
    client.post(url)
    assert not ReportingLink.objects.get(pk=link.pk).active
