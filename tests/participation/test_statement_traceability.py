"""A Statement leads back to the words it quotes, and those words are never rewritten silently."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation import services
from participation.conference import services as conference_services
from participation.models import AuditEvent, Statement
from tests.factories import ProcessFactory
from tests.participation.factories import TopicTableFactory
from tests.participation.test_interviews import _coded

pytestmark = pytest.mark.django_db


def test_source_link_leads_to_the_highlighted_interview_passage(
    client, process, staff_user, facilitator_user, make_member
):
    interview, _code, passage = _coded(process, facilitator_user)
    statement = Statement.objects.get()
    url = reverse("participation:statement_source", args=[statement.pk])
    client.force_login(staff_user)
    listing = client.get(reverse("participation:statement_list")).content.decode()
    assert url in listing
    response = client.get(url)
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(interview.get_absolute_url()) and f"#passage-{passage.pk}" in target
    page = client.get(target).content.decode()
    assert f'id="passage-{passage.pk}" class="highlight"' in page
    assert "seg coded highlight" in page  # the sentences of the passage in the transcript
    # A member of another process cannot follow it.
    client.force_login(make_member(ProcessFactory(), "staff"))
    assert client.get(url).status_code == 403


def test_source_link_of_a_conference_card(client, process, staff_user):
    table = TopicTableFactory(conference__process=process)
    card = conference_services.card_create(table=table, user=staff_user, text="Mehr Kita-Plätze")
    statement = Statement.objects.get()
    client.force_login(staff_user)
    response = client.get(reverse("participation:statement_source", args=[statement.pk]))
    assert response["Location"] == f"{table.get_absolute_url()}#card-{card.pk}"
    assert f'id="card-{card.pk}"' in client.get(table.get_absolute_url()).content.decode()


def test_a_statement_without_source_has_no_link(client, process, staff_user):
    statement = services.statement_create(process=process, text="Frei notiert")
    client.force_login(staff_user)
    url = reverse("participation:statement_source", args=[statement.pk])
    assert url not in client.get(reverse("participation:statement_list")).content.decode()
    assert client.get(url).status_code == 404


def test_rewording_needs_a_reason_keeps_the_original_and_every_version(
    client, process, staff_user, facilitator_user
):
    _coded(process, facilitator_user)
    statement = Statement.objects.get()
    original = statement.text
    with pytest.raises(ValidationError) as error:
        services.statement_update(statement=statement, user=staff_user, text="Ganz anders")
    assert "reason" in error.value.error_dict
    statement.refresh_from_db()
    assert statement.text == original
    edit = reverse("participation:statement_edit", args=[statement.pk])
    client.force_login(staff_user)
    refused = client.post(edit, {"text": "Ganz anders", "kind": "problem"})
    assert refused.status_code == 400
    saved = client.post(
        edit, {"text": "Ganz anders", "kind": "problem", "reason": "Tippfehler im Transkript"}
    )
    assert saved.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Ganz anders" and statement.original_text == original
    assert statement.was_reworded
    # Changing only the kind needs no reason.
    services.statement_update(statement=statement, user=staff_user, kind="need")
    versions = list(statement.history.order_by("history_date", "history_id"))
    assert [v.text for v in versions] == [original, "Ganz anders", "Ganz anders"]
    assert versions[1].history_user == staff_user
    assert versions[1].history_change_reason == "Tippfehler im Transkript"
    assert AuditEvent.objects.filter(action="statement.update").count() == 2
    listing = client.get(reverse("participation:statement_list")).content.decode()
    assert original in listing  # the original words stay visible beside the new ones
    history = client.get(reverse("participation:statement_history", args=[statement.pk]))
    body = history.content.decode()
    assert original in body and "Tippfehler im Transkript" in body
    client.force_login(facilitator_user)
    assert client.post(edit, {"text": "x", "kind": "idea", "reason": "r"}).status_code == 403
