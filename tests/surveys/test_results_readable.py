"""Results a reader can take in: rating scales with their end words, dates as the reader
writes them, a grouped chart for breakdowns, one tagging panel for free texts, a funnel that
agrees with the response counts without beat, and reports for the county council without
internal codes (tagged PDF/UA, DOCX with headings)."""

import html
import io

import pytest
from django.urls import reverse

from participation.models import FieldOfAction
from surveys.models import Answer
from surveys.results import aggregation, reports
from surveys.results.models import FreeTextTag, ResultState
from tests.surveys.results_helpers import submit_random

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(survey):
    for response in submit_random(survey, 30, seed=2):
        aggregation.results_add_response(response_id=response.pk)
    aggregation.results_refresh_funnel(version_id=survey.current_version_id)
    return survey


def dashboard_url(survey, by=""):
    url = reverse("surveys:results_dashboard", args=[survey.pk, survey.current_version.number])
    return f"{url}?by={by}" if by else url


def test_rating_results_carry_the_end_labels(counted):
    result = reports.question_result(counted.current_version, "satisfaction", suppress=False)
    labels = [c["label"] for c in result["choices"]]
    assert labels[0] == "1 – gar nicht" and labels[4] == "5 – sehr"
    assert labels[1:4] == ["2", "3", "4"]
    assert result["scale_labels"] == {"min": "gar nicht", "max": "sehr"}


def test_matrix_chart_shows_the_whole_distribution_of_every_row(client, counted, staff_user):
    """Not only the first answer's share: every answer of the scale per row, with a legend,
    and the figures as text (the chart's description and the tables under it)."""
    from surveys.results.charts import question_chart

    result = reports.question_result(counted.current_version, "grid", suppress=False)
    svg = html.unescape(question_chart(result))
    assert "stacked-bar-chart" in svg
    for row in result["rows"]:
        shares = ", ".join(
            f"{c['label']} {c['pct_respondents']:.1f}".replace(".", ",") + " %"
            for c in row["choices"]
        )
        assert f"{row['label']}: {shares}" in svg
    for label in ("gut", "schlecht"):
        assert f">{label}</text>" in svg  # in the legend
    client.force_login(staff_user)
    url = reverse(
        "surveys:results_question", args=[counted.pk, counted.current_version.number, "grid"]
    )
    body = html.unescape(client.get(url).content.decode())
    assert "stacked-bar-chart" in body and "<caption>Ämter (n = " in body


def test_dashboard_dates_in_german_and_grouped_chart_for_breakdowns(client, counted, staff_user):
    client.force_login(staff_user)
    body = html.unescape(client.get(dashboard_url(counted)).content.decode())
    day = reports.survey_overview(counted.current_version, suppress=False)["days"][0]["key"]
    year, month, dom = day.split("-")
    assert f'<th scope="row">{dom}.{month}.{year}</th>' in body
    assert f">{day}<" not in body
    assert "grouped-bar-chart" not in body
    grouped = client.get(dashboard_url(counted, "q:lang"))
    body = html.unescape(grouped.content.decode())
    assert body.count("grouped-bar-chart") >= 3  # choice questions, broken down by language
    assert "breakdown-chart" in body


def test_the_funnel_agrees_with_the_counts_without_beat(client, survey, staff_user):
    responses = submit_random(survey, 4, seed=5)
    for response in responses:
        aggregation.results_add_response(response_id=response.pk)
    assert ResultState.objects.get(version=survey.current_version).funnel_at is None
    client.force_login(staff_user)
    overview = client.get(dashboard_url(survey)).context["overview"]
    assert overview["responses"] == 4
    assert overview["started"] == 4 and overview["complete"] == 4
    assert overview["funnel"][0]["count"] == 4
    # A later response is in the funnel on the next read, too.
    for response in submit_random(survey, 1, seed=6):
        aggregation.results_add_response(response_id=response.pk)
    overview = client.get(dashboard_url(survey)).context["overview"]
    assert overview["responses"] == overview["complete"] == overview["started"] == 5


def test_the_results_api_refreshes_the_funnel_too(client, survey, staff_user):
    for response in submit_random(survey, 3, seed=7):
        aggregation.results_add_response(response_id=response.pk)
    client.force_login(staff_user)
    data = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert data["overview"]["started"] == data["overview"]["responses"] == 3


def test_free_texts_have_one_tagging_panel(client, counted, staff_user):
    client.force_login(staff_user)
    field = FieldOfAction.objects.create(code="test-results-field", name="Testfeld")
    version = counted.current_version.number
    url = reverse("surveys:results_free_texts", args=[counted.pk, version, "comment"])
    response = client.get(url)
    body = response.content.decode()
    answers = list(response.context["page"])
    assert len(answers) > 3
    # One set of tag inputs for the page, not one per answer.
    active = FieldOfAction.objects.filter(active=True).count()
    assert body.count('name="fields_of_action"') == active
    assert body.count('name="answers"') == len(answers)
    first, second = answers[0], answers[1]
    tag_url = reverse("surveys:results_tag_many", args=[counted.pk])
    done = client.post(
        tag_url, {"answers": [first.pk, second.pk], "fields_of_action": [field.pk], "next": url}
    )
    assert done.status_code == 302 and done["Location"] == url
    for answer in (first, second):
        assert list(FreeTextTag.objects.get(answer=answer).fields_of_action.all()) == [field]
    assert not FreeTextTag.objects.filter(answer=answers[2]).exists()
    page = html.unescape(client.get(url).content.decode())
    assert "Testfeld" in page


def test_tagging_without_ticked_answers_or_with_bad_input_writes_nothing(
    client, counted, staff_user
):
    client.force_login(staff_user)
    tag_url = reverse("surveys:results_tag_many", args=[counted.pk])
    answer = Answer.objects.filter(question__code="comment").exclude(value_text="").first()
    response = client.post(tag_url, {"fields_of_action": [99999]}, follow=True)
    assert response.status_code == 200
    response = client.post(tag_url, {"answers": [answer.pk], "fields_of_action": [99999]})
    assert response.status_code == 302
    assert not FreeTextTag.objects.exists()


@pytest.mark.parametrize("who", ["facilitator_user", "expert_user", "outsider"])
def test_tagging_is_refused_to_everyone_but_staff(client, counted, request, who):
    client.force_login(request.getfixturevalue(who))
    answer = Answer.objects.filter(question__code="comment").exclude(value_text="").first()
    field = FieldOfAction.objects.create(code="test-results-field", name="Testfeld")
    tag_url = reverse("surveys:results_tag_many", args=[counted.pk])
    response = client.post(tag_url, {"answers": [answer.pk], "fields_of_action": [field.pk]})
    assert response.status_code == 403
    assert not FreeTextTag.objects.exists()


def test_staff_of_another_process_cannot_tag(client, counted, make_member):
    from tests.factories import ProcessFactory

    client.force_login(make_member(ProcessFactory(), "staff"))
    answer = Answer.objects.filter(question__code="comment").exclude(value_text="").first()
    tag_url = reverse("surveys:results_tag_many", args=[counted.pk])
    assert client.post(tag_url, {"answers": [answer.pk]}).status_code == 403
    assert not FreeTextTag.objects.exists()


def test_answers_of_another_survey_are_not_tagged(client, counted, staff_user, make_survey):
    other = make_survey()
    submit_random(other, 3, seed=9)
    foreign = Answer.objects.filter(response__survey=other).exclude(value_text="").first()
    client.force_login(staff_user)
    field = FieldOfAction.objects.create(code="test-results-field", name="Testfeld")
    tag_url = reverse("surveys:results_tag_many", args=[counted.pk])
    client.post(tag_url, {"answers": [foreign.pk], "fields_of_action": [field.pk]})
    assert not FreeTextTag.objects.filter(answer=foreign).exists()


# --- reports for the county council -----------------------------------------------------------


def test_pdf_report_is_tagged_pdf_ua_with_language_title_and_no_codes(counted, tmp_path):
    from pypdf import PdfReader

    from surveys.results.exports import write_report

    path = tmp_path / "report.pdf"
    write_report(counted, str(path), fmt="pdf", suppressed=True)
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("de")
    assert "Testbefragung" in reader.metadata.title

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = list(titles(reader.outline))
    assert "Zufriedenheit" in outline
    assert not any("(satisfaction)" in title or "(lang)" in title for title in outline)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "(satisfaction)" not in text and "(comment)" not in text


def test_docx_report_has_headings_and_question_texts_not_codes(counted, tmp_path):
    from docx import Document

    from surveys.results.exports import write_report

    path = tmp_path / "report.docx"
    write_report(counted, str(path), fmt="docx", suppressed=False)
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Zufriedenheit" in headings and "Sprache?" in headings
    assert not any("(" in h and h.endswith(")") for h in headings)
    assert doc.core_properties.title.startswith("Ergebnisse") or doc.core_properties.title
    assert doc.core_properties.language


def test_every_pdf_of_the_project_is_tagged(counted):
    """The shared helper writes PDF/UA-1; the concept document and the workshop PDFs use it."""
    from pypdf import PdfReader

    from core.pdf import html_to_pdf

    data = html_to_pdf(
        '<html lang="de"><head><title>Bericht</title></head><body><h1>Bericht</h1></body></html>'
    )
    reader = PdfReader(io.BytesIO(data))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Bericht"
