import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Invitation, Response, Survey
from surveys.services import invitations as inv

pytestmark = pytest.mark.django_db


def start(client, survey, **extra):
    url = reverse("surveys:respond_public", args=[survey.public_id])
    return client.post(url, {"consent": "yes", **extra})


def page_url(survey, code):
    return reverse("surveys:respond_page", args=[survey.public_id, code])


def resume_code(body: str) -> str:
    return re.search(r"data-resume-code>([A-Z0-9-]+)<", body).group(1)


P1 = {
    "lang": "uk",
    "uk_since": "2022",
    "topics": ["work", "other"],
    "topics_other": "Sprachkurs",
    "resident": "yes",
    "country": "ua",
    "shown": "lang uk_since country topics resident",
}
P2 = {
    "satisfaction": "4",
    "grid__r1": "good",
    "grid__r2": "bad",
    "rank__a": "2",
    "rank__b": "1",
    "share": "12,5",
    "zip": "33330",
    "comment": "Mehr Kurse",
    "arrived": "2022-03-10",
    "shown": "satisfaction grid rank share zip comment arrived hours wishes",
}


def test_public_respondent_answers_every_type(client, survey):
    landing = client.get(reverse("surveys:respond_public", args=[survey.public_id]))
    assert landing.status_code == 200 and "Datenschutz" in landing.content.decode()
    refused = client.post(reverse("surveys:respond_public", args=[survey.public_id]), {})
    assert refused.status_code == 400 and not Response.objects.exists()
    started = start(client, survey)
    assert started.status_code == 302 and started["Location"] == page_url(survey, "p1")
    body = client.get(page_url(survey, "p1")).content.decode()
    assert 'name="lang"' in body and "<fieldset" in body and "<legend>" in body
    assert resume_code(body)
    assert client.post(page_url(survey, "p1"), P1).status_code == 302
    assert client.post(page_url(survey, "p2"), P2)["Location"] == page_url(survey, "p3")
    done = client.post(page_url(survey, "p3"), {"uk_help": "no", "shown": "uk_help"})
    assert done["Location"] == reverse("surveys:respond_thanks", args=[survey.public_id])
    response = Response.objects.get()
    assert response.status == "complete" and response.completed_at and not response.is_test
    assert response.resume_code_hash is None and response.invitation is None
    rows = {
        (a.question.code, a.row, a.choice): (a.value_text, a.value_number, a.value_date)
        for a in Answer.objects.select_related("question")
    }
    assert rows[("lang", "", "uk")] == ("", None, None)
    assert rows[("uk_since", "", "")][1] == 2022
    assert rows[("topics", "", "other")][0] == "Sprachkurs"
    assert rows[("resident", "", "yes")][1] == 1
    assert rows[("satisfaction", "", "")][1] == 4
    assert rows[("grid", "r2", "bad")]
    assert rows[("rank", "", "b")][1] == 1 and rows[("rank", "", "a")][1] == 2
    assert rows[("share", "", "")][1] == 12.5
    assert str(rows[("arrived", "", "")][2]) == "2022-03-10"
    assert rows[("uk_help", "", "no")][1] == 0


def test_validation_errors_are_summarised_and_linked(client, survey):
    start(client, survey)
    client.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    bad = client.post(page_url(survey, "p2"), {**P2, "zip": "12", "satisfaction": ""})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert 'href="#q-zip"' in body and "Fünf Ziffern bitte." in body
    assert 'href="#q-satisfaction"' in body and 'id="error-summary"' in body
    # Valid answers on the page were still saved.
    assert Answer.objects.filter(question__code="comment").exists()


def test_skip_condition_hides_and_drops_answers(client, survey):
    start(client, survey)
    client.post(page_url(survey, "p1"), P1)
    client.post(page_url(survey, "p2"), P2)
    assert Answer.objects.filter(question__code="uk_since").exists()
    # Going back and changing the language hides uk_since and page p3: their answers go.
    changed = client.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    assert changed["Location"] == page_url(survey, "p2")
    assert not Answer.objects.filter(question__code="uk_since").exists()
    done = client.post(page_url(survey, "p2"), P2)
    assert done["Location"].endswith("/thanks/")
    assert Response.objects.get().status == "complete"


def test_newly_relevant_question_is_shown_without_javascript(client, survey):
    start(client, survey)
    data = {**P1, "shown": "lang country topics resident"}
    data.pop("uk_since")
    response = client.post(page_url(survey, "p1"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="q-uk_since"' in body and "weitere Fragen" in body
    assert Answer.objects.filter(question__code="lang").exists()


def test_double_submit_is_idempotent(client, survey):
    start(client, survey)
    first = client.post(page_url(survey, "p1"), P1)
    count = Answer.objects.count()
    second = client.post(page_url(survey, "p1"), P1)
    assert first["Location"] == second["Location"] and Answer.objects.count() == count
    client.post(page_url(survey, "p2"), P2)
    client.post(page_url(survey, "p3"), {"uk_help": "yes"})
    count = Answer.objects.count()
    again = client.post(page_url(survey, "p3"), {"uk_help": "yes"})
    assert again["Location"].endswith("/thanks/")
    assert Answer.objects.count() == count and Response.objects.count() == 1


def test_back_keeps_answers_and_language_switch(client, survey):
    start(client, survey)
    client.post(page_url(survey, "p1"), P1)
    back = client.post(page_url(survey, "p2"), {"zip": "33330", "nav": "back"})
    assert back["Location"] == page_url(survey, "p1")
    body = client.get(page_url(survey, "p1")).content.decode()
    assert re.search(r'<input[^>]*name="lang"[^>]*value="uk"[^>]*\bchecked\b', body)
    switched = client.post(
        page_url(survey, "p2"), {"zip": "33330", "nav": "lang", "switch_lang": "ar"}
    )
    body = switched.content.decode()
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    assert 'value="33330"' in body
    assert Response.objects.get().language == "ar"


def test_resume_with_code_in_another_browser(client, survey):
    start(client, survey)
    code = resume_code(client.get(page_url(survey, "p1")).content.decode())
    client.post(page_url(survey, "p1"), P1)
    other = Client()
    resume = reverse("surveys:respond_resume", args=[survey.public_id])
    assert other.post(resume, {"code": "WRON-GCOD-E123"}).status_code == 400
    ok = other.post(resume, {"code": code.lower()})
    assert ok["Location"] == page_url(survey, "p2")
    assert 'value="uk"' in other.get(page_url(survey, "p1")).content.decode()


def test_closed_and_not_yet_open_surveys_refuse(client, make_survey):
    closed = make_survey(status="open")
    Survey.objects.filter(pk=closed.pk).update(status="closed")
    assert client.get(reverse("surveys:respond_public", args=[closed.public_id])).status_code == 403
    assert start(client, closed).status_code == 403
    later = make_survey(status="open")
    Survey.objects.filter(pk=later.pk).update(opens_at=timezone.now() + timedelta(days=1))
    assert start(client, later).status_code == 403
    draft = make_survey(status="draft")
    assert start(client, draft).status_code == 403
    assert not Response.objects.exists()


def test_honeypot_stores_nothing(client, survey):
    response = start(client, survey, website="http://spam.example")
    assert response.status_code == 200 and not Response.objects.exists()


def test_rate_limit_per_ip(client, survey, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SURVEY_PUBLIC_STARTS_PER_HOUR = 2
    for _ in range(2):
        assert start(Client(), survey).status_code == 302
    assert start(Client(), survey).status_code == 429
    assert Response.objects.count() == 2
    cache.clear()


def test_invitation_survey_refuses_public_link(client, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    assert start(client, survey).status_code == 403


def _invite(survey, email="expert@example.org", **kw):
    inv.invitations_import(survey=survey, user=None, rows=[{"email": email, "name": "Eva", **kw}])
    invitation = Invitation.objects.get(survey=survey, email=email)
    return invitation, reverse("surveys:respond_invitation", args=[inv.token_for(invitation)])


def invited_url(survey):
    return reverse("surveys:respond_invited", args=[survey.public_id])


def test_invited_expert_answers_once(client, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    invitation, link = _invite(survey, target_group="ukraine", organisation="Caritas")
    # The token leaves the address bar at once.
    assert client.get(link)["Location"] == invited_url(survey)
    landing = client.get(invited_url(survey))
    assert landing.status_code == 200
    invitation.refresh_from_db()
    assert invitation.opened_at
    assert client.post(invited_url(survey), {"consent": "yes"})["Location"] == page_url(
        survey, "p1"
    )
    body = client.get(page_url(survey, "p1")).content.decode()
    assert "data-resume-code" not in body  # the personal link is the way back
    client.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    # Leaving and coming back with the link continues where they were.
    other = Client()
    other.get(link)
    assert other.get(invited_url(survey))["Location"] == page_url(survey, "p2")
    other.post(page_url(survey, "p2"), P2)
    response = Response.objects.get()
    assert response.status == "complete" and response.invitation == invitation
    assert response.attributes["organisation"] == "Caritas"
    invitation.refresh_from_db()
    assert invitation.started_at and invitation.completed_at
    again = Client().get(link, follow=True)
    assert again.status_code == 200 and "bereits" in again.content.decode()
    late = Client()
    late.get(link)
    assert late.post(invited_url(survey), {"consent": "yes"}).status_code == 200
    assert Response.objects.count() == 1


def test_unknown_token_is_404(client):
    assert client.get(reverse("surveys:respond_invitation", args=["nope" * 10])).status_code == 404


def test_anonymised_invitation_keeps_no_link(client, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=True)
    invitation, link = _invite(survey)
    client.get(link)
    client.post(invited_url(survey), {"consent": "yes"})
    client.post(page_url(survey, "p1"), {**P1, "lang": "de"})
    client.post(page_url(survey, "p2"), P2)
    response = Response.objects.get()
    assert response.status == "complete" and response.invitation_id is None
    assert response.anonymised and response.target_group_id is None and response.attributes == {}
    invitation.refresh_from_db()
    assert (
        invitation.completed_at and invitation.opened_at is None and invitation.started_at is None
    )
    local = timezone.localtime(invitation.completed_at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert "bereits" in Client().get(link, follow=True).content.decode()


def test_anonymity_is_enforced_by_the_schema(survey):
    from django.db import IntegrityError, transaction

    from surveys.models import Response as R

    invitation = Invitation.objects.create(
        survey=survey, email="x@example.org", token_salt="s", token_hash="h"
    )
    response = R.objects.create(
        survey=survey,
        version=survey.current_version,
        language="de",
        anonymised=True,
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )
    response.invitation = invitation
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()
    field_names = {f.name for f in R._meta.get_fields()}
    assert "token_hash" not in field_names


def test_staff_test_mode_is_kept_apart(client, make_survey, staff_user):
    survey = make_survey(status="draft")
    client.force_login(staff_user)
    url = reverse("surveys:respond_public", args=[survey.public_id]) + "?test=1"
    assert client.get(url).status_code == 200
    client.post(url, {"consent": "yes"})
    assert Response.objects.get().is_test


def test_outsider_cannot_use_test_mode(client, make_survey, outsider):
    survey = make_survey(status="draft")
    client.force_login(outsider)
    url = reverse("surveys:respond_public", args=[survey.public_id]) + "?test=1"
    assert client.post(url, {"consent": "yes"}).status_code == 403
    assert not Response.objects.exists()
